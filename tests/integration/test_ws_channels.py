"""The WebSocket channels over real sockets: the local app (with the flask-sock mount) on a
werkzeug server thread, real SQLite documents and event log, real JWTs."""

from __future__ import annotations

import json
import time

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from shared import config
from shared.auth import session
from shared.auth.tokens import issue_access_token
from shared.ids import new_id
from shared.persistence.documents import update_with_retry
from shared.realtime import hub
from shared.realtime import protocol as P
from shared.services.job_events import publish_notification
from shared.services.jobs import cas_transition
from shared.timestamps import now_iso
from tests.support import servers


@pytest.fixture(autouse=True)
def fast_ws(isolated_settings):
    cfg = config.configure(extra={"ws_ping_seconds": 30, "ws_poll_seconds": 0.01})
    yield cfg

    hub.reset()


@pytest.fixture(autouse=True)
def orgs_share_jobs(users, monkeypatch):
    """These tests are about the channels' mechanics, with CLIENTs watching their organisation's
    jobs: their organisations share jobs among clients (decision 0906). A CLIENT seeing only its
    own jobs is tested in test_security_client_jobs.py."""
    make_org = users.org

    def org(name: str = "Acme") -> str:
        org_id = make_org(name)
        docs = users.platform.documents
        doc = docs.get("organizations", org_id)
        data = {k: v for k, v in doc.items() if k not in ("id", "_version")}
        docs.update("organizations", org_id, {**data, "clients_share_jobs": True}, expected_version=doc["_version"])
        return org_id

    monkeypatch.setattr(users, "org", org)


@pytest.fixture
def server(app):
    with servers.wsgi(app) as address:
        yield f"ws://{address}"


def make_job(platform, org_id, status="SOURCE_QC", **fields) -> dict:
    jid = new_id()
    doc = {
        "org_id": org_id,
        "status": status,
        "updated_at": now_iso(),
        "source_language": "en",
        "requested_outputs": ["en", "es"],
        "language_qc": {},
    }
    doc.update(fields)
    return platform.documents.create("jobs", jid, doc)


def job_url(base, job_id, token, **extra) -> str:
    q = "&".join([f"token={token}"] + [f"{k}={v}" for k, v in extra.items()])
    return f"{base}/api/v1/ws/jobs/{job_id}?{q}"


def org_url(base, org_id, token, **extra) -> str:
    q = "&".join([f"token={token}"] + [f"{k}={v}" for k, v in extra.items()])
    return f"{base}/api/v1/ws/org/{org_id}?{q}"


def recv(ws, timeout=5.0) -> dict:
    return json.loads(ws.recv(timeout=timeout))


def recv_until(ws, pred, timeout=5.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        msg = recv(ws, max(0.05, deadline - time.monotonic()))
        if pred(msg):
            return msg


def refused_with(url) -> tuple[int, str]:
    """Connect and expect a close frame before any message: (code, reason)."""
    with connect(url, open_timeout=5) as ws:
        with pytest.raises(ConnectionClosed) as info:
            data = ws.recv(timeout=5)
            pytest.fail(f"expected a refusal, got data first: {data!r}")
    return info.value.rcvd.code, info.value.rcvd.reason


def publish_status(job, status) -> dict:
    """A real status change: compare-and-set on the document, then the event (no task)."""
    return cas_transition(job["id"], job["status"], status, enqueue=False)


# -- authentication ---------------------------------------------------------------------------
def test_missing_invalid_and_foreign_tokens_are_refused_with_4401(server, users, platform):
    org = users.org()
    job = make_job(platform, org)
    base = f"{server}/api/v1/ws/jobs/{job['id']}"
    assert refused_with(base)[0] == P.UNAUTHENTICATED
    assert refused_with(base + "?token=")[0] == P.UNAUTHENTICATED
    assert refused_with(base + "?token=not-a-jwt")[0] == P.UNAUTHENTICATED
    import jwt

    forged = jwt.encode(
        {
            "sub": "x",
            "role": "ADMIN",
            "iat": 1,
            "exp": int(time.time()) + 600,
            "jti": "j",
            "iss": "avp",
            "aud": "avp-api",
        },
        "another-secret-" + "y" * 40,
        algorithm="HS256",
    )
    code, reason = refused_with(base + f"?token={forged}")
    assert code == P.UNAUTHENTICATED and reason


def test_disabled_account_is_refused_with_4401(server, users, platform):
    org = users.org()
    client = users.user("CLIENT", org, status="disabled")
    job = make_job(platform, org)
    assert refused_with(job_url(server, job["id"], client["token"]))[0] == P.UNAUTHENTICATED


def test_expired_token_is_refused_with_4408(server, users, platform):
    org = users.org()
    client = users.user("CLIENT", org)
    config.configure(access_ttl_seconds=-5)

    expired = issue_access_token(client)
    config.configure(access_ttl_seconds=900)
    job = make_job(platform, org)
    code, reason = refused_with(job_url(server, job["id"], expired))
    assert code == P.TOKEN_EXPIRED and "refresh" in reason


def test_token_expiring_during_the_connection_closes_with_4408(server, users, platform):
    org = users.org()
    config.configure(access_ttl_seconds=2)
    client = users.user("CLIENT", org)
    job = make_job(platform, org)
    with connect(job_url(server, job["id"], client["token"])) as ws:
        assert recv(ws)["status"] == "SOURCE_QC"
        started = time.monotonic()
        with pytest.raises(ConnectionClosed) as info:
            while True:
                ws.recv(timeout=6)
        assert info.value.rcvd.code == P.TOKEN_EXPIRED
        assert time.monotonic() - started < 5


def test_account_disabled_during_the_connection_is_closed_at_the_next_ping(server, users, platform):
    config.configure(extra={"ws_ping_seconds": 0.3, "ws_poll_seconds": 0.01})
    org = users.org()
    client = users.user("CLIENT", org)
    job = make_job(platform, org)
    with connect(job_url(server, job["id"], client["token"])) as ws:
        assert recv(ws)["type"] == P.JOB_STATUS_UPDATE
        assert recv(ws)["type"] == P.PING

        update_with_retry(platform.documents, "users", client["id"], lambda d: {**d, "status": "disabled"})
        session.forget(client["id"])
        with pytest.raises(ConnectionClosed) as info:
            while True:
                ws.recv(timeout=5)
        assert info.value.rcvd.code == P.UNAUTHENTICATED


# -- visibility -------------------------------------------------------------------------------
def test_job_visibility_follows_rest_rules(server, users, platform):
    org_a, org_b = users.org("A"), users.org("B")
    linguist = users.user("LINGUIST")
    other_linguist = users.user("LINGUIST")
    job = make_job(
        platform, org_a, status="LANGUAGE_QC", language_qc={"es": {"state": "ASSIGNED", "assignee": linguist["id"]}}
    )
    allowed = [
        users.user("CLIENT", org_a),
        users.user("PM", org_a),
        users.user("REVIEWER"),
        users.user("ADMIN"),
        linguist,
    ]
    refused = [users.user("CLIENT", org_b), users.user("PM", org_b), other_linguist]
    for user in allowed:
        with connect(job_url(server, job["id"], user["token"])) as ws:
            first = recv(ws)
            assert first == {
                "type": "job_status_update",
                "job_id": job["id"],
                "org_id": org_a,
                "status": "LANGUAGE_QC",
                "updated_at": job["updated_at"],
            }, user["role"]
    for user in refused:  # the same answer as for a job that does not exist
        assert refused_with(job_url(server, job["id"], user["token"]))[0] == P.NOT_FOUND, user["role"]
    admin = allowed[3]
    assert refused_with(job_url(server, new_id(), admin["token"]))[0] == P.NOT_FOUND
    assert refused_with(job_url(server, "not-an-id", admin["token"]))[0] == P.NOT_FOUND


def test_org_channel_access(server, users, platform):
    org_a, org_b = users.org("A"), users.org("B")
    client_b, pm_b = users.user("CLIENT", org_b), users.user("PM", org_b)
    for user in (client_b, pm_b):
        assert refused_with(org_url(server, org_a, user["token"]))[0] == P.FORBIDDEN
    admin = users.user("ADMIN")
    assert refused_with(org_url(server, new_id(), admin["token"]))[0] == P.NOT_FOUND
    assert refused_with(org_url(server, org_a, admin["token"], since="yesterday"))[0] == P.BAD_REQUEST
    reviewer = users.user("REVIEWER")
    job = make_job(platform, org_a)
    with connect(org_url(server, org_a, reviewer["token"])) as ws:
        assert recv(ws)["type"] == "ping"  # live
        publish_status(job, "TRANSLATING")
        msg = recv(ws)
        assert (msg["type"], msg["job_id"], msg["status"]) == ("job_status_update", job["id"], "TRANSLATING")


def test_linguist_org_channel_only_carries_assigned_jobs(server, users, platform):
    org = users.org()
    linguist = users.user("LINGUIST")
    mine = make_job(platform, org, status="LANGUAGE_QC", language_qc={"es": {"assignee": linguist["id"]}})
    other = make_job(platform, org, status="LANGUAGE_QC", language_qc={"es": {"assignee": new_id()}})
    with connect(org_url(server, org, linguist["token"])) as ws:
        assert recv(ws)["type"] == "ping"
        publish_status(other, "TTS_GENERATING")
        publish_status(mine, "TTS_GENERATING")
        msg = recv(ws)
        assert msg["job_id"] == mine["id"] and msg["status"] == "TTS_GENERATING"
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.5)


def test_linguist_hears_only_their_own_language_notifications(server, users, platform):
    """Two linguists on one job: notifications about the other's language (which name the other
    linguist) do not reach them; status changes of the job do (decision 0910)."""
    org = users.org()
    linguist, colleague = users.user("LINGUIST"), users.user("LINGUIST")
    job = make_job(
        platform,
        org,
        status="LANGUAGE_QC",
        language_qc={"es": {"assignee": linguist["id"]}, "fr": {"assignee": colleague["id"]}},
    )
    for url in (job_url(server, job["id"], linguist["token"]), org_url(server, org, linguist["token"])):
        with connect(url) as ws:
            recv(ws)  # the job's state, or the org stream's first ping
            publish_notification(
                job, "assignment", "fr assigned to colleague@example.com", lang="fr", assignee=colleague["id"]
            )
            publish_notification(job, "feedback", "Please check cue 3", lang="es", assignee=linguist["id"])
            publish_status(job, "LANGUAGE_QC")
            got = [recv(ws), recv(ws)]
            assert [(m["type"], m.get("lang")) for m in got] == [("notification", "es"), ("job_status_update", None)]
            with pytest.raises(TimeoutError):
                ws.recv(timeout=0.3)


# -- messages ---------------------------------------------------------------------------------
def test_current_status_first_then_every_change_and_notifications(server, users, platform):
    org = users.org()
    client = users.user("CLIENT", org)
    job = make_job(platform, org, status="SOURCE_QC")
    with connect(job_url(server, job["id"], client["token"])) as ws:
        assert recv(ws)["status"] == "SOURCE_QC"
        moved = publish_status(job, "TRANSLATING")
        msg = recv(ws)
        assert msg == {
            "type": "job_status_update",
            "job_id": job["id"],
            "org_id": org,
            "status": "TRANSLATING",
            "updated_at": moved["updated_at"],
        }
        publish_notification(moved, "feedback", "Please check cue 3")
        publish_notification(moved, "progress", "Translating", percent=40, lang="es")
        note = recv(ws)
        assert (note["type"], note["kind"], note["message"], note["status"]) == (
            "notification",
            "feedback",
            "Please check cue 3",
            "TRANSLATING",
        )
        progress = recv(ws)
        assert (progress["kind"], progress["percent"], progress["lang"]) == ("progress", 40, "es")


def test_events_of_other_jobs_and_orgs_do_not_arrive(server, users, platform):
    org_a, org_b = users.org(), users.org()
    client = users.user("CLIENT", org_a)
    job = make_job(platform, org_a)
    sibling = make_job(platform, org_a)
    foreign = make_job(platform, org_b)
    with (
        connect(job_url(server, job["id"], client["token"])) as job_ws,
        connect(org_url(server, org_a, client["token"])) as org_ws,
    ):
        recv(job_ws)
        assert recv(org_ws)["type"] == "ping"
        publish_status(foreign, "TRANSLATING")
        publish_status(sibling, "TRANSLATING")
        publish_status(job, "TRANSLATING")
        assert recv(job_ws)["job_id"] == job["id"]
        got = [recv(org_ws)["job_id"], recv(org_ws)["job_id"]]
        assert got == [sibling["id"], job["id"]]
        with pytest.raises(TimeoutError):
            org_ws.recv(timeout=0.3)


def test_internal_event_fields_do_not_reach_clients(server, users, platform):
    org = users.org()
    client = users.user("CLIENT", org)
    job = make_job(platform, org)
    with connect(job_url(server, job["id"], client["token"])) as ws:
        recv(ws)
        platform.events.publish(
            {
                "type": "job_status_update",
                "job_id": job["id"],
                "org_id": org,
                "status": "TRANSLATING",
                "updated_at": now_iso(),
                "internal_path": "gs://secret",
            }
        )
        platform.events.publish({"type": "step_internal", "job_id": job["id"], "org_id": org})
        msg = recv(ws)
        assert "internal_path" not in msg and msg["status"] == "TRANSLATING"
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.3)


def test_stale_update_after_current_state_is_dropped(server, users, platform):
    org = users.org()
    client = users.user("CLIENT", org)
    old_stamp = now_iso()
    job = make_job(platform, org, status="TRANSLATING")
    with connect(job_url(server, job["id"], client["token"])) as ws:
        assert recv(ws)["status"] == "TRANSLATING"
        # A late event from before the state already sent, then a duplicate of it.
        platform.events.publish(
            {
                "type": "job_status_update",
                "job_id": job["id"],
                "org_id": org,
                "status": "SOURCE_QC",
                "updated_at": old_stamp,
            }
        )
        platform.events.publish(
            {
                "type": "job_status_update",
                "job_id": job["id"],
                "org_id": org,
                "status": "TRANSLATING",
                "updated_at": job["updated_at"],
            }
        )
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.4)


def test_ping_at_the_configured_interval(server, users, platform):
    config.configure(extra={"ws_ping_seconds": 0.25, "ws_poll_seconds": 0.01})
    org = users.org()
    client = users.user("CLIENT", org)
    job = make_job(platform, org)
    with connect(job_url(server, job["id"], client["token"])) as ws:
        assert recv(ws)["type"] == "job_status_update"
        t0 = time.monotonic()
        first, second = recv(ws), recv(ws)
        assert first["type"] == second["type"] == "ping"
        assert first["job_id"] is None and first["updated_at"] <= second["updated_at"]
        assert 0.4 < time.monotonic() - t0 < 3


def test_reconnect_with_since_sends_jobs_changed_since(server, users, platform):
    org = users.org()
    client = users.user("CLIENT", org)
    before = make_job(platform, org, status="COMPLETED")
    since = now_iso()
    changed = [make_job(platform, org, status=s) for s in ("TRANSLATING", "FINAL_QC")]
    make_job(platform, users.org(), status="RENDERING")  # another org: never sent
    with connect(org_url(server, org, client["token"], since=since)) as ws:
        got = [recv(ws), recv(ws)]
        assert [(m["job_id"], m["status"]) for m in got] == [(j["id"], j["status"]) for j in changed]
        assert recv(ws)["type"] == "ping"  # replay done, subscription live
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.3)
    assert before["updated_at"] < since
    # On a job channel, `since` changes nothing: the current state always comes first.
    with connect(job_url(server, before["id"], client["token"], since=since)) as ws:
        assert recv(ws)["status"] == "COMPLETED"


def test_shutdown_closes_connections_with_going_away(server, users, platform):
    org = users.org()
    client = users.user("CLIENT", org)
    with connect(org_url(server, org, client["token"])) as ws:
        assert recv(ws)["type"] == "ping"
        hub.hub().shutdown()
        with pytest.raises(ConnectionClosed) as info:
            ws.recv(timeout=5)
        assert info.value.rcvd.code == P.GOING_AWAY


def test_connection_ends_cleanly_when_the_client_leaves(server, users, platform):
    org = users.org()
    client = users.user("CLIENT", org)
    for _ in range(5):
        with connect(org_url(server, org, client["token"])):
            pass
    deadline = time.monotonic() + 5
    while hub.hub().subscriber_count() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert hub.hub().subscriber_count() == 0


def test_since_replay_pages_through_many_changes_up_to_the_cap(server, users, platform):
    config.configure(extra={"ws_ping_seconds": 30, "ws_poll_seconds": 0.01, "ws_since_limit": 250})
    org = users.org()
    client = users.user("CLIENT", org)
    since = now_iso()
    jobs = [make_job(platform, org, status="FINAL_QC") for _ in range(260)]
    with connect(org_url(server, org, client["token"], since=since)) as ws:
        got = []
        while True:
            msg = recv(ws)
            if msg["type"] == "ping":
                break
            got.append(msg["job_id"])
    assert got == [j["id"] for j in jobs[:250]]
