"""Speaker-change dashes in the captions of a real transcribe step (espeak-ng speech, ffmpeg,
faster-whisper, Silero VAD; shared.media.speaker_change). After a music sting the VAD cuts
"Welcome to the show, it is good to have you here." at its comma; the 1.1 s piece "Welcome to
the show." printed far from its own voice and both halves got a dash (0350). One voice gets no
dash; the same interview with a second voice answering still gets one where it answers."""

import copy

import pytest

from shared.media import sound_tags, vtt
from shared.pipeline.media_steps import STEPS
from tests.support import quality as q
from tests.support import sound_cases as sc
from tests.support.media import Part, make_talking_video

pytestmark = pytest.mark.slow


def _captions(tmp_path, answer: Part) -> list[str]:
    """Speech, three seconds of music alone, speech, a one-second pause, `answer`: the cue texts
    of the transcribe step (BBC profile)."""
    tv = make_talking_video(
        [
            Part(text="Our first guest makes garden furniture by hand."),
            Part(pause=3.0),
            Part(text="Welcome to the show, it is good to have you here."),
            Part(pause=1.0),
            answer,
        ],
        tmp_path / "speech.mp4",
    )
    a, b = tv.pauses[0]
    store = tmp_path / "store"
    (store / "jobs" / "sting").mkdir(parents=True)
    sc.with_sting(tv.path, a, b, store / "jobs" / "sting" / "source.mp4")
    job = {
        "id": "sting",
        "source_language": "en",
        "requested_outputs": ["en"],
        "outputs": {},
        "options": {"delivery_profile": "bbc"},
    }
    q._merge(job, STEPS["transcribe"](q.FolderIO(copy.deepcopy(job), store, tmp_path / "work")))
    cues = vtt.read((store / job["outputs"]["en"]["captions_vtt"]).read_text())
    return [c.text for c in (vtt.to_cue(c) for c in cues) if not sound_tags.is_tag(c.text)]


def test_one_voice_after_a_music_sting_gets_no_speaker_dash(tmp_path, platform):
    texts = _captions(tmp_path, Part(text="Thank you, it is good to be here."))
    assert len(texts) >= 3, texts
    assert not [t for t in texts if t.startswith("-")], texts


def test_a_second_voice_answering_after_the_sting_still_gets_its_dash(tmp_path, platform):
    texts = _captions(tmp_path, Part(text="Thank you, it is good to be here.", voice="en-gb", pitch=85))
    dashed = [t for t in texts if t.startswith("-")]
    assert len(dashed) == 1 and dashed[0].startswith("- Thank you"), texts
