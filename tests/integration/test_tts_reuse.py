"""The tts step with the real voices (Piper for English) and the real file store (decision 1211):
a description said twice is voiced once, and a re-run (a retry, or after an edit) voices only
the descriptions that changed. Piper samples noise, so a clip voiced again never has the same
bytes: equal bytes mean the clip was reused."""

import json
import tempfile
from pathlib import Path

import pytest

from shared.ids import new_id
from shared.media import tts, vtt
from shared.pipeline import media_steps, runner
from shared.storage.layout import job_path
from shared.timestamps import now_iso

pytestmark = pytest.mark.slow  # real Piper voices (pytest.ini: media-heavy tests are slow)

SCENE = "A new scene begins."
SIGN = 'The text "ACME WIDGETS" appears on the screen.'
SALE = 'Aparece en la pantalla el texto "SUMMER SALE TODAY ONLY".'  # the quote in the English voice


def voices_available() -> bool:
    return tts.PiperSpeech.available("en")  # the English voice is a locked dependency


def _job(platform) -> dict:
    job_id = new_id()
    now = now_iso()
    job = {
        "org_id": "org1",
        "status": "TTS_GENERATING",
        "source_language": "en",
        "requested_outputs": ["en", "es"],
        "media": {"duration": 14.0, "fps": 25.0},
        "outputs": {},
        "language_qc": {},
        "created_at": now,
        "updated_at": now,
        "step_attempts": {"tts": 1},
    }
    platform.documents.create("jobs", job_id, job)
    transcript = {"language": "en", "duration": 14.0, "words": [], "dropped": []}
    platform.files.put_bytes(job_path(job_id, "work", "transcript.json"), json.dumps(transcript).encode())
    _descriptions(platform, job_id, [SCENE, SIGN, SCENE])
    _descriptions(platform, job_id, [SALE], "es")
    return {**job, "id": job_id}


def _descriptions(platform, job_id: str, texts: list[str], lang: str = "en") -> None:
    cues = [vtt.VttCue(1.0 + 4 * n, 3.5 + 4 * n, text, f"ad-{n + 1}") for n, text in enumerate(texts)]
    platform.files.put_bytes(job_path(job_id, lang, "descriptions.vtt"), vtt.write(cues, kind="descriptions").encode())


def _run_tts(platform, job: dict, lang: str = "en") -> list[bytes]:
    """One run of the step (as a retry runs it: same job, same storage, a new work folder);
    the bytes of each of `lang`'s clips, in order."""
    with tempfile.TemporaryDirectory() as work:
        media_steps.tts(runner.RunnerIO(job, "tts", 1, Path(work)))
    return _clips(platform, job, lang)


def _clips(platform, job: dict, lang: str) -> list[bytes]:
    plan = json.loads(platform.files.get_bytes(job_path(job["id"], "work", lang, "narration.json")))
    assert [c["text"] for c in plan["clips"]]
    assert platform.files.exists(job_path(job["id"], lang, "narration.m4a"))
    return [platform.files.get_bytes(c["path"]) for c in plan["clips"]]


def test_repeated_and_unchanged_descriptions_are_not_voiced_again(platform):
    assert voices_available()
    job = _job(platform)
    first = _run_tts(platform, job)
    assert len(first) == 3
    assert first[0] == first[2]  # the same sentence twice: voiced once
    assert first[0] != first[1]

    spanish = _clips(platform, job, "es")
    again = _run_tts(platform, job)  # a retry: nothing changed, nothing voiced
    assert again == first
    assert _clips(platform, job, "es") == spanish  # the English quote inside it too

    _descriptions(platform, job["id"], [SCENE, 'The text "ACME GADGETS" appears on the screen.', SCENE])
    edited = _run_tts(platform, job)  # one description edited: only it is voiced
    assert edited[0] == first[0] and edited[2] == first[2]
    assert edited[1] != first[1]

    platform.files.delete_prefix(job_path(job["id"], "work", media_steps.VOICED_ZIP))
    fresh = _run_tts(platform, job)  # without the earlier run's clips everything is voiced anew
    assert fresh[0] != first[0]


def test_the_step_prepares_what_the_narration_asks_for():
    requests = media_steps._voice_requests(SALE, "es")
    assert [lang for _, lang, _ in requests] == ["es", "en"]
    assert requests[1][0] == "SUMMER SALE TODAY ONLY"
    assert media_steps._voice_requests(SIGN, "en") == [(SIGN, "en", 1.0)]
