"""The describe step's picture analysis made while transcribing (decision 1210), through the
runner with the real transcribe and describe steps (faster-whisper, ffmpeg, RapidOCR) on a
generated video: the transcribe step stores the analysis, the describe step uses it, and a
retried DESCRIBING analyses the picture again when the stored analysis is stale or missing."""

import json

import pytest

from shared.auth.tokens import Principal
from shared.errors import PermanentStepError
from shared.ids import new_id
from shared.media.engines import engines
from shared.pipeline import media_steps, picture_analysis, runner
from shared.services import jobs
from shared.storage.layout import job_path
from shared.timestamps import now_iso
from tests.support.media import session_video

pytestmark = pytest.mark.slow

MARKER = "MARKER FROM THE STORED ANALYSIS"
ADMIN = Principal(user_id="admin-1", role="ADMIN", org_id=None)


def _job_at_transcribing(platform, video) -> str:
    job_id = new_id()
    now = now_iso()
    platform.files.put_file(job_path(job_id, "source.mp4"), video.path, "video/mp4")
    platform.documents.create(
        "jobs",
        job_id,
        {
            "org_id": "org1",
            "status": "UPLOADED",
            "source_language": "en",
            "requested_outputs": ["en"],
            "source_path": job_path(job_id, "source.mp4"),
            "outputs": {},
            "language_qc": {},
            "created_at": now,
            "updated_at": now,
            "step_attempts": {},
        },
    )
    jobs.transition(job_id, "UPLOADED", "TRANSCRIBING")
    return job_id


def _run(platform, job_id: str, step: str, steps=None) -> str:
    attempt = platform.documents.get("jobs", job_id)["step_attempts"][step]
    return runner.run_task(job_id, step, attempt, steps=steps or media_steps.STEPS)


def _stored(platform, job_id: str) -> dict:
    return json.loads(platform.files.get_bytes(picture_analysis.analysis_path(job_id)))


def _put(platform, job_id: str, doc: dict) -> None:
    platform.files.put_bytes(picture_analysis.analysis_path(job_id), json.dumps(doc).encode(), "application/json")


def _descriptions(platform, job_id: str) -> str:
    return platform.files.get_bytes(job_path(job_id, "en", "descriptions.vtt")).decode()


def _with_marker(doc: dict) -> dict:
    """The stored analysis with the on-screen text read as MARKER (only it can explain that)."""
    events = [{**e, "value": MARKER} if e["kind"] == "text" else e for e in doc["events"]]
    return {**doc, "events": events}


def _fail_describe_and_retry(platform, job_id: str) -> None:
    def broken(io):
        raise PermanentStepError("describe failed for the test")

    assert _run(platform, job_id, "describe", {"describe": broken}) == runner.FAILED
    assert platform.documents.get("jobs", job_id)["status"] == "DESCRIPTION_FAILED"
    jobs.retry(ADMIN, job_id)
    assert platform.documents.get("jobs", job_id)["status"] == "DESCRIBING"


@pytest.fixture
def video(tmp_path_factory):
    return session_video(tmp_path_factory)


def test_transcribe_stores_the_analysis_and_describe_uses_it(platform, video):
    job_id = _job_at_transcribing(platform, video)
    assert _run(platform, job_id, "transcribe") == runner.DONE
    assert platform.documents.get("jobs", job_id)["status"] == "DESCRIBING"
    stored = _stored(platform, job_id)
    assert stored["key"] == picture_analysis.key_for(engines().describer, video.path)
    assert any(e["kind"] == "text" and e["value"] == "ACME WIDGETS" for e in stored["events"]), stored

    _put(platform, job_id, _with_marker(stored))
    assert _run(platform, job_id, "describe") == runner.DONE
    job = platform.documents.get("jobs", job_id)
    assert job["status"] == "SOURCE_QC"
    text = _descriptions(platform, job_id)
    assert MARKER in text and "ACME WIDGETS" not in text  # the stored events, not a new analysis


def test_retried_describe_analyses_again_when_the_analysis_is_stale_or_missing(platform, video):
    job_id = _job_at_transcribing(platform, video)
    assert _run(platform, job_id, "transcribe") == runner.DONE
    fresh = _stored(platform, job_id)

    # stale: made from another source (or setting, or code): not used, analysed again
    _fail_describe_and_retry(platform, job_id)
    stale = _with_marker(fresh)
    stale["key"] = {**fresh["key"], "source_sha256": "0" * 64}
    _put(platform, job_id, stale)
    assert _run(platform, job_id, "describe") == runner.DONE
    assert platform.documents.get("jobs", job_id)["status"] == "SOURCE_QC"
    text = _descriptions(platform, job_id)
    assert MARKER not in text and "ACME WIDGETS" in text
    assert _stored(platform, job_id)["key"] == fresh["key"]  # the new analysis is kept for a retry

    # missing or unreadable: the same
    for broken in (None, b"{not json"):
        jobs.transition(job_id, "SOURCE_QC", "DESCRIBING")
        _fail_describe_and_retry(platform, job_id)
        path = picture_analysis.analysis_path(job_id)
        if broken is None:
            platform.files.delete_prefix(path)
            assert not platform.files.exists(path)
        else:
            platform.files.put_bytes(path, broken, "application/json")
        assert _run(platform, job_id, "describe") == runner.DONE
        assert platform.documents.get("jobs", job_id)["status"] == "SOURCE_QC"
        assert "ACME WIDGETS" in _descriptions(platform, job_id)
        assert _stored(platform, job_id)["events"] == fresh["events"]


def test_the_key_follows_the_describer_settings(platform, video):
    describer = engines().describer
    key = picture_analysis.key_for(describer, video.path)
    assert key == picture_analysis.key_for(describer, video.path)
    other = type(describer)(scene_threshold=describer.scene_threshold + 0.1, ocr_interval=describer.ocr_interval)
    assert picture_analysis.key_for(other, video.path) != key
