"""Audit entries belong to the acted-on resource's organisation, and unauthenticated requests
cannot write documents without bound (decision 0909)."""

from __future__ import annotations

from shared import config
from shared.ids import new_id
from shared.persistence.documents import Query
from tests.support.jobs import api_job

V1 = "/api/v1"


def _job(platform, org_id, status="FINAL_QC") -> str:
    return api_job(platform, org_id, status)


def _count(platform, collection: str) -> int:
    return len(platform.documents.query(Query(collection, limit=1000)).items)


def test_entries_take_the_jobs_organisation(client, users, platform):
    acme, other = users.org("Acme"), users.org("Other")
    reviewer = users.user("REVIEWER", other)  # reviewers act on every organisation's jobs
    acme_pm, other_pm = users.user("PM", acme), users.user("PM", other)
    job = _job(platform, acme)
    client.post(f"{V1}/jobs/{job}/actions/feedback", json={"message": "Check the intro"}, headers=reviewer["headers"])
    mine = client.get(f"{V1}/admin/audit-log?target={job}", headers=acme_pm["headers"]).get_json()["items"]
    assert [e["actor"] for e in mine] == [reviewer["id"]] and mine[0]["org_id"] == acme
    theirs = client.get(f"{V1}/admin/audit-log?target={job}", headers=other_pm["headers"]).get_json()["items"]
    assert theirs == []


def test_unknown_resources_fall_back_to_the_actors_organisation(client, users):
    org = users.org()
    reviewer = users.user("REVIEWER", org)
    missing = new_id()
    client.post(f"{V1}/jobs/{missing}/actions/feedback", json={"message": "x"}, headers=reviewer["headers"])
    admin = users.user("ADMIN")
    items = client.get(f"{V1}/admin/audit-log?target={missing}", headers=admin["headers"]).get_json()["items"]
    assert items and items[0]["org_id"] == org


def test_unauthenticated_requests_write_no_audit_entries(client, users, platform):
    config.configure(login_max_per_address=3)
    users.user("ADMIN")
    before = _count(platform, "audit_log")
    for _ in range(20):
        assert client.post(f"{V1}/jobs/{new_id()}/actions/retry").status_code == 401
        assert client.post(f"{V1}/auth/refresh", headers={"Cookie": "avp_refresh=forged.token"}).status_code == 401
        assert client.post(f"{V1}/auth/logout", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert _count(platform, "audit_log") == before
    # Sign-in attempts are audited, but only as many as the address limit lets through.
    codes = [
        client.post(f"{V1}/auth/login", json={"email": f"n{i}@example.com", "password": "Wrong-Pass-1"}).status_code
        for i in range(10)
    ]
    assert codes.count(401) == 3 and codes.count(429) == 7
    assert _count(platform, "audit_log") == before + 3


def test_unauthenticated_rate_limit_and_sso_documents_are_bounded_per_address(client, users, platform):
    config.configure(login_max_per_address=4, login_max_per_account=100)
    for i in range(40):
        client.post(f"{V1}/auth/login", json={"email": f"rand{i}@example.com", "password": "Wrong-Pass-1"})
        client.post(f"{V1}/auth/accept-invite", json={"token": f"{'a' * 24}.x{i}", "password": "Xx-123456789"})
    # per address: one address counter per scope, and per account counters only for the
    # attempts the address limit let through
    assert _count(platform, "rate_limits") <= 2 + 4 * 2
