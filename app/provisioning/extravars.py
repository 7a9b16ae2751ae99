"""The extra vars a provisioning job hands to its playbook, written as YAML with every string `!unsafe`.

Contract with the playbooks (playbooks/*.yml follow it; tests/provisioning/playbooks/ too):

    alta_items:   a list with one dict per JobItem of the job, in item order:
                  {label, uid, uid_number, gid_number, home, email, full_name}
                  plus the service request's validated params (domain, mailboxes, site).
                  `label` is JobItem.label; keys whose names look secret are never passed.
                  Fields the item does not have yet (a request without a member) are absent.
    alta_state:   "present" or "disabled" (job.options["state"], default "present")
    alta_sandbox: the SANDBOX setting (root of every path in the development inventory)
    alta_job_id:  the ProvisioningJob id
    alta_options: the job's other non-personal options (a dict; test playbooks read e.g. `sleep`)

Every string in the file is tagged `!unsafe`, so `{{ … }}` or `{% … %}` in a name is data to Ansible,
never a template (ansible-runner's `extravars=` argument would make it trusted: see ../shared/NOTES.md). Numbers
and booleans are plain. Playbooks loop over `alta_items` with `loop_control: label: "{{ item.label }}"`,
so every item event names its item and the engine derives each item's result from the events.
Shell and command tasks take `argv` lists, never a joined string.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from flask import current_app

from app.provisioning.redaction import is_secret_key


def home_directory(uid: str) -> str:
    """A member's home on the hosts (and homeDirectory in their directory entry)."""
    return f"/home/{uid}"


class _UnsafeDumper(yaml.SafeDumper):
    """YAML dumper that tags every string !unsafe (keys stay plain: they are ours)."""


def _represent_str(dumper: yaml.SafeDumper, value: str):
    return dumper.represent_scalar("!unsafe", value, style='"')


def _represent_dict(dumper: yaml.SafeDumper, value: dict):
    # Keys as plain strings, values through the unsafe representers.
    return yaml.nodes.MappingNode(
        "tag:yaml.org,2002:map",
        [(yaml.ScalarNode("tag:yaml.org,2002:str", str(k)), dumper.represent_data(v)) for k, v in value.items()],
    )


_UnsafeDumper.add_representer(str, _represent_str)
_UnsafeDumper.add_representer(dict, _represent_dict)


def unsafe_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_UnsafeDumper, allow_unicode=True, sort_keys=False, width=1 << 20)


def item_vars(job_item) -> dict:
    """alta_items entry for one JobItem (see the module docstring)."""
    request = job_item.service_request
    values: dict = {"label": job_item.label}
    member = request.member if request is not None else None
    if member is not None:
        application = member.application
        values.update(
            uid=member.uid,
            uid_number=member.uid_number,
            gid_number=member.uid_number,  # user private groups: gidNumber = uidNumber
            home=home_directory(member.uid),
            email=application.email if application else None,
            full_name=(application.display_name if application else None) or member.uid,
        )
    elif request is not None and request.application is not None:
        application = request.application
        values.update(email=application.email, full_name=application.display_name,
                      uid=getattr(application, "username", None))
    params = dict(request.params or {}) if request is not None else {}
    for key, value in params.items():
        if key not in values and not is_secret_key(key):
            values[key] = value
    return {k: v for k, v in values.items() if v is not None}


def job_vars(job) -> dict:
    options = dict(job.options or {})
    state = options.pop("state", "present")
    return {
        "alta_items": [item_vars(item) for item in job.items],
        "alta_state": state,
        "alta_sandbox": str(current_app.config["SANDBOX"]),
        "alta_job_id": job.id,
        "alta_options": {k: v for k, v in options.items() if not is_secret_key(k)},
    }


def write(private_data_dir: Path, job) -> Path:
    """Write <private_data_dir>/env/extravars (mode 0600) and return its path."""
    env = Path(private_data_dir) / "env"
    env.mkdir(mode=0o700, exist_ok=True)
    path = env / "extravars"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(unsafe_yaml(job_vars(job)))
    return path
