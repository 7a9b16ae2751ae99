"""Member entries in the real slapd: attributes, reruns, conflicts, hostile names, mail data, locks."""

from __future__ import annotations

import pytest

from app import directory
from app.extensions import db
from app.members.entries import ensure_entries
from app.provisioning.extravars import item_vars
from tests.members.factories import make_member, plan_jobs

HOSTILE_NAME = "Zoë ,=+<>#;\\ \"x\" *)(uid=*))(|(objectClass=*) {{ lookup('pipe','id') }} $(touch /tmp/alta-x)"
ATTRS = ["objectClass", "uid", "cn", "sn", "mail", "uidNumber", "gidNumber", "homeDirectory", "loginShell",
         "o", "displayName", "shadowExpire", "altaMailAlias", "altaMailQuota"]


def entry(uid):
    return directory.read_member_entry(directory.Directory.from_config(), uid, ATTRS)


def job_for(jobs, playbook):
    return next(j for j in jobs if j.playbook == playbook)


def test_a_job_creates_the_member_entry_with_posix_and_person_attributes(app):
    member = make_member(full_name="Rosa Luxemburgo", email="rosa@example.net", username="rosa")
    jobs = plan_jobs([member])
    db.session.commit()
    ensure_entries(job_for(jobs, "hosting.yml"))
    e = entry("rosa")
    assert {"inetOrgPerson", "posixAccount", "shadowAccount"} <= set(e["objectClass"])
    assert e["uid"] == ["rosa"] and e["cn"] == ["Rosa Luxemburgo"] and e["sn"] == ["Rosa Luxemburgo"]
    assert e["mail"] == ["rosa@example.net"]
    assert e["uidNumber"] == [str(member.uid_number)] and e["gidNumber"] == [str(member.uid_number)]
    assert e["homeDirectory"] == ["/home/rosa"] and e["loginShell"] == ["/bin/bash"]
    assert e["shadowExpire"] == []


def test_running_the_same_job_again_is_success_and_changes_nothing(app):
    member = make_member(username="rosa")
    jobs = plan_jobs([member])
    db.session.commit()
    for job in jobs:
        ensure_entries(job)
    before = entry("rosa")
    for job in jobs:
        ensure_entries(job)
    assert entry("rosa") == before


def test_an_existing_entry_with_other_data_is_an_error_naming_the_attribute(app):
    member = make_member(username="rosa")
    jobs = plan_jobs([member])
    db.session.commit()
    ensure_entries(jobs[0])
    member.application.email = "someone.else@example.net"
    db.session.commit()
    with pytest.raises(directory.EntryConflict) as caught:
        ensure_entries(jobs[0])
    assert caught.value.attribute == "mail"
    assert str(caught.value) == f"{directory.Directory.from_config().member_dn('rosa')} exists with a different mail"
    assert entry("rosa")["mail"] != ["someone.else@example.net"]


def test_the_email_job_writes_aliases_and_quota_for_the_mail_servers(app):
    member = make_member(username="rosa")
    request = next(r for r in member.service_requests if r.kind == "email")
    request.params = {"domain": "colectivo.org", "mailboxes": [{"local": "rosa", "display_name": "Rosa"},
                                                               {"local": "prensa", "display_name": ""}]}
    jobs = plan_jobs([member])
    db.session.commit()
    ensure_entries(job_for(jobs, "email.yml"))
    e = entry("rosa")
    assert "altaMailAccount" in e["objectClass"]
    assert sorted(e["altaMailAlias"]) == ["prensa@colectivo.org", "rosa@colectivo.org"]
    assert e["altaMailQuota"] == [str(app.config["MAIL_QUOTA_MB"])]


def test_hostile_names_reach_ldap_verbatim_and_no_other_entry_is_touched(app):
    bystander = make_member(username="bystander", full_name="Bystander")
    db.session.commit()
    for job in plan_jobs([bystander]):
        ensure_entries(job)
    untouched = entry("bystander")
    member = make_member(username="zoe", full_name=HOSTILE_NAME, kind="organisation",
                         organisation_name="Org )(cn=*) ,+=\\ {{ 7*7 }} 😀 مرحبا")
    jobs = plan_jobs([member])
    db.session.commit()
    for job in jobs:
        ensure_entries(job)
    e = entry("zoe")
    assert e["sn"] == [HOSTILE_NAME]
    assert e["o"] == ["Org )(cn=*) ,+=\\ {{ 7*7 }} 😀 مرحبا"] and e["cn"] == e["o"]
    assert entry("bystander") == untouched
    d = directory.Directory.from_config()
    assert d.find_uid(d.members_dn, "*") is None
    assert d.find_uid(d.members_dn, "zo*") is None  # one entry matches the pattern: only escaping refuses it
    assert d.find_uid(d.members_dn, "zoe") == d.member_dn("zoe")


def test_job_items_carry_the_member_and_the_service_params(app):
    member = make_member(username="rosa", full_name="Rosa", email="rosa@example.net")
    jobs = plan_jobs([member])
    db.session.commit()
    (hosting,) = [item_vars(i) for i in job_for(jobs, "hosting.yml").items]
    assert hosting == {"label": "rosa", "uid": "rosa", "uid_number": member.uid_number,
                       "gid_number": member.uid_number, "home": "/home/rosa", "email": "rosa@example.net",
                       "full_name": "Rosa", "domain": "rosa.example.org"}
    (email,) = [item_vars(i) for i in job_for(jobs, "email.yml").items]
    assert email["mailboxes"] == [{"local": "rosa", "display_name": "Rosa"}]


def test_a_disabled_job_locks_the_entry_and_a_present_job_restores_it_exactly(app):
    member = make_member(username="rosa")
    jobs = plan_jobs([member])
    db.session.commit()
    for job in jobs:
        ensure_entries(job)
    before = entry("rosa")
    for job in jobs:
        job.options = {"state": "disabled"}
        ensure_entries(job)
    assert entry("rosa")["shadowExpire"] == ["1"]
    for job in jobs:
        job.options = {"state": "present"}
        ensure_entries(job)
    assert entry("rosa") == before
