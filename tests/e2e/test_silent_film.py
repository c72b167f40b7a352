"""A video without an audio track through the whole local pipeline (issue 12 item 8): it is
accepted, the captions are empty with a note saying why, and the descriptions, narration and
accessible MP4 are made from the picture. And a text file named .mp4 is told it is not a video."""

import json
import subprocess
from pathlib import Path

import pytest

from shared.media import ffmpeg as ff
from shared.media import vtt
from tests.support import description_cases as dc
from tests.support.job_flow import post_job, wait_for_status

pytestmark = pytest.mark.slow
TIMEOUT = 300


def wait_for(client, user, job_id, statuses, timeout=TIMEOUT):
    return wait_for_status(client, user, job_id, statuses, timeout)


def test_a_silent_film_gets_descriptions_narration_and_empty_captions_with_a_note(
    client, users, platform, worker, tmp_path_factory
):
    case = dc.silent_film(tmp_path_factory.getbasetemp() / "silent-film")
    org_id = users.org("Silent Pictures")
    customer, reviewer = users.user("CLIENT", org_id), users.user("REVIEWER")
    resp = post_job(
        client,
        customer,
        case.path.read_bytes(),
        "film.mp4",
        source_language="en",
        requested_outputs="en",
        title="Silent film",
        options=json.dumps({"extended_ad": True}),
    )
    assert resp.status_code == 201, resp.get_json()
    job_id = resp.get_json()["_id"]
    job = wait_for(client, reviewer, job_id, {"SOURCE_QC"})
    approve = client.post(f"/api/v1/jobs/{job_id}/actions/approve", headers=reviewer["headers"])
    assert approve.status_code == 200, approve.get_json()
    job = wait_for(client, reviewer, job_id, {"FINAL_QC", "COMPLETED"})
    files, outputs = platform.files, job["outputs"]["en"]
    assert vtt.read(files.get_bytes(outputs["captions_vtt"]).decode()) == []
    qc = json.loads(files.get_bytes(outputs["qc_report"]).decode())
    assert qc["captions"]["no_audio"] is True and "no audio track" in qc["captions"]["note"]
    descriptions = vtt.read(files.get_bytes(outputs["descriptions_vtt"]).decode())
    text = " ".join(c.text for c in descriptions)
    assert "Two people are on screen." in text and '"CHAPTER TWO"' in text, text
    assert qc["descriptions"]["overlapping"] == 0
    mp4 = Path(tmp_path_factory.getbasetemp()) / "silent-accessible.mp4"
    mp4.write_bytes(files.get_bytes(outputs["video"]))
    kinds = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", str(mp4)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert kinds.count("video") == 1 and kinds.count("audio") == 1
    levels = dc.window_levels(dc.momentary(mp4), [(c.start, c.end) for c in descriptions])
    assert all(v >= dc.AUDIBLE_LUFS for v in levels), levels
    extended = Path(tmp_path_factory.getbasetemp()) / "silent-extended.mp4"
    extended.write_bytes(files.get_bytes(outputs["video_extended"]))
    assert ff.probe(extended).has_audio and ff.probe(extended).duration >= case.duration - 0.1


def test_a_text_file_named_mp4_is_told_it_is_not_a_video(client, users, platform, worker):
    org_id = users.org("Notes Inc")
    customer = users.user("CLIENT", org_id)
    notes = b"Meeting notes: ship the video on Friday.\n" * 40
    resp = post_job(client, customer, notes, "notes.mp4", source_language="en", requested_outputs="en", title="Notes")
    if resp.status_code >= 400:  # refused at upload: the reason must say what the file is
        detail = json.dumps(resp.get_json())
        assert resp.status_code < 500 and "not a video" in detail, detail
        return
    job = wait_for(client, customer, resp.get_json()["_id"], {"UPLOAD_INVALID"})
    reason = json.dumps(job)
    assert "is text, not a video" in reason and "index is missing" not in reason, reason
