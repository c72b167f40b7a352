"""Every spoken description at one loudness (decision 0357): each clip is brought to
narration.CLIP_LUFS by one static gain whatever the voice (Piper's English, SVOX Pico's Spanish)
and the length, its peaks kept under narration.STEM_PEAK; the mix stays at -23 LUFS and under
-1 dBTP. Measured with ffmpeg's ebur128 on clips voiced by the real engines."""

import math
import wave

import numpy as np
import pytest

from shared.media import ffmpeg as ff
from shared.media import narration, vtt
from shared.media import render as rd
from shared.media.tts import LocalSpeech

TEXTS = {
    "en": ["A new scene.", 'The caption names "Dr Maria Lopez, Head of Research".', "Two people face each other."],
    "es": [
        "Una nueva escena.",
        'Un rótulo presenta a "Dr Maria Lopez, Head of Research".',
        "Dos personas frente a frente.",
    ],
}


def _peak_dbfs(path) -> float:
    with wave.open(str(path), "rb") as f:
        data = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype("float32")
    return float(20 * np.log10(np.abs(data).max() / 32768))


def _window_lufs(path, start: float, end: float) -> float:
    proc = ff.run(
        [
            ff.FFMPEG,
            "-hide_banner",
            "-nostdin",
            "-i",
            str(path),
            "-af",
            f"atrim={start}:{end},ebur128",
            "-f",
            "null",
            "-",
        ]
    )
    return rd.parse_ebur128(proc.stderr)["i"]


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    work = tmp_path_factory.mktemp("narration-level")
    out = {}
    for lang, texts in TEXTS.items():
        folder = work / lang
        folder.mkdir()
        cues = [vtt.VttCue(2.0 + 8 * i, 7.0 + 8 * i, t) for i, t in enumerate(texts)]
        plan = narration.synthesize_plan(LocalSpeech(), cues, lang, [], 26.0, folder)
        for clip in plan.clips:
            clip.local = str(folder / clip.name)
        out[lang] = plan
    return out


@pytest.mark.slow
def test_every_clip_of_every_voice_is_at_one_loudness_under_the_peak_ceiling(plans):
    voiced, levelled = [], []
    for lang, plan in plans.items():
        assert not [c for c in plan.clips if c.extended]
        for clip in plan.clips:
            measured = ff.loudness(clip.local)["integrated_lufs"]
            voiced.append(measured - clip.gain_db)
            levelled.append(measured)
            assert abs(measured - narration.CLIP_LUFS) <= 0.5, (lang, clip.text, measured, clip.gain_db)
            assert _peak_dbfs(clip.local) <= 20 * math.log10(narration.STEM_PEAK) + 0.1, (lang, clip.text)
    print(f"as voiced {min(voiced):.1f} to {max(voiced):.1f} LUFS, levelled {min(levelled):.1f} to {max(levelled):.1f}")
    assert max(voiced) - min(voiced) > 1.5  # the voices really differed
    assert max(levelled) - min(levelled) <= 1.0


@pytest.mark.slow
def test_the_mix_keeps_every_description_at_one_level_at_minus_23_lufs_under_minus_1_dbtp(plans, tmp_path):
    """A steady ambience under all six descriptions (English and Spanish on one timeline): in
    the mix every description window is within 1.5 LU of the others, and the programme is at
    -23 LUFS, true peak <= -1 dBTP."""
    bed = tmp_path / "bed.m4a"
    ff.ffmpeg("-f", "lavfi", "-i", "anoisesrc=d=50:c=pink:a=0.2", "-ac", "2", "-ar", "48000", "-c:a", "aac", str(bed))
    info = ff.probe(bed)
    clips = [*plans["en"].clips]
    for clip in plans["es"].clips:  # the Spanish ones after the English ones
        clips.append(narration.Clip(**{**clip.to_dict(), "start": clip.start + 24.0, "local": clip.local}))
    plan = narration.Plan("en", clips)
    mixed = rd.mix_programme(bed, info, plan, tmp_path / "mix.m4a")
    windows = [_window_lufs(mixed, c.start + 0.1, c.start + c.duration - 0.05) for c in clips]
    loudness = ff.loudness(mixed)
    print(f"windows {[round(w, 1) for w in windows]}, mix {loudness}")
    assert max(windows) - min(windows) <= 1.5, windows
    assert abs(loudness["integrated_lufs"] + 23) <= 1
    assert loudness["true_peak_dbtp"] <= -1.0


def test_a_clip_whose_peaks_stand_far_above_its_loudness_is_levelled_only_as_far_as_they_allow(tmp_path):
    """A quiet tone with one full-scale click: the gain to CLIP_LUFS would clip it, so the clip
    takes the gain that puts its peak at STEM_PEAK (a static gain still: no limiter)."""
    rate = narration.SAMPLE_RATE
    t = np.arange(2 * rate) / rate
    data = 0.01 * np.sin(2 * np.pi * 440 * t)
    data[rate] = 1.0
    path = tmp_path / "click.wav"
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes(np.round(data * 32767).astype("<i2").tobytes())
    before = narration.integrated_lufs(path)
    gain = narration.levelled(path)
    assert before is not None and before < narration.CLIP_LUFS - 5
    assert abs(gain - 20 * math.log10(narration.STEM_PEAK)) <= 0.1
    assert abs(_peak_dbfs(path) - 20 * math.log10(narration.STEM_PEAK)) <= 0.1


def test_a_clip_too_short_to_measure_keeps_its_level(tmp_path):
    path = tmp_path / "short.wav"
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(narration.SAMPLE_RATE)
        f.writeframes(np.full(4800, 3000, dtype="<i2").tobytes())
    assert narration.levelled(path) == 0.0
