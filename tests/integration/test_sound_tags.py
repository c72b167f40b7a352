"""Music-only passages found in generated audio by the real detector (Silero VAD from
faster-whisper, sox/ffmpeg/espeak-ng media; shared.media.sound_tags): chords, a melody and
the quality bench's tune (loud and quiet) are tagged; noise, applause, room tone, silence,
a clock, a hammer, a test tone, a buzz, drums alone, speech and speech over music are not."""

import pytest

from shared.media import sound_tags
from tests.support import sound_cases as sc

pytestmark = pytest.mark.slow

TAGGED = {"chords", "melody", "bench_tune", "quiet_tune"}


@pytest.fixture(scope="module")
def pieces(tmp_path_factory):
    return sc.generate(tmp_path_factory.mktemp("sound"))


def test_music_is_tagged_and_nothing_else_is(pieces, tmp_path):
    spans = sc.timeline(pieces, tmp_path / "timeline.wav", gap=1.0)
    found = sound_tags.find(tmp_path / "timeline.wav")
    score = sc.score([(p.start, p.end) for p in found], spans)
    tagged = score["tagged_seconds"]
    for name in TAGGED:
        assert tagged[name] >= 4.5, score  # of 6 s
    assert not score["false_in"], score  # no tag in any piece that is not music
    assert score["false_seconds"] <= 0.2, score  # at most an edge past a piece's end
    assert tagged["drums"] == 0.0, score  # percussion alone measures like a hammer: not said
    assert all(p.duration >= sound_tags.MIN_SECONDS for p in found)


def test_music_over_a_noisy_room_is_still_told_from_noise(pieces, tmp_path):
    # Back to back, under a steady noise bed 50 dB down: no silence between pieces to help.
    import numpy as np  # heavy

    spans = sc.timeline(pieces, tmp_path / "joined.wav", gap=0.0)
    x = sound_tags.read_wav(tmp_path / "joined.wav")
    rng = np.random.default_rng(1)
    bed = rng.standard_normal(len(x))
    x = x + (bed * 10 ** (-50 / 20)).astype("float32")
    sc.write_wav(tmp_path / "noisy.wav", x)
    found = sound_tags.find(tmp_path / "noisy.wav")
    score = sc.score([(p.start, p.end) for p in found], spans)
    assert not score["false_in"], score
    assert score["precision_seconds"] >= 0.95, score
    assert sum(1 for n in TAGGED if score["tagged_seconds"][n] >= 3.0) >= 3, score
