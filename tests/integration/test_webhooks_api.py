"""Webhook endpoints through the local app: who may manage them, what URLs are refused (private,
loopback, link-local addresses unless the local setting allows them), secret rotation, and
deliveries to a real HTTP receiver on loopback (allowed by the setting) run by the real worker:
signatures, retries with backoff, the delivery log, replay, the dedupe of a republished event."""

import json
import time

import pytest

from shared import config
from shared.ids import new_id
from shared.local.worker import Worker
from shared.services import housekeeping, job_events, webhooks
from shared.timestamps import now_iso
from shared.webhooks import signing
from tests.support.webhook_receiver import WebhookReceiver

V1 = "/api/v1"


class Org(dict):
    """An organisation (and another one) whose users are created on first use (password hashing
    is the slow part of these tests)."""

    ROLES = {
        "pm": ("PM", "id"),
        "other_pm": ("PM", "other"),
        "admin": ("ADMIN", None),
        "client": ("CLIENT", "id"),
        "linguist": ("LINGUIST", "id"),
        "reviewer": ("REVIEWER", None),
    }

    def __init__(self, users):
        super().__init__(id=users.org("Hooks Inc"), other=users.org("Other Org"))
        self.users = users

    def __missing__(self, key):
        role, org_key = self.ROLES[key]
        self[key] = self.users.user(role, self[org_key] if org_key else None)
        return self[key]


@pytest.fixture
def org(users):
    return Org(users)


@pytest.fixture
def worker(platform):
    w = Worker(poll_seconds=0.02).start()
    yield w
    w.stop()


def register(client, user, org_id, url, events=("job.status_changed",), **extra):
    return client.post(
        f"{V1}/organizations/{org_id}/webhooks",
        json={"url": url, "events": list(events), **extra},
        headers=user["headers"],
    )


def test_roles_and_organisation_scope(client, org):
    config.configure(webhook_allow_private=True)
    url = "http://127.0.0.1:9/hooks"
    made = register(client, org["pm"], org["id"], url)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["secret"].startswith("whsec_") and body["org_id"] == org["id"]
    hook_id = body["id"]
    for role in ("client", "linguist", "reviewer"):
        assert register(client, org[role], org["id"], url).status_code == 403
    # another organisation's PM neither sees nor changes it (404, as for other resources)
    assert register(client, org["other_pm"], org["id"], url).status_code == 404
    assert client.get(f"{V1}/webhooks/{hook_id}", headers=org["other_pm"]["headers"]).status_code == 404
    assert client.delete(f"{V1}/webhooks/{hook_id}", headers=org["other_pm"]["headers"]).status_code == 404
    # ADMIN manages any organisation's webhooks
    assert register(client, org["admin"], org["other"], url).status_code == 201
    listed = client.get(f"{V1}/organizations/{org['id']}/webhooks", headers=org["pm"]["headers"]).get_json()
    assert [w["id"] for w in listed["items"]] == [hook_id]
    assert "secret" not in listed["items"][0] and "previous_secret" not in listed["items"][0]
    got = client.get(f"{V1}/webhooks/{hook_id}", headers=org["admin"]["headers"]).get_json()
    assert got["url"] == url and "secret" not in got
    patched = client.patch(
        f"{V1}/webhooks/{hook_id}",
        json={"events": ["job.completed", "job.failed"], "enabled": False},
        headers=org["pm"]["headers"],
    )
    assert patched.status_code == 200
    assert patched.get_json()["events"] == ["job.completed", "job.failed"] and patched.get_json()["enabled"] is False
    assert client.delete(f"{V1}/webhooks/{hook_id}", headers=org["pm"]["headers"]).status_code == 204
    assert client.get(f"{V1}/webhooks/{hook_id}", headers=org["pm"]["headers"]).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "https://172.16.5.4/hooks",
        "https://169.254.169.254/computeMetadata/v1/",
        "https://[::1]/hooks",
        "https://[fe80::1]/hooks",
        "https://100.64.0.1/hooks",
        "https://0.0.0.0/hooks",
    ],
)
def test_private_loopback_and_link_local_addresses_refused(client, org, url):
    resp = register(client, org["pm"], org["id"], url)
    assert resp.status_code == 400, resp.get_json()  # well-formed, refused (decision 1001)
    assert "private, loopback or link-local" in resp.get_json()["detail"]


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("http://8.8.8.8/hooks", "use https://"),
        ("https://user:pw@8.8.8.8/hooks", "credentials"),
        ("https://no-such-host.invalid/hooks", "does not resolve"),
    ],
)
def test_bad_urls_refused_with_a_reason(client, org, url, detail):
    resp = register(client, org["pm"], org["id"], url)
    assert resp.status_code == 400 and detail in resp.get_json()["detail"], resp.get_json()


def test_unknown_event_unknown_field_and_non_http_url_are_422(client, org):
    config.configure(webhook_allow_private=True)
    resp = register(client, org["pm"], org["id"], "ftp://8.8.8.8/hooks")
    assert resp.status_code == 422 and "url" in resp.get_json()["detail"]
    resp = register(client, org["pm"], org["id"], "http://127.0.0.1:9/x", events=("job.exploded",))
    assert resp.status_code == 422 and "events" in resp.get_json()["detail"]
    resp = register(client, org["pm"], org["id"], "http://127.0.0.1:9/x", secret="mine")
    assert resp.status_code == 422


def _job(platform, org_id, status="SOURCE_QC"):
    job_id = new_id()
    now = now_iso()
    platform.documents.create(
        "jobs",
        job_id,
        {
            "status": status,
            "org_id": org_id,
            "source_language": "en",
            "requested_outputs": ["en"],
            "created_at": now,
            "updated_at": now,
        },
    )
    return platform.documents.get("jobs", job_id)


def test_delivery_signed_retried_logged_and_replayed(client, org, platform, worker):
    config.configure(webhook_allow_private=True, webhook_backoff_seconds=0.1)
    with WebhookReceiver(fail_first=2) as receiver:
        made = register(client, org["pm"], org["id"], receiver.url, events=("job.status_changed", "job.qc_needed"))
        hook = made.get_json()
        job = _job(platform, org["id"])
        job_events.publish_status(job)
        job_events.publish_status(job)  # published twice (a republish): delivered once per type
        got = receiver.wait_for(lambda rs: len({r.headers["webhook-id"] for r in rs if r.body}) == 2 and len(rs) >= 4)
        time.sleep(0.5)  # nothing more arrives
        got = receiver.requests
        assert len(got) == 4  # 2 failures (500) + one success per message
        by_type = {}
        for r in got:
            signing.verify(hook["secret"], r.headers, r.body)
            assert r.headers["content-type"] == "application/json"
            body = json.loads(r.body)
            by_type.setdefault(body["type"], []).append(r)
            assert body["data"] == {
                "job_id": job["id"],
                "org_id": org["id"],
                "status": "SOURCE_QC",
                "updated_at": job["updated_at"],
            }
        assert set(by_type) == {"job.status_changed", "job.qc_needed"}
        for requests in by_type.values():  # retries keep the message id
            assert len({r.headers["webhook-id"] for r in requests}) == 1

        log = client.get(f"{V1}/webhooks/{hook['id']}/deliveries", headers=org["pm"]["headers"])
        assert log.status_code == 200
        deliveries = log.get_json()["items"]
        assert len(deliveries) == 2 and {d["status"] for d in deliveries} == {"succeeded"}
        attempts = sorted(len(d["attempts"]) for d in deliveries)
        assert sum(attempts) == 4
        failed = [a for d in deliveries for a in d["attempts"] if a["status_code"] == 500]
        assert len(failed) == 2 and all(a["error"] == "HTTP 500" for a in failed)

        original = deliveries[0]
        replayed = client.post(
            f"{V1}/webhooks/{hook['id']}/deliveries/{original['id']}/replay", headers=org["pm"]["headers"]
        )
        assert replayed.status_code == 202
        assert replayed.get_json()["replay_of"] == original["id"]
        got = receiver.wait_for(lambda rs: len(rs) == 5)
        assert got[-1].headers["webhook-id"] == original["message_id"]
        signing.verify(hook["secret"], got[-1].headers, got[-1].body)
        assert (
            client.post(
                f"{V1}/webhooks/{hook['id']}/deliveries/000000000000000000000000/replay", headers=org["pm"]["headers"]
            ).status_code
            == 404
        )


def test_rotation_signs_with_both_secrets_for_a_while(client, org, platform, worker):
    config.configure(webhook_allow_private=True, webhook_backoff_seconds=0.1)
    with WebhookReceiver() as receiver:
        hook = register(client, org["pm"], org["id"], receiver.url, events=("job.completed",)).get_json()
        rotated = client.post(f"{V1}/webhooks/{hook['id']}/rotate-secret", headers=org["pm"]["headers"])
        assert rotated.status_code == 200
        new = rotated.get_json()
        assert new["secret"] != hook["secret"] and new["previous_secret_expires_at"]
        job_events.publish_status(_job(platform, org["id"], "COMPLETED"))
        (req,) = receiver.wait_for(lambda rs: len(rs) == 1)
        assert len(req.headers["webhook-signature"].split(" ")) == 2
        signing.verify(new["secret"], req.headers, req.body)
        signing.verify(hook["secret"], req.headers, req.body)
        with pytest.raises(signing.InvalidSignature):
            signing.verify(signing.new_secret(), req.headers, req.body)


def test_gives_up_after_max_attempts(client, org, platform, worker):
    config.configure(webhook_allow_private=True, webhook_backoff_seconds=0.05, webhook_max_attempts=3)
    with WebhookReceiver(fail_first=100) as receiver:
        hook = register(client, org["pm"], org["id"], receiver.url, events=("job.failed",)).get_json()
        job_events.publish_status(_job(platform, org["id"], "RENDER_FAILED"))
        receiver.wait_for(lambda rs: len(rs) == 3)
        deadline = time.monotonic() + 10
        while True:
            (delivery,) = client.get(f"{V1}/webhooks/{hook['id']}/deliveries", headers=org["pm"]["headers"]).get_json()[
                "items"
            ]
            if delivery["status"] == "failed" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert delivery["status"] == "failed" and len(delivery["attempts"]) == 3
        assert delivery["event_type"] == "job.failed"
        time.sleep(0.5)
        assert len(receiver.requests) == 3


def test_events_only_for_subscribed_types_and_enabled_endpoints(client, org, platform, worker):
    config.configure(webhook_allow_private=True)
    with WebhookReceiver() as receiver:
        register(client, org["pm"], org["id"], receiver.url, events=("job.completed",))
        register(client, org["pm"], org["id"], receiver.url + "/off", events=("job.qc_needed",), enabled=False)
        job_events.publish_status(_job(platform, org["id"], "SOURCE_QC"))  # nobody subscribed and enabled
        job_events.publish_status(_job(platform, org["other"], "COMPLETED"))  # another organisation
        done = _job(platform, org["id"], "COMPLETED")
        job_events.publish_status(done)
        (req,) = receiver.wait_for(lambda rs: len(rs) >= 1)
        time.sleep(0.5)
        assert len(receiver.requests) == 1
        assert json.loads(req.body)["data"]["job_id"] == done["id"]


def test_delivery_refused_when_the_host_is_private_at_send_time(client, org, platform, worker):
    """The address is checked again when sending (a DNS answer can change after registration)."""
    config.configure(webhook_allow_private=True, webhook_max_attempts=1)
    with WebhookReceiver() as receiver:
        hook = register(client, org["pm"], org["id"], receiver.url, events=("job.completed",)).get_json()
        config.configure(webhook_allow_private=False)
        job_events.publish_status(_job(platform, org["id"], "COMPLETED"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            items = client.get(f"{V1}/webhooks/{hook['id']}/deliveries", headers=org["pm"]["headers"]).get_json()[
                "items"
            ]
            if items and items[0]["status"] == "failed":
                break
            time.sleep(0.05)
        assert items[0]["status"] == "failed"
        assert items[0]["attempts"][0]["error"].startswith("url: ")  # refused before any request
        assert receiver.requests == []


def test_event_types_of_status_events():
    def types(status):
        return webhooks.event_types({"type": "job_status_update", "status": status})

    assert types("TRANSCRIBING") == ["job.status_changed"]
    assert types("FINAL_QC") == ["job.status_changed", "job.qc_needed"]
    assert types("COMPLETED") == ["job.status_changed", "job.completed"]
    assert types("UPLOAD_INVALID") == ["job.status_changed", "job.failed"]
    assert types("REJECTED") == ["job.status_changed", "job.rejected"]
    assert webhooks.event_types({"type": "notification", "status": "SOURCE_QC"}) == []


def test_delivery_log_kept_30_days_then_purged(client, org, platform):
    config.configure(webhook_allow_private=True)
    hook = register(client, org["pm"], org["id"], "http://127.0.0.1:9/hooks", events=("job.completed",)).get_json()
    assert (
        webhooks.fan_out(
            {
                "type": "job_status_update",
                "job_id": "j1",
                "org_id": org["id"],
                "status": "COMPLETED",
                "updated_at": "2026-01-01T00:00:00.000000Z",
            }
        )
        == 1
    )
    log = client.get(f"{V1}/webhooks/{hook['id']}/deliveries", headers=org["pm"]["headers"]).get_json()["items"]
    assert len(log) == 1 and "expire_at" not in log[0]
    assert housekeeping.purge_expired(now=time.time() + 29 * 24 * 3600)["webhook_deliveries"] == 0
    assert housekeeping.purge_expired(now=time.time() + 31 * 24 * 3600)["webhook_deliveries"] == 1
    assert client.get(f"{V1}/webhooks/{hook['id']}/deliveries", headers=org["pm"]["headers"]).get_json()["items"] == []


def test_test_event_is_signed_and_logged(client, org, platform, worker):
    config.configure(webhook_allow_private=True)
    with WebhookReceiver() as receiver:
        hook = register(client, org["pm"], org["id"], receiver.url, events=("job.completed",)).get_json()
        sent = client.post(f"{V1}/webhooks/{hook['id']}/test", headers=org["pm"]["headers"])
        assert sent.status_code == 202 and sent.get_json()["event_type"] == "webhook.test"
        (req,) = receiver.wait_for(lambda rs: len(rs) == 1)
        signing.verify(hook["secret"], req.headers, req.body)
        body = json.loads(req.body)
        assert body["type"] == "webhook.test" and body["data"]["webhook_id"] == hook["id"]
        assert client.post(f"{V1}/webhooks/{hook['id']}/test", headers=org["client"]["headers"]).status_code == 403
        client.patch(f"{V1}/webhooks/{hook['id']}", json={"enabled": False}, headers=org["pm"]["headers"])
        disabled = client.post(f"{V1}/webhooks/{hook['id']}/test", headers=org["pm"]["headers"])
        assert disabled.status_code == 409 and "disabled" in disabled.get_json()["detail"]
