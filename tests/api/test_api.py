"""The read-only API: token authentication, listings with keyset pages, bad input answered with 400."""

from __future__ import annotations

import hashlib
import time

from sqlalchemy import select

from app.console import services
from app.extensions import db
from app.models import ApiToken, AuditEvent
from tests.console.factories import make_job, make_member


def test_requests_without_a_token_or_with_an_unknown_one_are_refused_with_401(client):
    for headers in ({}, {"Authorization": "Bearer alta_nope"}, {"Authorization": "Basic c2FtOnNhbQ=="},
                    {"Authorization": "Bearer "}, {"Authorization": "Bearer " + "x" * 5000}):
        response = client.get("/api/v1/jobs", headers=headers)
        assert response.status_code == 401, headers
        assert response.json["error"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_is_stored_only_as_its_hash_and_its_creation_is_audited(app, api_token):
    row = db.session.scalars(select(ApiToken)).one()
    assert row.token_hash == hashlib.sha256(api_token.encode()).hexdigest()
    assert api_token not in repr(row.__dict__)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api_token.created")).one()
    assert event.actor == "sam" and api_token not in str(event.details)


def test_a_revoked_token_is_refused(client, bearer):
    assert client.get("/api/v1/jobs", headers=bearer).status_code == 200
    token_id = db.session.scalars(select(ApiToken.id)).one()
    assert services.revoke_api_token(token_id, "ana") is True
    response = client.get("/api/v1/jobs", headers=bearer)
    assert response.status_code == 401
    assert services.revoke_api_token(token_id, "ana") is False  # a second revoke changes nothing
    revokes = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api_token.revoked")).all()
    assert [(e.actor, e.details["owner"]) for e in revokes] == [("ana", "sam")]


def test_a_token_stops_working_when_its_owner_leaves_the_sysadmins_group(app, client, bearer, staff):
    app.config["ROLE_RECHECK_SECONDS"] = 1
    assert client.get("/api/v1/jobs", headers=bearer).status_code == 200
    staff.set_group("sam", "sysadmins", False)
    time.sleep(1.2)  # the cached answer expires
    response = client.get("/api/v1/jobs", headers=bearer)
    assert response.status_code == 401 and "no longer a sysadmin" in response.json["error"]


def test_jobs_are_listed_newest_first_in_keyset_pages_that_follow_the_next_link(client, bearer):
    member = make_member("lupita")
    ids = [make_job("successful", members=[member], events=2).id for _ in range(5)]
    db.session.commit()
    seen, url = [], "/api/v1/jobs?limit=2"
    while url:
        page = client.get(url, headers=bearer).json
        seen += [j["id"] for j in page["data"]]
        url = page["next"]
    assert seen == sorted(ids, reverse=True)
    first = client.get(f"/api/v1/jobs/{ids[0]}", headers=bearer).json
    assert first["items"] == [{"label": "lupita", "status": "ok", "service_request_id": first["items"][0]
                               ["service_request_id"]}]


def test_job_events_come_in_counter_order_across_pages(client, bearer):
    job = make_job("failed", events=7, failed_hosts=1)
    db.session.commit()
    counters, url = [], f"/api/v1/jobs/{job.id}/events?limit=3"
    while url:
        page = client.get(url, headers=bearer).json
        counters += [e["counter"] for e in page["data"]]
        url = page["next"]
    assert counters == list(range(1, 8))
    assert client.get("/api/v1/jobs/999999/events", headers=bearer).status_code == 404


def test_applications_and_members_are_listed_without_email_addresses(client, bearer):
    member = make_member("xochitl", email="xochitl@example.org")
    db.session.commit()
    apps = client.get("/api/v1/applications", headers=bearer)
    assert apps.status_code == 200
    assert "xochitl@example.org" not in apps.get_data(as_text=True)
    assert [a["username"] for a in apps.json["data"]] == ["xochitl"]
    one = client.get(f"/api/v1/members/{member.uid}", headers=bearer).json
    assert one["uid"] == "xochitl" and one["services"][0]["kind"] == "hosting"
    assert client.get("/api/v1/members/nobody", headers=bearer).status_code == 404


def test_bad_parameters_get_a_400_with_the_reason_and_not_a_500(client, bearer):
    for query in ("limit=0", "limit=501", "limit=abc", "before=-1", "state=exploded", "playbook=../../etc",
                  "before=99999999999999999999999", "limit=１０", "limit=", "before="):
        response = client.get(f"/api/v1/jobs?{query}", headers=bearer)
        assert response.status_code == 400, query
        assert response.json["error"], query
    assert client.get("/api/v1/applications/99999999999999999999", headers=bearer).status_code == 404


def test_ids_past_the_column_are_a_json_404_and_refusals_name_the_parameter(client, bearer):
    for path in (f"/api/v1/jobs/{2**31}", f"/api/v1/jobs/{2**64 + 1}/events", f"/api/v1/applications/{2**63}",
                 "/api/v1/members/a%00b"):
        response = client.get(path, headers=bearer)
        assert response.status_code == 404 and response.json["error"], path
    refused = client.get("/api/v1/jobs?limit=", headers=bearer)
    assert refused.status_code == 400 and refused.json == {"error": "“limit” is empty: give a value or leave it out."}
    refused = client.get("/api/v1/applications?state=%00", headers=bearer)
    assert refused.status_code == 400 and "“state”" in refused.json["error"]


def test_the_openapi_file_describes_every_api_route(app, client, bearer):
    spec = client.get("/api/v1/openapi.json", headers=bearer).json
    documented = {"/api/v1" + path for path in spec["paths"]}
    routes = {rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routes == documented


def test_the_spec_documents_every_route_with_a_summary_and_the_real_cursor_maximum(app):
    import json

    from app.api.views import MAX_ID, OPENAPI

    spec = json.loads(OPENAPI.read_text())
    assert {"/", "/openapi.json"} <= set(spec["paths"])
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            for parameter in operation.get("parameters", []):
                if parameter["name"] in ("after", "before", "application_id", "job_id"):
                    assert parameter["schema"]["maximum"] == MAX_ID, (path, parameter["name"])


def test_the_spec_lists_every_application_state_the_api_can_return():
    import json
    from pathlib import Path

    from app.models import ApplicationState

    spec = json.loads((Path(__file__).resolve().parents[2] / "app" / "api" / "openapi.json").read_text())
    enums = []

    def walk(node):
        if isinstance(node, dict):
            if "enum" in node and "draft" in node["enum"]:
                enums.append(node["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    assert enums and all(set(e) == {str(s) for s in ApplicationState} for e in enums)
