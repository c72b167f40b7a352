"""Housekeeping against the real local backends (SQLite documents, LocalFiles): every
short-lived document kind gets `expire_at` from the code that writes it, purge_expired deletes
only the expired ones (and the objects of unclaimed uploads), a claimed upload survives, a
second purge is a no-op, two concurrent purges delete each document once, and the local worker
and the pipeline_worker function run it."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask, request

from functions.pipeline_worker import main as pipeline_worker
from shared import config
from shared.auth import refresh
from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.ids import new_id
from shared.local import worker as worker_mod
from shared.persistence.documents import Query
from shared.realtime import tickets
from shared.services import housekeeping, orgs, rate_limit, uploads
from shared.timestamps import iso_at, now_iso, parse_iso

DAY = 24 * 3600


def _epoch(iso: str) -> float:
    return parse_iso(iso).timestamp()


@pytest.fixture
def world(platform, users, client):
    """Expired and live documents of every kind, written by the services themselves where they
    can run locally. Returns (expired, live) as {collection: [doc ids]} plus upload paths."""
    docs = platform.documents
    org_id = users.org()
    admin = users.user("ADMIN")
    client_user = users.user("CLIENT", org_id)
    principal = Principal(user_id=admin["id"], role="ADMIN", org_id=None)
    expired: dict[str, list[str]] = {c: [] for c in housekeeping.COLLECTIONS}
    live: dict[str, list[str]] = {c: [] for c in housekeeping.COLLECTIONS}

    # rate limits: a 1 s window (over by the purge's `now`, 5 s ahead) and a 15 min one
    rate_limit.acquire("test", "short", 5, 1)
    rate_limit.acquire("test", "long", 5, 900)
    expired["rate_limits"].append(rate_limit._doc_id("test", "short"))  # noqa: SLF001
    live["rate_limits"].append(rate_limit._doc_id("test", "long"))  # noqa: SLF001

    # SSO states (begin() needs a Microsoft authority; this is the document it writes)
    for bucket, offset in ((expired, -60), (live, 600)):
        state = new_id()
        docs.create(
            "sso_states",
            state,
            {
                "flow": {"state": state},
                "binding_sha256": "x",
                "expires_epoch": int(time.time()) + offset,
                "expire_at": iso_at(time.time() + offset),
                "created_at": now_iso(),
            },
        )
        bucket["sso_states"].append(state)

    # invites: one whose 7-day grace after expiry is over, one fresh
    config.settings().extra["invite_ttl_seconds"] = -housekeeping.INVITE_RETENTION_SECONDS
    old = orgs.create_invite(principal, org_id, "old@example.com", "CLIENT")
    config.settings().extra.pop("invite_ttl_seconds")
    fresh = orgs.create_invite(principal, org_id, "fresh@example.com", "CLIENT")
    expired["invites"].append(old["id"])
    live["invites"].append(fresh["id"])

    # refresh tokens and families: a 1 s session, and a long one
    config.configure(refresh_ttl_seconds=1)
    short = refresh.start_family(admin["id"])
    config.configure(refresh_ttl_seconds=14 * DAY)
    long = refresh.start_family(admin["id"])
    expired["refresh_families"].append(short.family_id)
    expired["refresh_tokens"].append(short.token.split(".")[0])
    live["refresh_families"].append(long.family_id)
    live["refresh_tokens"].append(long.token.split(".")[0])

    # idempotency keys: an old one (as job creation writes it, a day later), and a real one
    # written by POST /jobs, which also claims a signed-URL upload
    old_key = new_id()
    docs.create(
        "idempotency",
        old_key,
        {
            "job_id": new_id(),
            "user_id": client_user["id"],
            "fingerprint": "f",
            "created_at": now_iso(),
            "expire_at": iso_at(time.time() - 1),
        },
    )
    expired["idempotency"].append(old_key)
    upload = client.post("/api/v1/files/upload-url", json={}, headers=client_user["headers"]).get_json()
    job = client.post(
        "/api/v1/jobs",
        json={"upload_id": upload["upload_id"], "source_language": "en", "requested_outputs": ["en"]},
        headers={**client_user["headers"], "Idempotency-Key": "k-1"},
    )
    assert job.status_code == 201, job.get_json()
    idem = docs.query(Query("idempotency", where=[("user_id", "==", client_user["id"])])).items
    live["idempotency"] += [d["id"] for d in idem if d["id"] != old_key]
    assert len(live["idempotency"]) == 1
    live["uploads"].append(upload["upload_id"])  # claimed by the job: never purged

    # uploads whose signed URL expired more than a day ago: one never uploaded, one uploaded
    # but never used by a job (its object must go too), one claimed by a job afterwards
    config.configure(upload_url_ttl_seconds=-housekeeping.UPLOAD_RETENTION_SECONDS - 1)
    client_principal = Principal(user_id=client_user["id"], role="CLIENT", org_id=org_id)
    never = uploads.new_upload(client_principal, org_id, "video/mp4", None)
    stored = uploads.new_upload(client_principal, org_id, "video/mp4", None)
    claimed = uploads.new_upload(client_principal, org_id, "video/mp4", None)
    config.configure(upload_url_ttl_seconds=3600)
    pending = uploads.new_upload(client_principal, org_id, "video/mp4", None)  # URL still valid
    fs = _current().files
    for upload_doc in (stored, claimed, pending):
        fs.put_bytes(upload_doc["path"], b"not really a video", "video/mp4")
    uploads.claim_upload(claimed["id"], new_id())
    expired["uploads"] += [never["id"], stored["id"]]
    live["uploads"] += [claimed["id"], pending["id"]]

    # WebSocket connection tickets: one expired a minute ago, one still valid (decision 0903)
    for bucket, seconds in ((expired, -60), (live, 30)):
        saved, tickets.TICKET_SECONDS = tickets.TICKET_SECONDS, seconds
        try:
            issued = tickets.issue(principal)
        finally:
            tickets.TICKET_SECONDS = saved
        bucket["ws_tickets"].append(tickets._doc_id(issued["ticket"]))  # noqa: SLF001

    # documents written before housekeeping existed have no expire_at: kept
    docs.create("rate_limits", "legacy-counter", {"scope": "x", "count": 1, "window_start": 0, "expires_at": 1})
    docs.create("uploads", new_id(), {"status": "pending", "job_id": None, "path": "uploads/x/source.mp4"})
    return {
        "expired": expired,
        "live": live,
        "stored_path": stored["path"],
        "claimed_path": claimed["path"],
        "pending_path": pending["path"],
    }


def _current():
    return platform()


def test_every_kind_gets_expire_at_from_the_code_that_writes_it(world):
    docs = _current().documents
    now = time.time()
    for bucket in ("expired", "live"):
        for collection, ids in world[bucket].items():
            for doc_id in ids:
                doc = docs.get(collection, doc_id)
                if collection == "uploads" and doc.get("job_id"):
                    assert "expire_at" not in doc, "a claimed upload must not expire"
                    continue
                assert isinstance(doc["expire_at"], str) and doc["expire_at"].endswith("Z"), (collection, doc)
                assert (_epoch(doc["expire_at"]) < now + 5) == (bucket == "expired"), (collection, doc)
    invite = docs.get("invites", world["live"]["invites"][0])
    assert _epoch(invite["expire_at"]) == pytest.approx(invite["expires_epoch"] + 7 * DAY, abs=1)
    idem = docs.get("idempotency", world["live"]["idempotency"][0])
    assert _epoch(idem["expire_at"]) == pytest.approx(time.time() + DAY, abs=60)
    token = docs.get("refresh_tokens", world["live"]["refresh_tokens"][0])
    assert _epoch(token["expire_at"]) == token["expires_at"]


def test_purge_deletes_only_expired_documents_and_unclaimed_upload_objects(world):
    p = _current()
    docs, fs = p.documents, p.files
    assert fs.exists(world["stored_path"])
    counts = housekeeping.purge_expired(now=time.time() + 5)
    assert counts == {c: len(ids) for c, ids in world["expired"].items()}
    for collection, ids in world["expired"].items():
        for doc_id in ids:
            assert docs.get(collection, doc_id) is None, (collection, doc_id)
    for collection, ids in world["live"].items():
        for doc_id in ids:
            assert docs.get(collection, doc_id) is not None, (collection, doc_id)
    assert not fs.exists(world["stored_path"])
    assert fs.exists(world["claimed_path"]) and fs.exists(world["pending_path"])
    assert docs.get("rate_limits", "legacy-counter") is not None
    # a second run finds nothing
    assert housekeeping.purge_expired(now=time.time() + 5) == {c: 0 for c in housekeeping.COLLECTIONS}


def test_two_concurrent_purges_delete_each_document_once(world):
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(housekeeping.purge_expired(now=time.time() + 5))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    total = {c: results[0][c] + results[1][c] for c in housekeeping.COLLECTIONS}
    assert total == {c: len(ids) for c, ids in world["expired"].items()}


def test_limit_bounds_one_pass_and_run_loops_until_done(platform):
    docs = platform.documents
    past = iso_at(time.time() - 10)
    for i in range(7):
        docs.create("sso_states", f"s{i}", {"expires_epoch": 0, "expire_at": past})
    assert housekeeping.purge_expired(limit=3)["sso_states"] == 3
    assert housekeeping.run(limit=3)["sso_states"] == 4
    assert docs.query(Query("sso_states")).items == []


def test_a_document_written_after_it_was_read_is_left_alone(platform):
    """The compare-and-set delete: an upload claimed (or a counter restarted) between the
    purge's query and its delete keeps living."""
    docs = platform.documents
    doc = docs.create(
        "uploads",
        new_id(),
        {"status": "pending", "job_id": None, "path": "p", "expire_at": iso_at(time.time() - 10)},
    )
    uploads.claim_upload(doc["id"], new_id())
    assert housekeeping._delete(docs, "uploads", doc) is False  # noqa: SLF001
    assert docs.get("uploads", doc["id"])["job_id"]


def test_rotation_keeps_the_family_alive_as_long_as_its_newest_token(platform, users):
    user = users.user("CLIENT", users.org())
    config.configure(refresh_ttl_seconds=2)
    first = refresh.start_family(user["id"])
    config.configure(refresh_ttl_seconds=3600)
    _, second = refresh.rotate(first.token)
    counts = housekeeping.purge_expired(now=time.time() + 10)
    assert counts["refresh_tokens"] == 1 and counts["refresh_families"] == 0
    _, third = refresh.rotate(second.token)  # the session still works
    assert third.family_id == first.family_id


def test_pipeline_worker_function_runs_housekeeping(platform):
    platform.documents.create("sso_states", "gone", {"expire_at": iso_at(time.time() - 10)})
    platform.documents.create("sso_states", "kept", {"expire_at": iso_at(time.time() + 600)})
    app = Flask("t")
    with app.test_request_context("/", method="POST", json={"housekeeping": True}):
        resp = pipeline_worker.entry(request)
    assert resp.status_code == 200
    assert resp.get_json()["purged"]["sso_states"] == 1
    assert platform.documents.get("sso_states", "gone") is None
    assert platform.documents.get("sso_states", "kept") is not None


def test_local_worker_purges_in_its_repair_loop(platform, monkeypatch):
    monkeypatch.setattr(worker_mod, "PURGE_FIRST_AFTER", 0.0)
    platform.documents.create("rate_limits", "gone", {"expire_at": iso_at(time.time() - 10)})
    platform.documents.create("rate_limits", "kept", {"expire_at": iso_at(time.time() + 600)})
    w = worker_mod.Worker(threads=1, lease_seconds=1.0).start()
    try:
        deadline = time.monotonic() + 10
        while platform.documents.get("rate_limits", "gone") is not None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        w.stop()
    assert platform.documents.get("rate_limits", "gone") is None
    assert platform.documents.get("rate_limits", "kept") is not None
