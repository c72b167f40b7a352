"""Jobs and files through the local app: creation (multipart and signed upload), probe, listing,
visibility, downloads, file URLs, deletion and QC actions, with a real worker running the real
probe and synthetic no-media steps for the rest."""

import io
import json
import time
from urllib.parse import urlsplit

import pytest

from shared import bootstrap, config
from shared.local.worker import Worker
from shared.persistence.documents import update_with_retry
from shared.pipeline import probe_step, synthetic_steps
from shared.services.jobs import transition
from tests.integration.test_probe_media import make_video
from tests.support.job_flow import wait_for_status

STEPS = {**synthetic_steps.STEPS, "probe": probe_step.run}


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    d = tmp_path_factory.mktemp("api-media")
    return {
        "good": make_video(d / "good.mp4").read_bytes(),
        "silent": make_video(d / "silent.mp4", audio=False).read_bytes(),
    }


@pytest.fixture
def worker(platform):
    w = Worker(steps=STEPS, poll_seconds=0.02).start()
    yield w
    w.stop()


@pytest.fixture
def org(users):
    org_id = users.org("Acme")
    return {
        "id": org_id,
        "client": users.user("CLIENT", org_id),
        "pm": users.user("PM", org_id),
        "reviewer": users.user("REVIEWER"),
        "admin": users.user("ADMIN"),
        "linguist": users.user("LINGUIST"),
        "other_linguist": users.user("LINGUIST"),
        "other_client": users.user("CLIENT", users.org("Other")),
    }


def create(client, user, video, outputs="en,es", **extra):
    data = {
        "source_language": "en",
        "requested_outputs": outputs,
        "title": "Demo",
        "file": (io.BytesIO(video), "clip.mp4"),
        **extra,
    }
    headers = dict(user["headers"])
    headers.update(extra.pop("_headers", {}) if "_headers" in extra else {})
    return client.post("/api/v1/jobs", data=data, headers=headers, content_type="multipart/form-data")


def wait_status(client, user, job_id, status, timeout=15):
    return wait_for_status(client, user, job_id, status, timeout, poll=0.05)


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + "?" + parts.query


def test_multipart_job_runs_to_source_qc(client, org, videos, worker, platform):
    resp = create(client, org["client"], videos["good"])
    assert resp.status_code == 201, resp.get_json()
    job = resp.get_json()
    assert (
        len(job["_id"]) == 24
        and job["org_id"] == org["id"]
        and job["status"] in ("UPLOADED", "TRANSCRIBING", "DESCRIBING", "SOURCE_QC")
    )
    assert job["requested_outputs"] == ["en", "es"] and job["source_language"] == "en"
    assert set(job["language_qc"]) == {"es"} and job["language_qc"]["es"]["status"] == "PENDING"
    assert job["options"] == {"delivery_profile": "default", "extended_ad": False, "burn_in": False}
    done = wait_status(client, org["client"], job["_id"], "SOURCE_QC")
    assert done["outputs"]["en"]["captions_vtt"] == f"jobs/{job['_id']}/en/captions.vtt"
    assert done["media"]["duration"] > 0 and done["progress"]["percent"] == 100
    statuses = [
        e["status"]
        for _, e in platform.events.read_after(0)
        if e["type"] == "job_status_update" and e["job_id"] == job["_id"]
    ]
    assert statuses == ["CREATED", "UPLOADED", "TRANSCRIBING", "DESCRIBING", "SOURCE_QC"]
    assert platform.files.exists(f"jobs/{job['_id']}/source.mp4")
    assert platform.files.list("uploads/") == []


def test_invalid_upload_ends_upload_invalid_and_nothing_downstream(client, org, videos, worker, platform):
    truncated = videos["good"][: len(videos["good"]) // 3]
    job = create(client, org["client"], truncated).get_json()
    done = wait_status(client, org["client"], job["_id"], "UPLOAD_INVALID")
    assert done["error"] and "Traceback" not in done["error"]
    assert done["outputs"] == {}
    assert [t["step"] for t in platform.tasks.tasks_for(job["_id"])] == ["probe"]
    assert platform.files.list(f"jobs/{job['_id']}/") == [f"jobs/{job['_id']}/source.mp4"]
    text = create(client, org["client"], b"hello, not a video").get_json()
    assert "not a video" in wait_status(client, org["client"], text["_id"], "UPLOAD_INVALID")["error"]


def test_video_without_audio_is_accepted(client, org, videos, worker, platform):
    # A silent film needs audio description most: it is not bad input (design.md, pipeline rules).
    job = create(client, org["client"], videos["silent"]).get_json()
    done = wait_status(client, org["client"], job["_id"], "SOURCE_QC")
    assert not done.get("error")


def test_creation_rules(client, org, videos, isolated_settings):
    bad = create(client, org["client"], videos["good"], outputs="en,ja")
    assert bad.status_code == 400 and "ja" in bad.get_json()["detail"] and "es" in bad.get_json()["detail"]
    assert create(client, org["admin"], videos["good"]).status_code == 400  # admin must name org_id
    ok = create(client, org["admin"], videos["good"], org_id=org["id"])
    assert ok.status_code == 201 and ok.get_json()["org_id"] == org["id"]
    assert create(client, org["reviewer"], videos["good"]).status_code == 403
    no_file = client.post(
        "/api/v1/jobs",
        data={"source_language": "en", "requested_outputs": "en"},
        headers=org["client"]["headers"],
        content_type="multipart/form-data",
    )
    assert no_file.status_code == 400 and "upload_id" in no_file.get_json()["detail"]
    bad_lang = create(client, org["client"], videos["good"], outputs="english!")
    assert bad_lang.status_code == 422
    # A French source is transcribed, but no installed Apertium pair translates from French:
    # refused at creation, saying what is possible, never a job that fails at TRANSLATING.
    no_pair = create(client, org["client"], videos["good"], outputs="fr,en", source_language="fr")
    detail = no_pair.get_json()["detail"]
    assert no_pair.status_code == 400 and "from fr to en" in detail and "supported targets for fr: none" in detail
    assert create(client, org["client"], videos["good"], outputs="fr", source_language="fr").status_code == 201
    config.configure(max_request_bytes=10_000)
    big = create(client, org["client"], videos["good"] + b"\0" * 20_000)
    assert big.status_code == 413 and "upload-url" in big.get_json()["detail"]


def test_idempotency_key_returns_same_job(client, org, videos, platform):
    headers = {**org["client"]["headers"], "Idempotency-Key": "abc-123"}

    def data(outputs="en"):
        return {
            "source_language": "en",
            "requested_outputs": outputs,  # noqa: E731
            "file": (io.BytesIO(videos["good"]), "clip.mp4"),
        }

    first = client.post("/api/v1/jobs", data=data(), headers=headers, content_type="multipart/form-data")
    second = client.post("/api/v1/jobs", data=data(), headers=headers, content_type="multipart/form-data")
    assert first.status_code == 201 and second.status_code == 201
    assert first.get_json()["_id"] == second.get_json()["_id"] and second.headers["Idempotent-Replayed"] == "true"
    changed = client.post("/api/v1/jobs", data=data("en,es"), headers=headers, content_type="multipart/form-data")
    assert changed.status_code == 422
    listed = client.get("/api/v1/jobs", headers=org["client"]["headers"]).get_json()["items"]
    assert len(listed) == 1


def test_signed_upload_flow_both_orders(client, org, videos, worker, platform):
    h = org["client"]["headers"]
    for order in ("upload-first", "job-first"):
        u = client.post("/api/v1/files/upload-url", json={"filename": "big.mp4"}, headers=h)
        assert u.status_code == 201, u.get_json()
        upload = u.get_json()
        assert upload["headers"] == {"Content-Type": "video/mp4"} and upload["max_bytes"] == 5 * 1024**3

        def put():
            return client.put(
                local_path(upload["url"]),
                data=videos["good"],  # noqa: E731
                headers={"Content-Type": "video/mp4"},
            )

        body = {"upload_id": upload["upload_id"], "source_language": "en", "requested_outputs": ["en"]}
        if order == "upload-first":
            assert put().status_code == 200
            job = client.post("/api/v1/jobs", json=body, headers=h).get_json()
        else:
            job = client.post("/api/v1/jobs", json=body, headers=h).get_json()
            assert job["status"] == "CREATED"
            assert put().status_code == 200
        wait_status(client, org["client"], job["_id"], "SOURCE_QC")
        again = client.post("/api/v1/jobs", json=body, headers=h)
        assert again.status_code == 409


def test_signed_urls_refuse_tampering_expiry_and_oversize(client, org, videos, platform):
    h = org["client"]["headers"]
    upload = client.post("/api/v1/files/upload-url", json={}, headers=h).get_json()
    url = local_path(upload["url"])
    tampered = url.replace("uploads/", "uploads/x", 1)
    assert client.put(tampered, data=b"x", headers={"Content-Type": "video/mp4"}).status_code == 403
    sig = url.split("signature=")[1][:8]
    forged = url.replace("signature=" + sig, "signature=" + "0" * 8)
    assert client.put(forged, data=b"x", headers={"Content-Type": "video/mp4"}).status_code == 403
    assert client.get(url).status_code == 403  # signed for PUT only
    assert client.put(url, data=b"x", headers={"Content-Type": "text/plain"}).status_code == 403
    config.configure(upload_url_ttl_seconds=-5)
    expired = client.post("/api/v1/files/upload-url", json={}, headers=h).get_json()
    resp = client.put(local_path(expired["url"]), data=videos["good"], headers={"Content-Type": "video/mp4"})
    assert resp.status_code == 403 and "expired" in resp.get_json()["detail"]
    config.configure(upload_url_ttl_seconds=3600, max_signed_upload_bytes=1000)

    bootstrap.reset()
    small = client.post("/api/v1/files/upload-url", json={}, headers=h).get_json()
    resp = client.put(local_path(small["url"]), data=videos["good"], headers={"Content-Type": "video/mp4"})
    assert resp.status_code == 413
    assert client.post("/api/v1/files/upload-url", json={"size": 5000}, headers=h).status_code == 413
    assert bootstrap.platform().files.list("uploads/") == []


def _ready_job(client, org, videos, worker, outputs="en,es"):
    job = create(client, org["client"], videos["good"], outputs=outputs).get_json()
    return wait_status(client, org["client"], job["_id"], "SOURCE_QC")


def _assign(platform, job_id, lang, user_id):
    def mutate(doc):
        doc["language_qc"][lang].update(status="ASSIGNED", assignee=user_id)
        doc["assignees"] = [user_id]
        return doc

    update_with_retry(platform.documents, "jobs", job_id, mutate)


def test_listing_visibility_and_pagination(client, org, videos, users, platform):
    ids = [create(client, org["client"], videos["good"], outputs="en").get_json()["_id"] for _ in range(3)]
    other = create(client, org["other_client"], videos["good"], outputs="en").get_json()["_id"]
    mine = client.get("/api/v1/jobs?limit=2", headers=org["client"]["headers"]).get_json()
    assert [j["_id"] for j in mine["items"]] == ids[::-1][:2] and mine["next_cursor"]
    rest = client.get(f"/api/v1/jobs?limit=2&cursor={mine['next_cursor']}", headers=org["client"]["headers"]).get_json()
    assert [j["_id"] for j in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
    pm = client.get("/api/v1/jobs", headers=org["pm"]["headers"]).get_json()["items"]
    assert {j["_id"] for j in pm} == set(ids)
    everything = client.get("/api/v1/jobs", headers=org["reviewer"]["headers"]).get_json()["items"]
    assert {j["_id"] for j in everything} == set(ids) | {other}
    by_org = client.get(f"/api/v1/jobs?org_id={org['id']}", headers=org["admin"]["headers"]).get_json()["items"]
    assert {j["_id"] for j in by_org} == set(ids)
    status = client.get("/api/v1/jobs?status=UPLOADED", headers=org["admin"]["headers"]).get_json()["items"]
    assert all(j["status"] == "UPLOADED" for j in status) and len(status) == 4
    assert client.get("/api/v1/jobs?status=NOPE", headers=org["admin"]["headers"]).status_code == 422
    assert client.get("/api/v1/jobs", headers=org["linguist"]["headers"]).get_json()["items"] == []
    assert client.get(f"/api/v1/jobs/{other}", headers=org["client"]["headers"]).status_code == 404
    assert client.get(f"/api/v1/jobs/{ids[0]}", headers=org["linguist"]["headers"]).status_code == 404


def test_linguist_sees_and_fetches_only_assigned_language(client, org, videos, worker, platform):
    job = _ready_job(client, org, videos, worker, outputs="en,es,ca")
    job_id = job["_id"]
    platform.files.put_bytes(f"jobs/{job_id}/es/captions.vtt", b"WEBVTT\n\n")
    platform.files.put_bytes(f"jobs/{job_id}/ca/captions.vtt", b"WEBVTT\n\n")
    _assign(platform, job_id, "es", org["linguist"]["id"])
    lh = org["linguist"]["headers"]
    assert [j["_id"] for j in client.get("/api/v1/jobs", headers=lh).get_json()["items"]] == [job_id]
    assert client.get(f"/api/v1/jobs/{job_id}", headers=lh).status_code == 200
    ok = client.get(f"/api/v1/files/{job_id}/es/captions.vtt", headers=lh)
    assert ok.status_code == 200 and ok.get_json()["path"] == "es/captions.vtt"
    content = client.get(local_path(ok.get_json()["url"]))
    assert content.status_code == 200 and content.data == b"WEBVTT\n\n"
    assert client.get(f"/api/v1/files/{job_id}/ca/captions.vtt", headers=lh).status_code == 403
    assert client.get(f"/api/v1/files/{job_id}/ca/qc-report.json", headers=lh).status_code == 403
    assert client.get(f"/api/v1/files/{job_id}/es/nothing.vtt", headers=lh).status_code == 404
    # The programme and the source language's text to translate from (decision 0822) ...
    platform.files.put_bytes(f"jobs/{job_id}/en/captions.vtt", b"WEBVTT\n\nsource\n")
    platform.files.put_bytes(f"jobs/{job_id}/en/descriptions.vtt", b"WEBVTT\n\ndescribed\n")
    platform.files.put_bytes(f"jobs/{job_id}/en/qc-report.json", b"{}")
    for path in ("source.mp4", "en/captions.vtt", "en/descriptions.vtt"):
        signed = client.get(f"/api/v1/files/{job_id}/{path}", headers=lh)
        assert signed.status_code == 200, (path, signed.get_json())
        assert client.get(local_path(signed.get_json()["url"])).status_code == 200
    # ... but nothing else of the source language or the job's work folder.
    for path in ("en/qc-report.json", "work/transcript.json", "en"):
        denied = client.get(f"/api/v1/files/{job_id}/{path}", headers=lh)
        assert denied.status_code == 403 and "Linguists may fetch" in denied.get_json()["detail"], path
    # The narration plan and clips of their own language, from the work folder (decision 0825):
    # the review screen plays the extended descriptions from them. Another language's are refused.
    for lang in ("es", "ca"):
        platform.files.put_bytes(f"jobs/{job_id}/work/{lang}/narration.json", b'{"clips": []}')
        platform.files.put_bytes(f"jobs/{job_id}/work/{lang}/ad-001.wav", b"RIFF")
    for path in ("work/es/narration.json", "work/es/ad-001.wav"):
        signed = client.get(f"/api/v1/files/{job_id}/{path}", headers=lh)
        assert signed.status_code == 200, (path, signed.get_json())
        assert client.get(local_path(signed.get_json()["url"])).status_code == 200
    for path in ("work/ca/narration.json", "work/ca/ad-001.wav", "work/es/voiced.zip", "work/es/ad-1.wav"):
        denied = client.get(f"/api/v1/files/{job_id}/{path}", headers=lh)
        assert denied.status_code == 403 and "narration clips" in denied.get_json()["detail"], path
    # A reviewer of the organisation reads every language's clips; another organisation's nobody.
    assert (
        client.get(f"/api/v1/files/{job_id}/work/ca/ad-001.wav", headers=org["reviewer"]["headers"]).status_code == 200
    )
    assert (
        client.get(f"/api/v1/files/{job_id}/work/ca/ad-001.wav", headers=org["other_client"]["headers"]).status_code
        == 404
    )
    # A linguist of the organisation with no language of this job gets nothing, not even the video.
    other = org["other_linguist"]["headers"]
    assert client.get(f"/api/v1/files/{job_id}/source.mp4", headers=other).status_code == 404
    assert client.get(f"/api/v1/files/{job_id}/en/captions.vtt", headers=other).status_code == 404
    assert (
        client.get(f"/api/v1/files/{job_id}/en/captions.vtt", headers=org["other_client"]["headers"]).status_code == 404
    )


def test_linguist_sees_only_the_status_of_other_linguists_languages(client, org, videos, worker, platform):
    """Who else works on the job, their emails, feedback and history stay with PMs, reviewers
    and admins (decision 0910)."""
    job_id = _ready_job(client, org, videos, worker, outputs="en,es,ca")["_id"]
    _assign(platform, job_id, "es", org["linguist"]["id"])
    _assign(platform, job_id, "ca", org["other_linguist"]["id"])

    def both(doc):
        doc["assignees"] = [org["linguist"]["id"], org["other_linguist"]["id"]]
        doc["language_qc"]["ca"]["assignee_email"] = org["other_linguist"]["email"]
        return doc

    update_with_retry(platform.documents, "jobs", job_id, both)
    lh = org["linguist"]["headers"]
    for seen in (
        client.get(f"/api/v1/jobs/{job_id}", headers=lh).get_json(),
        client.get("/api/v1/jobs", headers=lh).get_json()["items"][0],
    ):
        assert seen["language_qc"]["es"]["assignee"] == org["linguist"]["id"]
        assert seen["language_qc"]["ca"] == {"status": "ASSIGNED"}
        assert org["other_linguist"]["email"] not in json.dumps(seen)
        assert org["other_linguist"]["id"] not in json.dumps(seen)
    pm_view = client.get(f"/api/v1/jobs/{job_id}", headers=org["pm"]["headers"]).get_json()
    assert pm_view["language_qc"]["ca"]["assignee_email"] == org["other_linguist"]["email"]


@pytest.mark.parametrize(
    "path",
    [
        "../../etc/passwd",
        "en/../../x",
        "%2e%2e/%2e%2e/etc/passwd",
        "en%2f..%2f..%2fx",
        "%252e%252e/x",
        "..%5c..%5cwindows",
        "en\\..\\x",
        "/etc/passwd",
        "//etc/passwd",
        "./en/captions.vtt",
        "en//captions.vtt",
        "C:/windows/win.ini",
    ],
)
def test_path_traversal_refused(client, org, videos, path, platform):
    job = create(client, org["client"], videos["good"], outputs="en").get_json()
    resp = client.get(f"/api/v1/files/{job['_id']}/{path}", headers=org["client"]["headers"])
    assert resp.status_code == 400, (path, resp.status_code, resp.get_json())


def test_downloads_signed_24h_and_work(client, org, videos, worker, platform):
    job = _ready_job(client, org, videos, worker, outputs="en")
    d = client.get(f"/api/v1/jobs/{job['_id']}/downloads", headers=org["client"]["headers"]).get_json()
    kinds = {(f["language"], f["kind"]) for f in d["files"]}
    assert kinds == {("en", "captions_vtt"), ("en", "descriptions_vtt")}
    for f in d["files"]:
        assert "expires=" in f["url"]
        expires = int(f["url"].split("expires=")[1].split("&")[0])
        assert 24 * 3600 - 60 <= expires - time.time() <= 24 * 3600 + 5
        got = client.get(local_path(f["url"]))
        assert got.status_code == 200 and got.data.decode() == synthetic_steps.content(
            job["_id"], "en", f["path"].split("/")[-1]
        )


def test_qc_actions(client, org, videos, worker, platform):
    job = _ready_job(client, org, videos, worker, outputs="en,es")
    jid, rh, ah = job["_id"], org["reviewer"]["headers"], org["admin"]["headers"]
    assert client.post(f"/api/v1/jobs/{jid}/actions/retry", headers=ah).status_code == 409
    fb = client.post(f"/api/v1/jobs/{jid}/actions/feedback", json={"message": "Tighten cue 3"}, headers=rh)
    assert fb.status_code == 200 and fb.get_json()["feedback"][0]["message"] == "Tighten cue 3"
    assert fb.get_json()["feedback"][0]["by"]["user_id"] == org["reviewer"]["id"]
    notes = [e for _, e in platform.events.read_after(0) if e["type"] == "notification" and e["kind"] == "feedback"]
    assert notes and notes[-1]["message"] == "Tighten cue 3" and notes[-1]["job_id"] == jid
    assert client.post(f"/api/v1/jobs/{jid}/actions/reject", json={"reason": "  "}, headers=rh).status_code == 422
    assert client.post(f"/api/v1/jobs/{jid}/actions/approve", headers=org["client"]["headers"]).status_code == 403
    ok = client.post(f"/api/v1/jobs/{jid}/actions/approve", headers=rh)
    assert ok.status_code == 200 and ok.get_json()["status"] == "TRANSLATING"
    again = client.post(f"/api/v1/jobs/{jid}/actions/approve", headers=rh)
    assert again.status_code == 409 and (
        "TRANSLATING" in again.get_json()["detail"] or "LANGUAGE_QC" in again.get_json()["detail"]
    )
    wait_status(client, org["reviewer"], jid, "LANGUAGE_QC")
    lq = client.post(f"/api/v1/jobs/{jid}/actions/approve", headers=rh)
    assert lq.status_code == 409 and "LANGUAGE_QC" in lq.get_json()["detail"]

    transition(jid, "LANGUAGE_QC", "TTS_GENERATING")
    final = wait_status(client, org["reviewer"], jid, "FINAL_QC")
    assert final["outputs"]["es"]["mp4"] == f"jobs/{jid}/es/accessible.mp4"
    rej = client.post(f"/api/v1/jobs/{jid}/actions/reject", json={"reason": "Narration too loud"}, headers=rh)
    assert rej.status_code == 200 and rej.get_json()["status"] == "REJECTED"
    assert rej.get_json()["rejection"]["stage"] == "FINAL_QC"
    seen = client.get(f"/api/v1/jobs/{jid}", headers=org["client"]["headers"]).get_json()
    assert seen["rejection"]["reason"] == "Narration too loud"


def test_final_qc_approve_reruns_after_vtt_change_then_completes(client, org, videos, worker, platform):
    job = _ready_job(client, org, videos, worker, outputs="en")
    jid, rh = job["_id"], org["reviewer"]["headers"]
    assert client.post(f"/api/v1/jobs/{jid}/actions/approve", headers=rh).get_json()["status"] == "TTS_GENERATING"
    wait_status(client, org["reviewer"], jid, "FINAL_QC")
    update_with_retry(platform.documents, "jobs", jid, lambda d: {**d, "vtt_changed_since_render": True})
    assert client.post(f"/api/v1/jobs/{jid}/actions/approve", headers=rh).get_json()["status"] == "TTS_GENERATING"
    job = wait_status(client, org["reviewer"], jid, "FINAL_QC")
    assert job["vtt_changed_since_render"] is False
    assert client.post(f"/api/v1/jobs/{jid}/actions/approve", headers=rh).get_json()["status"] == "COMPLETED"
    runs = [t["name"].split("-", 1)[1] for t in platform.tasks.tasks_for(jid)]
    assert runs == ["probe-1", "transcribe-1", "describe-1", "tts-1", "render-1", "tts-2", "render-2"]
    assert transition  # the automated path above used the same transition


def test_retry_reruns_exactly_the_failed_step(client, org, videos, platform, isolated_settings):
    config.configure(task_max_attempts=2, task_backoff_seconds=0.01)
    calls = []

    def broken_tts(io):
        calls.append("tts")
        raise RuntimeError("engine exploded: secret internals")

    steps = {**STEPS, "tts": broken_tts}
    w = Worker(steps=steps, poll_seconds=0.02).start()
    try:
        job = _ready_job(client, org, videos, None, outputs="en")
        jid = job["_id"]
        client.post(f"/api/v1/jobs/{jid}/actions/approve", headers=org["reviewer"]["headers"])
        failed = wait_status(client, org["admin"], jid, "TTS_FAILED")
        assert (
            len(calls) == 2
            and "secret internals" not in failed["error"]
            and "Recording the narration" in failed["error"]
        )
        steps["tts"] = STEPS["tts"]
        retried = client.post(f"/api/v1/jobs/{jid}/actions/retry", headers=org["admin"]["headers"])
        assert retried.status_code == 200 and retried.get_json()["status"] == "TTS_GENERATING"
        assert retried.get_json()["error"] is None
        wait_status(client, org["admin"], jid, "FINAL_QC")
        steps_run = [t["name"].split("-", 1)[1] for t in platform.tasks.tasks_for(jid)]
        assert steps_run == ["probe-1", "transcribe-1", "describe-1", "tts-1", "tts-2", "tts-3", "render-1"]
    finally:
        w.stop()


def test_delete_removes_everything(client, org, videos, worker, platform):
    job = _ready_job(client, org, videos, worker, outputs="en")
    jid = job["_id"]
    platform.documents.create("vtt_versions", "v" * 24, {"job_id": jid, "lang": "en"})
    platform.tasks.enqueue(jid, "tts", 99, delay_seconds=3600)
    assert client.delete(f"/api/v1/jobs/{jid}", headers=org["reviewer"]["headers"]).status_code == 403
    resp = client.delete(f"/api/v1/jobs/{jid}", headers=org["admin"]["headers"])
    assert resp.status_code == 204
    assert platform.documents.get("jobs", jid) is None and platform.documents.get("vtt_versions", "v" * 24) is None
    assert platform.files.list(f"jobs/{jid}") == []
    assert platform.tasks.counts(jid).get("pending", 0) == 0
    assert client.get(f"/api/v1/jobs/{jid}", headers=org["admin"]["headers"]).status_code == 404
