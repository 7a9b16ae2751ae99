#!/usr/bin/python
"""Ansible module: make many directories, files and symlinks exactly as described, in one process.

alta's playbooks cover a whole batch of members in one run; a `file`/`template` task per member costs
one module process each (about 0.4 s on our machines), so a batch of 100 would spend minutes starting
Python. The playbook renders every file on the controller and hands the whole description to this module.

Safety: every path must lie under one of `confine`; nothing is followed through a symlink (a member
controls their home and could plant one): an existing symlink where a directory or file is wanted is an
error, ownership is changed with lchown semantics.
"""

from __future__ import annotations

import os
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: alta_paths
short_description: Directories, files and symlinks for many members in one call (alta).
options:
  confine: {type: list, elements: str, required: true, description: Allowed path prefixes.}
  directories: {type: list, elements: dict, default: [], description: "path, owner, group, mode"}
  files: {type: list, elements: dict, default: [], description: "path, content, owner, group, mode"}
  links: {type: list, elements: dict, default: [], description: "path, src (relative or absolute)"}
  absent: {type: list, elements: str, default: [], description: Files or symlinks to remove.}
"""


class Refused(Exception):
    pass


def confined(path: str, prefixes: list[str]) -> str:
    if not os.path.isabs(path) or path != os.path.normpath(path) or "/../" in path + "/":
        raise Refused(f"not a clean absolute path: {path!r}")
    for prefix in prefixes:
        prefix = os.path.normpath(prefix)
        if prefix == "/" or path == prefix or path.startswith(prefix + "/"):
            return path
    raise Refused(f"outside the allowed folders: {path!r}")


def lstat_or_none(path: str):
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def ensure_owner_mode(path: str, st, spec: dict, check: bool) -> list[str]:
    """Owner, group and mode as given; a key left out is left alone."""
    changes = []
    if spec.get("owner") is not None:
        owner = int(spec["owner"])
        group = int(spec["group"]) if spec.get("group") is not None else owner
        if st.st_uid != owner or st.st_gid != group:
            changes.append("owner")
            if not check:
                os.chown(path, owner, group, follow_symlinks=False)
    mode = int(str(spec["mode"]), 8) if spec.get("mode") is not None else None
    if mode is not None and stat.S_IMODE(st.st_mode) != mode:
        changes.append("mode")
        if not check:
            os.chmod(path, mode)
    return changes


def ensure_directory(spec: dict, prefixes: list[str], check: bool) -> list[str]:
    path = confined(spec["path"], prefixes)
    st = lstat_or_none(path)
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise Refused(f"exists and is not a directory (symlinks are never followed): {path!r}")
    if st is None:
        if check:
            return ["created"]
        os.mkdir(path, int(str(spec.get("mode", "0755")), 8))
        st = os.lstat(path)
        return ["created"] + ensure_owner_mode(path, st, spec, check)
    return ensure_owner_mode(path, st, spec, check)


def ensure_file(spec: dict, prefixes: list[str], check: bool) -> list[str]:
    path = confined(spec["path"], prefixes)
    wanted = str(spec.get("content", "")).encode("utf-8")
    st = lstat_or_none(path)
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise Refused(f"exists and is not a regular file (symlinks are never followed): {path!r}")
    changes = []
    if st is not None:
        with open(path, "rb") as f:
            same = f.read() == wanted
    if st is None or not same:
        changes.append("content" if st is not None else "created")
        if not check:
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".alta-")
            with os.fdopen(fd, "wb") as f:
                f.write(wanted)
            os.replace(tmp, path)
        st = lstat_or_none(path)
    if st is not None:
        changes += ensure_owner_mode(path, st, spec, check)
    return changes


def ensure_link(spec: dict, prefixes: list[str], check: bool) -> list[str]:
    path = confined(spec["path"], prefixes)
    src = str(spec["src"])
    target = src if os.path.isabs(src) else os.path.normpath(os.path.join(os.path.dirname(path), src))
    confined(target, prefixes)
    st = lstat_or_none(path)
    if st is not None and not stat.S_ISLNK(st.st_mode):
        raise Refused(f"exists and is not a symlink: {path!r}")
    if st is not None and os.readlink(path) == src:
        return []
    if not check:
        tmp = os.path.join(os.path.dirname(path), f".alta-link-{os.getpid()}")
        os.symlink(src, tmp)
        os.replace(tmp, path)
    return ["linked"]


def ensure_absent(path: str, prefixes: list[str], check: bool) -> list[str]:
    path = confined(path, prefixes)
    st = lstat_or_none(path)
    if st is None:
        return []
    if stat.S_ISDIR(st.st_mode):
        raise Refused(f"refusing to remove a directory: {path!r}")
    if not check:
        os.unlink(path)
    return ["removed"]


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "confine": {"type": "list", "elements": "str", "required": True},
            "directories": {"type": "list", "elements": "dict", "default": []},
            "files": {"type": "list", "elements": "dict", "default": []},
            "links": {"type": "list", "elements": "dict", "default": []},
            "absent": {"type": "list", "elements": "str", "default": []},
        },
        supports_check_mode=True,
    )
    p, check = module.params, module.check_mode
    prefixes = [x for x in p["confine"] if x]
    changed = []
    try:
        for spec in p["directories"]:
            if what := ensure_directory(spec, prefixes, check):
                changed.append({"path": spec["path"], "changes": what})
        for spec in p["files"]:
            if what := ensure_file(spec, prefixes, check):
                changed.append({"path": spec["path"], "changes": what})
        for spec in p["links"]:
            if what := ensure_link(spec, prefixes, check):
                changed.append({"path": spec["path"], "changes": what})
        for path in p["absent"]:
            if what := ensure_absent(path, prefixes, check):
                changed.append({"path": path, "changes": what})
    except (Refused, OSError) as exc:
        module.fail_json(msg=str(exc), changed=bool(changed), changed_paths=changed)
    module.exit_json(changed=bool(changed), changed_paths=changed)


if __name__ == "__main__":
    main()
