"""Run alta's service playbooks directly with ansible-runner, the way the provisioning engine does.

Items are built by the production builder (app/provisioning/extravars.py `item_vars`) from in-memory
model rows, and the extra vars are written by its `unsafe_yaml` into `<private_data_dir>/env/extravars`
with every string tagged `!unsafe` (ansible-runner's `extravars=` argument would make them trusted
templates: see ../shared/NOTES.md). So these tests exercise exactly what the worker hands the playbooks.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import ansible_runner

from app.models import Application, JobItem, Member, ServiceRequest
from app.provisioning.extravars import item_vars, unsafe_yaml

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / "playbooks"
INVENTORY = PLAYBOOKS / "inventories" / "sandbox" / "hosts.yml"
DRUSH_STANDIN = ROOT / "tests" / "standins" / "drush"  # the drush stand-in, not Drupal


@dataclass
class Run:
    status: str
    rc: int
    stats: dict
    stdout: str

    @property
    def changed(self) -> int:
        return sum((self.stats.get("changed") or {}).values())

    @property
    def failed(self) -> int:
        return sum((self.stats.get("failures") or {}).values())


def run_playbook(playbook: str, items: list[dict], sandbox: Path, state: str = "present",
                 job_id: int = 1, inventory: Path = INVENTORY) -> Run:
    private = Path(tempfile.mkdtemp(prefix="alta-members-run-"))
    try:
        (private / "env").mkdir()
        (private / "env" / "extravars").write_text(unsafe_yaml({
            "alta_items": items, "alta_state": state, "alta_sandbox": str(sandbox), "alta_job_id": job_id,
        }))
        result = ansible_runner.run(private_data_dir=str(private), playbook=str(PLAYBOOKS / playbook),
                                    inventory=str(inventory), quiet=True, suppress_env_files=True,
                                    envvars={"PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"})
        stdout = result.stdout.read() if result.stdout else ""
        return Run(result.status, result.rc, result.stats or {}, stdout)
    finally:
        shutil.rmtree(private, ignore_errors=True)


def drush_calls(sandbox: Path) -> list[dict]:
    """The calls the drush stand-in recorded in this sandbox."""
    log = sandbox / "drush" / "calls.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def item(uid: str, uid_number: int, *, full_name: str | None = None, display_name: str | None = None,
         email: str | None = None, domain: str | None = None, mailboxes: list[dict] | None = None,
         kind: str = "hosting") -> dict:
    """One alta_items entry, built by the production builder from a member, a request and a job item."""
    domain = domain or f"{uid}.example.org"
    application = Application(email=email or f"{uid}@example.net", full_name=full_name or uid.title(),
                              kind="individual", username=uid)
    member = Member(uid=uid, uid_number=uid_number, application=application)
    params = {"domain": domain, "site": "members",
              "mailboxes": mailboxes or [{"local": uid, "display_name": display_name or full_name or uid.title()}]}
    request = ServiceRequest(kind=kind, params=params, member=member, application=application)
    return item_vars(JobItem(label=uid, service_request=request))
