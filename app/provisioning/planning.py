"""Planning provisioning jobs: one job per service kind, covering many service requests (a batch).

`plan(...)` is the engine's public face: review (approval), members (switch off/on) and later areas
call it inside their own transaction; the outbox hands the jobs to RQ after that commit.
"""

from __future__ import annotations

from collections import defaultdict

from app import outbox
from app.extensions import db
from app.models import JobItem, ProvisioningJob, ServiceRequest, ServiceState
from app.models.states import check_transition

PLAYBOOKS = {"hosting": "hosting.yml", "email": "email.yml", "drupal": "drupal.yml"}

# What a job makes of the services it covers, as options["state"] (reaching the playbooks as alta_state,
# Ansible's own words): set them up, or switch them back on ("present", the default), or switch them off.
SERVICES_ON = "present"
SERVICES_OFF = "disabled"


def switches_off(job: ProvisioningJob) -> bool:
    return (job.options or {}).get("state") == SERVICES_OFF


def plan(requests: list[ServiceRequest], requested_by: str, options: dict | None = None) -> list[ProvisioningJob]:
    """Queue the requests: one job per kind, one item per request, an outbox row per job.

    Adds to the caller's transaction (flushes to get ids); the caller commits, and the outbox
    pushes the jobs to RQ only after that commit.
    """
    by_kind: dict[str, list[ServiceRequest]] = defaultdict(list)
    for request in requests:
        by_kind[request.kind].append(request)
    jobs = []
    for kind, batch in sorted(by_kind.items()):
        job = ProvisioningJob(playbook=PLAYBOOKS[kind], requested_by=requested_by, options=options or {})
        db.session.add(job)
        for request in batch:
            check_transition(request.state, ServiceState.QUEUED)
            request.state = ServiceState.QUEUED
            label = request.member.uid if request.member else f"request-{request.id}"
            job.items.append(JobItem(service_request=request, label=label))
        db.session.flush()
        outbox.add("job", job_id=job.id)
        jobs.append(job)
    return jobs
