"""hosting.yml, email.yml and drupal.yml run with ansible-runner against a sandbox (no mocks; Drupal is
replaced by the drush stand-in tests/standins/drush, which records every call)."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.members.playbooks import drush_calls, item, run_playbook

PLAYBOOKS = ("hosting.yml", "email.yml", "drupal.yml")
HOSTILE = [
    "Ana \"O'Brien\" ,=+<>#; \\ (uid=*)(|(uid=*)) *)(objectClass=*",
    "{{ lookup('pipe','touch MARKER_J') }} {% raw %}x{% endraw %}",
    "$(touch MARKER_S) `touch MARKER_B`; touch MARKER_C | rm -rf / && echo",
    "ДОБРО 歡迎 🏳️‍🌈 مرحبا \u202eevil",
]


@pytest.fixture
def box(tmp_path: Path) -> Path:
    return tmp_path / "sandbox"


def run_all(items, box, state="present"):
    runs = {pb: run_playbook(pb, items, box, state) for pb in PLAYBOOKS}
    for pb, run in runs.items():
        assert run.status == "successful", f"{pb}: {run.stdout[-3000:]}"
    return runs


def snapshot(root: Path) -> dict:
    """Every path under root with its type, owner, mode, content or link target (logs excluded)."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if rel.startswith(("nginx/logs", "nginx/tmp", "reloads", "drush/calls")) or rel.endswith(".lock"):
            continue
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            out[rel] = ("link", os.readlink(path))
        elif stat.S_ISDIR(st.st_mode):
            out[rel] = ("dir", st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode))
        else:
            out[rel] = ("file", st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode), path.read_bytes())
    return out


def test_hosting_makes_web_root_owned_by_uid_number_and_a_config_nginx_accepts(box):
    run = run_playbook("hosting.yml", [item("ana", 10001), item("beto", 10002)], box)
    assert run.status == "successful", run.stdout[-3000:]
    for uid, number in (("ana", 10001), ("beto", 10002)):
        web = box / "home" / uid / "web"
        assert web.stat().st_uid == number and web.stat().st_gid == number
        assert (box / "home" / uid).stat().st_uid == number
        site = (box / "nginx" / "sites" / f"{uid}.example.org.conf").read_text()
        assert f"server_name {uid}.example.org www.{uid}.example.org;" in site
        assert (box / "php-fpm" / "pool.d" / f"{uid}.conf").read_text().count(f"user = {number}") == 1
    check = subprocess.run(["/usr/sbin/nginx", "-t", "-c", str(box / "nginx" / "nginx.conf"), "-p", f"{box}/nginx/"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert "test is successful" in check.stderr
    assert (box / "reloads" / "nginx").read_text().strip() == "reload requested by job 1"


def test_hosting_fails_before_reload_when_nginx_rejects_the_configuration(box):
    run_all([item("ana", 10001)], box)
    (box / "nginx" / "sites" / "broken.conf").write_text("server { this is not nginx }\n")
    (box / "reloads" / "nginx").unlink()
    run = run_playbook("hosting.yml", [item("beto", 10002)], box)
    assert run.status == "failed"
    assert not (box / "reloads" / "nginx").exists()


def test_email_makes_a_maildir_per_mailbox_owned_by_the_member(box):
    mailboxes = [{"local": "ana", "display_name": "Ana"}, {"local": "prensa", "display_name": "Prensa"}]
    run = run_playbook("email.yml", [item("ana", 10001, domain="colectivo.org", mailboxes=mailboxes)], box)
    assert run.status == "successful", run.stdout[-3000:]
    for local in ("ana", "prensa"):
        for sub in ("", "cur", "new", "tmp"):
            path = box / "home" / "ana" / "Maildir" / "colectivo.org" / local / sub
            assert path.is_dir() and path.stat().st_uid == 10001 and stat.S_IMODE(path.stat().st_mode) == 0o700
    identities = (box / "home" / "ana" / "Maildir" / "identities").read_text()
    assert identities == "Ana <ana@colectivo.org>\nPrensa <prensa@colectivo.org>\n"


def test_drupal_creates_the_account_and_adds_the_member_role_through_the_drush_standin(box):
    run = run_playbook("drupal.yml", [item("ana", 10001, email="ana@example.net")], box)
    assert run.status == "successful", run.stdout[-3000:]
    calls = [(c["command"], c["args"], c["options"].get("mail")) for c in drush_calls(box)]
    assert calls == [("user:information", ["ana"], None), ("user:create", ["ana"], "ana@example.net"),
                     ("user:role:add", ["member", "ana"], None)]
    assert all(c["options"]["root"] == f"{box}/drupal/members" for c in drush_calls(box))
    assert all(c["options"]["uri"] == "https://members.alta.coop" for c in drush_calls(box))


def test_a_second_run_of_all_three_playbooks_reports_no_changes(box):
    items = [item("ana", 10001), item("beto", 10002)]
    first = run_all(items, box)
    assert all(run.changed > 0 for run in first.values())
    before = snapshot(box)
    calls_before = len(drush_calls(box))
    second = run_all(items, box)
    assert {pb: run.changed for pb, run in second.items()} == {pb: 0 for pb in PLAYBOOKS}
    assert snapshot(box) == before
    assert [(c["command"], c["args"]) for c in drush_calls(box)[calls_before:]] == [
        ("user:information", ["ana,beto"])]


def test_hostile_names_reach_files_as_plain_text_and_nothing_is_executed(box, monkeypatch):
    monkeypatch.chdir(box.parent)
    markers = [box.parent / f"MARKER_{x}" for x in "JSBC"]
    items = []
    for n, name in enumerate(HOSTILE):
        uid = f"hostile{n}"
        items.append(item(uid, 10100 + n, full_name=name, mailboxes=[{"local": uid, "display_name": name}]))
    run_all(items, box)
    for n, name in enumerate(HOSTILE):
        identities = (box / "home" / f"hostile{n}" / "Maildir" / "identities").read_text()
        assert identities == f"{name} <hostile{n}@hostile{n}.example.org>\n"
    assert not any(m.exists() for m in markers)
    assert not list(Path("/").glob("MARKER_*")) and not list(box.rglob("MARKER_*"))
    for n in range(len(HOSTILE)):
        site = (box / "nginx" / "sites" / "available" / f"hostile{n}.example.org.conf").read_text()
        assert "lookup" not in site and "$(touch" not in site


def test_a_display_name_with_a_newline_cannot_add_a_line(box):
    run = run_playbook("email.yml", [item("ana", 10001, display_name="Ana\nEvil <root@example.org>")], box)
    assert run.status == "successful", run.stdout[-3000:]
    assert (box / "home" / "ana" / "Maildir" / "identities").read_text() == \
        "Ana Evil <root@example.org> <ana@ana.example.org>\n"


def test_invalid_values_fail_the_check_before_anything_is_written(box):
    bad = item("ana", 10001, domain="evil.org; include /etc/passwd")
    run = run_playbook("hosting.yml", [bad], box)
    assert run.status == "failed"
    assert not (box / "home").exists()


def test_disable_then_enable_restores_exactly_the_previous_state(box):
    items = [item("ana", 10001), item("beto", 10002)]
    run_all(items, box)
    before = snapshot(box)
    run_all(items, box, state="disabled")
    disabled = snapshot(box)
    assert "nginx/sites/ana.example.org.conf" not in disabled
    assert "php-fpm/pool.d/ana.conf" not in disabled
    assert disabled["home/ana/web"] == before["home/ana/web"]
    blocked = [c for c in drush_calls(box) if c["command"] == "user:block"]
    assert [c["args"] for c in blocked] == [["ana,beto"]]
    again = run_all(items, box, state="disabled")
    assert sum(run.changed for run in again.values()) == 0
    run_all(items, box, state="present")
    assert snapshot(box) == before
    assert [c["args"] for c in drush_calls(box) if c["command"] == "user:unblock"] == [["ana,beto"]]
