"""Language QC over the real local app: assignment rules, who may act, the stage check,
notifications, and the single move to TTS_GENERATING when every language is approved."""

import threading

import pytest

from shared.auth.tokens import Principal
from shared.domain.jobs import can_see
from tests.support.jobs import api_job


def make_job(platform, org_id, status="LANGUAGE_QC", langs=("en", "es", "ca")):
    qc = {
        lang: {"status": "PENDING", "assignee": None, "history": [], "feedback": []} for lang in langs if lang != "en"
    }
    return api_job(platform, org_id, status, langs, language_qc=qc)


@pytest.fixture
def world(platform, users):
    org, other_org = users.org("Acme"), users.org("Other")
    return {
        "org": org,
        "admin": users.user("ADMIN"),
        "reviewer": users.user("REVIEWER"),
        "pm": users.user("PM", org),
        "other_pm": users.user("PM", other_org),
        "linguist": users.user("LINGUIST", org),
        "linguist2": users.user("LINGUIST", org),
        "foreign_linguist": users.user("LINGUIST", other_org),
        "disabled_linguist": users.user("LINGUIST", org, status="disabled"),
        "client": users.user("CLIENT", org),
    }


def base(job_id, lang=None, action=None):
    out = f"/api/v1/jobs/{job_id}/language-qc"
    return out + (f"/{lang}/{action}" if lang else "")


def assign(client, who, job_id, lang, linguist_id):
    return client.post(base(job_id, lang, "assign"), json={"linguist_id": linguist_id}, headers=who["headers"])


def test_get_lists_every_translated_language(client, platform, world):
    job_id = make_job(platform, world["org"])
    r = client.get(base(job_id), headers=world["reviewer"]["headers"])
    assert r.status_code == 200
    body = r.get_json()
    assert body["job_status"] == "LANGUAGE_QC"
    assert [(e["lang"], e["status"], e["assignee"]) for e in body["languages"]] == [
        ("es", "PENDING", None),
        ("ca", "PENDING", None),
    ]
    assert client.get(base(job_id), headers=world["other_pm"]["headers"]).status_code == 404
    assert client.get(base(job_id), headers=world["linguist"]["headers"]).status_code == 403


def test_assign_rules(client, platform, world):
    job_id = make_job(platform, world["org"])
    assert assign(client, world["pm"], job_id, "es", world["client"]["id"]).status_code == 422
    assert assign(client, world["pm"], job_id, "es", world["disabled_linguist"]["id"]).status_code == 422
    assert assign(client, world["pm"], job_id, "es", world["foreign_linguist"]["id"]).status_code == 422
    assert assign(client, world["pm"], job_id, "en", world["linguist"]["id"]).status_code == 404
    assert assign(client, world["other_pm"], job_id, "es", world["foreign_linguist"]["id"]).status_code == 404
    assert assign(client, world["reviewer"], job_id, "es", world["linguist"]["id"]).status_code == 403
    before = platform.events.last_seq()
    r = assign(client, world["pm"], job_id, "es", world["linguist"]["id"])
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "ASSIGNED" and body["assignee"] == world["linguist"]["id"]
    assert body["history"][0]["action"] == "assigned" and body["history"][0]["by"] == world["pm"]["id"]
    assert platform.documents.get("jobs", job_id)["assignees"] == [world["linguist"]["id"]]
    events = [e for _, e in platform.events.read_after(before)]
    assert [(e["type"], e["kind"], e["lang"], e["assignee"]) for e in events] == [
        ("notification", "assignment", "es", world["linguist"]["id"])
    ]
    # reassigning keeps `assignees` in sync; admins may assign any active linguist
    assert assign(client, world["admin"], job_id, "es", world["foreign_linguist"]["id"]).status_code == 200
    assert platform.documents.get("jobs", job_id)["assignees"] == [world["foreign_linguist"]["id"]]
    # the jobs service's visibility follows the assignment
    job = platform.documents.get("jobs", job_id)
    assert can_see(Principal(world["foreign_linguist"]["id"], "LINGUIST", None), job)
    assert not can_see(Principal(world["linguist"]["id"], "LINGUIST", world["org"]), job)


def test_only_assigned_linguist_pm_or_admin_act(client, platform, world):
    job_id = make_job(platform, world["org"])
    assign(client, world["pm"], job_id, "es", world["linguist"]["id"])
    assign(client, world["pm"], job_id, "ca", world["linguist2"]["id"])
    r = client.post(base(job_id, "es", "approve"), headers=world["linguist2"]["headers"])
    assert r.status_code == 403 and "assigned" in r.get_json()["detail"]
    r = client.post(
        base(job_id, "es", "feedback"), json={"message": "hi"}, headers=world["foreign_linguist"]["headers"]
    )
    assert r.status_code == 403
    r = client.post(base(job_id, "es", "reject"), json={"reason": "x"}, headers=world["other_pm"]["headers"])
    assert r.status_code == 404
    before = platform.events.last_seq()
    r = client.post(
        base(job_id, "es", "feedback"),
        json={"message": "Check the glossary term"},
        headers=world["linguist"]["headers"],
    )
    assert r.status_code == 200
    fb = r.get_json()["feedback"][0]
    assert fb["author"] == world["linguist"]["id"] and fb["message"] == "Check the glossary term" and fb["at"]
    r = client.post(base(job_id, "es", "reject"), json={"reason": "  "}, headers=world["pm"]["headers"])
    assert r.status_code == 422
    r = client.post(base(job_id, "es", "reject"), json={"reason": "Wrong register"}, headers=world["pm"]["headers"])
    assert r.status_code == 200 and r.get_json()["status"] == "REJECTED"
    assert r.get_json()["rejection_reason"] == "Wrong register"
    kinds = [(e["kind"], e.get("reason")) for _, e in platform.events.read_after(before)]
    assert kinds == [("feedback", None), ("rejection", "Wrong register")]
    # rejected -> reassigned -> approved by the linguist
    r = client.post(base(job_id, "es", "approve"), headers=world["linguist"]["headers"])
    assert r.status_code == 409 and "reassign" in r.get_json()["detail"]
    assert assign(client, world["pm"], job_id, "es", world["linguist"]["id"]).status_code == 200
    r = client.post(base(job_id, "es", "approve"), headers=world["linguist"]["headers"])
    assert r.status_code == 200 and r.get_json()["status"] == "APPROVED"
    history = [h["action"] for h in r.get_json()["history"]]
    assert history == ["assigned", "feedback", "rejected", "assigned", "approved"]


def test_actions_only_at_language_qc(client, platform, world):
    job_id = make_job(platform, world["org"], status="TRANSLATING")
    r = assign(client, world["pm"], job_id, "es", world["linguist"]["id"])
    assert r.status_code == 409 and "TRANSLATING" in r.get_json()["detail"]
    r = client.post(base(job_id, "es", "approve"), headers=world["admin"]["headers"])
    assert r.status_code == 409 and "TRANSLATING" in r.get_json()["detail"]


def test_last_approval_moves_job_on_exactly_once(app, platform, world):
    job_id = make_job(platform, world["org"], langs=("en", "es", "ca", "gl"))
    c = app.test_client()
    for lang, who in (("es", "linguist"), ("ca", "linguist2"), ("gl", "linguist")):
        assert assign(c, world["pm"], job_id, lang, world[who]["id"]).status_code == 200
    before = platform.events.last_seq()
    results = []
    barrier = threading.Barrier(3)

    def approve(lang, who):
        client = app.test_client()
        barrier.wait()
        results.append(client.post(base(job_id, lang, "approve"), headers=world[who]["headers"]).status_code)

    threads = [
        threading.Thread(target=approve, args=a) for a in (("es", "linguist"), ("ca", "linguist2"), ("gl", "pm"))
    ]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert results == [200, 200, 200]
    job = platform.documents.get("jobs", job_id)
    assert job["status"] == "TTS_GENERATING"
    assert all(job["language_qc"][lang]["status"] == "APPROVED" for lang in ("es", "ca", "gl"))
    status_events = [e for _, e in platform.events.read_after(before) if e["type"] == "job_status_update"]
    assert [e["status"] for e in status_events] == ["TTS_GENERATING"]
    assert [t["step"] for t in platform.tasks.tasks_for(job_id)] == ["tts"]
    r = c.post(base(job_id, "es", "approve"), headers=world["admin"]["headers"])
    assert r.status_code == 409 and "TTS_GENERATING" in r.get_json()["detail"]
