#!/usr/bin/python
"""Ansible module: make Drupal accounts match a list of members with drush, in one module process.

One `user:information a,b,c` tells which accounts exist, their roles and status; then only what is
missing is done: `user:create NAME --mail=…` per new account, and one `user:role:add ROLE a,b` and one
`user:block` / `user:unblock a,b` for the batch (drush takes comma-separated names there).
A second run therefore changes nothing. drush is always called with an argument list (no shell).
In development and tests `drush` is the drush STAND-IN under tests/standins/ (it is not Drupal).
"""

from __future__ import annotations

import json
import subprocess

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: alta_drush
short_description: Drupal accounts for many members through drush (alta).
options:
  drush: {type: path, required: true}
  root: {type: str, required: true}
  uri: {type: str, required: true}
  role: {type: str, default: member}
  state: {type: str, choices: [present, disabled], default: present}
  accounts: {type: list, elements: dict, required: true, description: "name, mail"}
"""


class DrushFailed(Exception):
    pass


def drush(p: dict, *args: str, ok=(0,)) -> subprocess.CompletedProcess:
    argv = [p["drush"], f"--root={p['root']}", f"--uri={p['uri']}", "--yes", *args]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode not in ok:
        raise DrushFailed(f"drush {args[0]} failed (rc {done.returncode}): {done.stderr.strip()[-500:]}")
    return done


def accounts_info(p: dict, names: list[str]) -> dict[str, dict]:
    """{name: info} for the accounts that exist, in one `user:information a,b,c` call."""
    if not names:
        return {}
    done = drush(p, "user:information", ",".join(names), "--format=json", ok=(0, 1))
    if done.returncode != 0:
        if "Unable to find" in done.stderr:
            return {}
        raise DrushFailed(f"drush user:information failed: {done.stderr.strip()[-500:]}")
    return {str(info["name"]): info for info in json.loads(done.stdout or "{}").values()}


def reconcile(p: dict, accounts: list[dict], check: bool) -> dict[str, list[str]]:
    """Create what is missing, then add the role and block/unblock in one call each (comma lists)."""
    changes: dict[str, list[str]] = {}
    names = [str(a["name"]) for a in accounts]
    if any("," in n for n in names):
        raise DrushFailed("an account name contains a comma")
    info = accounts_info(p, names)
    for account in accounts:
        name = str(account["name"])
        if name not in info:
            changes.setdefault(name, []).append("created")
            if not check:
                drush(p, "user:create", name, f"--mail={account['mail']}")
            info[name] = {"roles": [], "user_status": "1"}
    need_role = [n for n in names if p["role"] not in info[n].get("roles", [])]
    blocked = {n for n in names if str(info[n].get("user_status", "1")) == "0"}
    switch = [n for n in names if n not in blocked] if p["state"] == "disabled" else \
        [n for n in names if n in blocked]
    if need_role:
        for n in need_role:
            changes.setdefault(n, []).append(f"role {p['role']} added")
        if not check:
            drush(p, "user:role:add", p["role"], ",".join(need_role))
    if switch:
        verb = "user:block" if p["state"] == "disabled" else "user:unblock"
        for n in switch:
            changes.setdefault(n, []).append(verb.split(":")[1] + "ed")
        if not check:
            drush(p, verb, ",".join(switch))
    return changes


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "drush": {"type": "path", "required": True},
            "root": {"type": "str", "required": True},
            "uri": {"type": "str", "required": True},
            "role": {"type": "str", "default": "member"},
            "state": {"type": "str", "choices": ["present", "disabled"], "default": "present"},
            "accounts": {"type": "list", "elements": "dict", "required": True},
        },
        supports_check_mode=True,
    )
    changes: dict = {}
    try:
        changes = reconcile(module.params, module.params["accounts"], module.check_mode)
    except (DrushFailed, subprocess.TimeoutExpired, ValueError) as exc:
        module.fail_json(msg=str(exc), changed=bool(changes), accounts_changed=changes)
    module.exit_json(changed=bool(changes), accounts_changed=changes)


if __name__ == "__main__":
    main()
