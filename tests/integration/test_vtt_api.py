"""VTT editing and version history over the real local app (SQLite documents, local files,
the jobs service's visibility rules)."""

import threading

import pytest

from shared.ids import new_id
from tests.support.jobs import api_job

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:02.500
Hello there

2
00:00:03.000 --> 00:00:04.000
Second line
"""


def make_job(platform, org_id, status="SOURCE_QC", langs=("en", "es"), duration=10.0, qc=None, files=("en",)):
    job_id = api_job(
        platform,
        org_id,
        status,
        langs,
        language_qc=qc or {},
        assignees=sorted({e["assignee"] for e in (qc or {}).values() if e.get("assignee")}),
        media={"duration": duration},
        vtt_changed_since_render=False,
    )
    for lang in files:
        for kind in ("captions", "descriptions"):
            platform.files.put_bytes(f"jobs/{job_id}/{lang}/{kind}.vtt", VTT.encode(), "text/vtt")
    return job_id


@pytest.fixture
def world(platform, users):
    org = users.org()
    return {
        "org": org,
        "reviewer": users.user("REVIEWER"),
        "admin": users.user("ADMIN"),
        "client": users.user("CLIENT", org),
        "pm": users.user("PM", org),
        "linguist": users.user("LINGUIST", org),
        "other_linguist": users.user("LINGUIST", org),
    }


def url(job_id, lang="en", suffix=""):
    return f"/api/v1/jobs/{job_id}/vtt/{lang}{suffix}"


def get(client, user, job_id, lang="en", kind=None):
    q = f"?kind={kind}" if kind else ""
    return client.get(url(job_id, lang) + q, headers=user["headers"])


def patch(client, user, job_id, content, etag, lang="en", kind=None, message=None):
    q = f"?kind={kind}" if kind else ""
    headers = dict(user["headers"])
    if etag is not None:
        headers["If-Match"] = etag
    return client.patch(
        url(job_id, lang) + q, json={"content": content, **({"message": message} if message else {})}, headers=headers
    )


def test_get_returns_content_etag_and_no_version_yet(client, platform, world):
    job_id = make_job(platform, world["org"])
    r = get(client, world["reviewer"], job_id)
    assert r.status_code == 200
    body = r.get_json()
    assert body["content"] == VTT and body["kind"] == "captions" and body["version_id"] is None
    assert r.headers["ETag"] == body["etag"]
    # documented contract (decision 0400): a linguist who read the file via /files can compute it
    import hashlib

    stored = platform.files.get_bytes(f"jobs/{job_id}/en/captions.vtt")
    assert body["etag"] == '"' + hashlib.sha256(stored).hexdigest()[:32] + '"'
    assert get(client, world["reviewer"], job_id, kind="descriptions").get_json()["kind"] == "descriptions"
    assert get(client, world["reviewer"], job_id, kind="subtitles").status_code == 422
    assert get(client, world["reviewer"], job_id, lang="fr").status_code == 404
    assert get(client, world["reviewer"], job_id, lang="es").status_code == 404  # not produced yet
    assert get(client, world["client"], job_id).status_code == 403


def test_patch_saves_snapshots_and_marks_job_changed(client, platform, world):
    job_id = make_job(platform, world["org"])
    etag = get(client, world["reviewer"], job_id).headers["ETag"]
    new = VTT.replace("Hello there", "Hello, there")
    r = patch(client, world["reviewer"], job_id, new, etag, message="comma")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["content"] == new and body["version_id"] and r.headers["ETag"] != etag
    assert platform.files.get_bytes(f"jobs/{job_id}/en/captions.vtt").decode() == new
    assert platform.documents.get("jobs", job_id)["vtt_changed_since_render"] is True
    versions = client.get(f"/api/v1/jobs/{job_id}/vtt-versions/en", headers=world["reviewer"]["headers"]).get_json()
    items = versions["items"]
    assert [v["source"] for v in items] == ["edit", "snapshot"]  # newest first
    assert items[0]["id"] == body["version_id"] and items[0]["message"] == "comma"
    assert items[0]["author_id"] == world["reviewer"]["id"] and items[0]["author_email"] == world["reviewer"]["email"]
    old = client.get(f"/api/v1/jobs/{job_id}/vtt-versions/en/{items[1]['id']}", headers=world["reviewer"]["headers"])
    assert old.get_json()["content"] == VTT
    # GET now names the version holding the content
    assert get(client, world["reviewer"], job_id).get_json()["version_id"] == body["version_id"]


def test_stale_if_match_is_412_and_nothing_is_lost(client, platform, world):
    job_id = make_job(platform, world["org"])
    etag = get(client, world["reviewer"], job_id).headers["ETag"]
    first = VTT.replace("Hello there", "First edit")
    assert patch(client, world["reviewer"], job_id, first, etag).status_code == 200
    r = patch(client, world["admin"], job_id, VTT.replace("Hello there", "Second edit"), etag)
    assert r.status_code == 412 and "reload" in r.get_json()["detail"]
    assert platform.files.get_bytes(f"jobs/{job_id}/en/captions.vtt").decode() == first
    assert patch(client, world["reviewer"], job_id, first, None).status_code == 428


def test_concurrent_saves_on_one_etag_exactly_one_wins(app, platform, world):
    job_id = make_job(platform, world["org"])
    etag = app.test_client().get(url(job_id), headers=world["reviewer"]["headers"]).headers["ETag"]
    codes = []
    barrier = threading.Barrier(4)

    def save(i):
        c = app.test_client()
        barrier.wait()
        r = patch(c, world["reviewer"], job_id, VTT.replace("Hello there", f"Edit {i}"), etag)
        codes.append(r.status_code)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(codes) == [200, 412, 412, 412]
    versions = (
        app.test_client()
        .get(f"/api/v1/jobs/{job_id}/vtt-versions/en", headers=world["reviewer"]["headers"])
        .get_json()["items"]
    )
    assert [v["seq"] for v in versions] == [2, 1]
    stored = platform.files.get_bytes(f"jobs/{job_id}/en/captions.vtt").decode()
    assert (
        stored
        == app.test_client()
        .get(f"/api/v1/jobs/{job_id}/vtt-versions/en/{versions[0]['id']}", headers=world["reviewer"]["headers"])
        .get_json()["content"]
    )


def test_malformed_and_out_of_range_content_is_422_naming_the_line(client, platform, world):
    job_id = make_job(platform, world["org"], duration=3.5)
    etag = get(client, world["reviewer"], job_id).headers["ETag"]
    r = patch(client, world["reviewer"], job_id, VTT.replace("00:00:03.000 --> 00:00:04.000", "00:00:03 --> 4"), etag)
    assert r.status_code == 422 and "Line 8" in r.get_json()["detail"]
    r = patch(client, world["reviewer"], job_id, VTT, etag)  # the stored file itself ends after 3.5 s
    assert r.status_code == 422 and "after the end of the media" in r.get_json()["detail"]
    swapped = VTT.replace("00:00:03.000 --> 00:00:04.000", "00:00:00.500 --> 00:00:00.900")
    r = patch(client, world["reviewer"], job_id, swapped, etag)
    assert r.status_code == 422 and "out of order" in r.get_json()["detail"] and "Line 8" in r.get_json()["detail"]
    assert platform.files.get_bytes(f"jobs/{job_id}/en/captions.vtt").decode() == VTT


def test_edit_windows(client, platform, world):
    for status in ("TRANSCRIBING", "LANGUAGE_QC", "COMPLETED"):
        job_id = make_job(platform, world["org"], status=status)
        etag = get(client, world["reviewer"], job_id).headers["ETag"]
        r = patch(client, world["reviewer"], job_id, VTT.replace("Hello", "Hi"), etag)
        assert r.status_code == 409 and status in r.get_json()["detail"]
    job_id = make_job(platform, world["org"], status="FINAL_QC", files=("en", "es"))
    etag = get(client, world["admin"], job_id, lang="es").headers["ETag"]
    assert patch(client, world["admin"], job_id, VTT.replace("Hello", "Hola"), etag, lang="es").status_code == 200


def test_linguist_edits_only_assigned_language_at_language_qc(client, platform, world):
    ling, other = world["linguist"], world["other_linguist"]
    qc = {
        "es": {"status": "ASSIGNED", "assignee": ling["id"], "history": [], "feedback": []},
        "ca": {"status": "ASSIGNED", "assignee": other["id"], "history": [], "feedback": []},
    }
    job_id = make_job(
        platform, world["org"], status="LANGUAGE_QC", langs=("en", "es", "ca"), qc=qc, files=("en", "es", "ca")
    )
    etag = get(client, world["reviewer"], job_id, lang="es").headers["ETag"]
    assert get(client, ling, job_id, lang="es").status_code == 403  # the spec: linguists read via /files
    r = patch(client, ling, job_id, VTT.replace("Hello there", "Hola"), etag, lang="es")
    assert r.status_code == 200, r.get_json()
    r = patch(client, ling, job_id, VTT.replace("Hello there", "Hola"), etag, lang="ca")
    assert r.status_code == 403 and "assigned" in r.get_json()["detail"]
    r = patch(client, ling, job_id, VTT.replace("Hello there", "Hello"), etag, lang="en")
    assert r.status_code == 403
    # an unrelated linguist does not see the job at all
    stranger = world["other_linguist"]
    platform.documents.update(
        "jobs",
        job_id,
        {**platform.documents.get("jobs", job_id), "language_qc": {"es": qc["es"]}, "assignees": [ling["id"]]},
        expected_version=platform.documents.get("jobs", job_id)["_version"],
    )
    assert patch(client, stranger, job_id, VTT, etag, lang="ca").status_code == 404


def test_linguist_outside_language_qc_gets_409(client, platform, world):
    ling = world["linguist"]
    qc = {"es": {"status": "ASSIGNED", "assignee": ling["id"], "history": [], "feedback": []}}
    job_id = make_job(platform, world["org"], status="TTS_GENERATING", qc=qc, files=("en", "es"))
    etag = get(client, world["reviewer"], job_id, lang="es").headers["ETag"]
    r = patch(client, ling, job_id, VTT.replace("Hello", "Hola"), etag, lang="es")
    assert r.status_code == 409 and "TTS_GENERATING" in r.get_json()["detail"]


def test_adjust_timing_shifts_and_versions(client, platform, world):
    job_id = make_job(platform, world["org"])
    body = {"job_id": job_id, "lang": "en", "kind": "captions", "offset_ms": -1500}
    r = client.post("/api/v1/vtt/adjust-timing", json=body, headers=world["reviewer"]["headers"])
    assert r.status_code == 200, r.get_json()
    content = r.get_json()["content"]
    assert "00:00:00.000 --> 00:00:01.500\nHello there" in content
    assert "00:00:01.500 --> 00:00:02.500\nSecond line" in content
    versions = client.get(f"/api/v1/jobs/{job_id}/vtt-versions/en", headers=world["reviewer"]["headers"]).get_json()
    assert versions["items"][0]["source"] == "adjust-timing" and "-1500" in versions["items"][0]["message"]
    r = client.post("/api/v1/vtt/adjust-timing", json={**body, "offset_ms": 9000}, headers=world["reviewer"]["headers"])
    assert r.status_code == 422 and "after the end of the media" in r.get_json()["detail"]
    r = client.post(
        "/api/v1/vtt/adjust-timing", json={**body, "from_ms": 5000, "to_ms": 6000}, headers=world["reviewer"]["headers"]
    )
    assert r.status_code == 422 and "No cue" in r.get_json()["detail"]
    assert client.post("/api/v1/vtt/adjust-timing", json=body, headers=world["pm"]["headers"]).status_code == 403


def test_versions_pagination_restore_and_diff(client, platform, world):
    job_id = make_job(platform, world["org"])
    h = world["reviewer"]["headers"]
    for i in range(4):
        etag = get(client, world["reviewer"], job_id).headers["ETag"]
        assert (
            patch(client, world["reviewer"], job_id, VTT.replace("Hello there", f"Edit {i}"), etag).status_code == 200
        )
    base = f"/api/v1/jobs/{job_id}/vtt-versions/en"
    page1 = client.get(base + "?limit=2", headers=h).get_json()
    page2 = client.get(base + f"?limit=2&cursor={page1['next_cursor']}", headers=h).get_json()
    page3 = client.get(base + f"?limit=2&cursor={page2['next_cursor']}", headers=h).get_json()
    seqs = [v["seq"] for v in page1["items"] + page2["items"] + page3["items"]]
    assert seqs == [5, 4, 3, 2, 1] and page3["next_cursor"] is None
    assert "content" not in page1["items"][0]
    original = page3["items"][-1]["id"]
    latest = page1["items"][0]["id"]

    d = client.get(base + f"/diff?from={original}&to={latest}", headers=h).get_json()
    assert d["summary"]["text_changed"] == 1 and d["summary"]["added"] == 0
    assert d["cues"][0]["from"]["text"] == "Hello there" and d["cues"][0]["to"]["text"] == "Edit 3"
    assert "-Hello there" in d["unified_diff"] and "+Edit 3" in d["unified_diff"]
    assert client.get(base + f"/diff?from={original}", headers=h).status_code == 422
    assert client.get(base + f"/diff?from={original}&to=current", headers=h).get_json()["summary"]["text_changed"] == 1

    r = client.post(base + f"/{original}/restore", headers=h)
    assert r.status_code == 200 and r.get_json()["content"] == VTT
    items = client.get(base, headers=h).get_json()["items"]
    assert items[0]["source"] == "restore" and items[0]["restored_from"] == original and items[0]["seq"] == 6
    assert len(items) == 6  # history kept, nothing rewritten
    assert client.get(base + f"/{new_id()}", headers=h).status_code == 404
    other_job = make_job(platform, world["org"])
    assert client.get(f"/api/v1/jobs/{other_job}/vtt-versions/en/{original}", headers=h).status_code == 404


def test_media_duration_falls_back_to_ffprobe_of_the_source(client, platform, world, tmp_path):
    import subprocess

    job_id = make_job(platform, world["org"])
    job = platform.documents.get("jobs", job_id)
    job.pop("media")
    platform.documents.update("jobs", job_id, job, expected_version=job["_version"])
    src = tmp_path / "source.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=black:s=64x48:r=10:d=3",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            str(src),
        ],
        check=True,
    )
    platform.files.put_file(f"jobs/{job_id}/source.mp4", src, "video/mp4")
    etag = get(client, world["reviewer"], job_id).headers["ETag"]
    r = patch(
        client,
        world["reviewer"],
        job_id,
        VTT.replace("00:00:03.000 --> 00:00:04.000", "00:00:02.800 --> 00:00:03.500"),
        etag,
    )
    assert r.status_code == 422 and "after the end of the media (00:00:03.000)" in r.get_json()["detail"]
    r = patch(
        client,
        world["reviewer"],
        job_id,
        VTT.replace("00:00:03.000 --> 00:00:04.000", "00:00:02.800 --> 00:00:02.950"),
        etag,
    )
    assert r.status_code == 200
