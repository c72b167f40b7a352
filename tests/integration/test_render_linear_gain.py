"""The static gain render applies instead of loudnorm's linear mode gives the same loudness and
true peak as loudnorm itself (real ffmpeg, generated audio)."""

from __future__ import annotations

import subprocess

import pytest

from shared.media import ffmpeg as ff
from shared.media import narration, vtt
from shared.media import render as rd
from shared.media.tts import EspeakSpeech


def _ebur128(path, af: str) -> dict:
    proc = subprocess.run(
        [ff.FFMPEG, "-hide_banner", "-nostdin", "-i", str(path), "-af", f"{af},ebur128=peak=true", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return rd.parse_ebur128(proc.stderr)


def test_static_gain_matches_loudnorm_linear(tmp_path):
    src = tmp_path / "tone.wav"
    subprocess.run(
        [
            ff.FFMPEG, "-hide_banner", "-nostdin", "-y", "-f", "lavfi",
            "-i", "sine=frequency=440:duration=20:sample_rate=48000",
            "-f", "lavfi", "-i", "anoisesrc=color=pink:duration=20:amplitude=0.05:sample_rate=48000:seed=7",
            # louder for the first half, so the loudness range is a few LU (0 would be degenerate)
            "-filter_complex",
            "[0:a]volume=0.08[a];[a][1:a]amix=inputs=2,volume='if(lt(t,10),1,0.5)':eval=frame,"
            "aformat=channel_layouts=stereo",
            str(src),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    m = _ebur128(src, "anull")
    gain = rd.linear_gain(m)
    assert gain is not None, m
    loudnorm = (
        f"loudnorm=I={rd.TARGET_LUFS}:TP={rd.TARGET_TP}:LRA=11:measured_I={m['i']}:"
        f"measured_TP={m['tp']}:measured_LRA={m['lra']}:measured_thresh={m['thresh']}:offset=0:linear=true,"
        "aresample=48000"
    )
    by_loudnorm = _ebur128(src, loudnorm)
    by_gain = _ebur128(src, f"volume={gain:.3f}dB")
    assert by_gain["i"] == pytest.approx(by_loudnorm["i"], abs=0.1)
    assert by_gain["tp"] == pytest.approx(by_loudnorm["tp"], abs=0.2)
    assert abs(by_gain["i"] - rd.TARGET_LUFS) <= 0.2
    assert by_gain["tp"] <= rd.TARGET_TP + 0.1


def _mix(tmp_path, name: str, programme: str):
    bed = tmp_path / f"{name}.m4a"
    ff.ffmpeg("-f", "lavfi", "-i", programme, "-ac", "2", "-ar", "48000", str(bed))
    info = ff.probe(bed)
    cue = vtt.VttCue(12.0, 16.0, "A crowd gathers outside.")
    plan = narration.synthesize_plan(EspeakSpeech(), [cue], "en", [], info.duration, tmp_path)
    for clip in plan.clips:
        clip.local = str(tmp_path / clip.name)
    return ff.loudness(rd.mix_programme(bed, info, plan, tmp_path / f"{name}-mix.m4a"))


def test_a_wide_loudness_range_is_kept_and_still_reaches_the_target(tmp_path):
    # music swelling from quiet to loud: loudnorm's dynamic mode compressed this to 11 LU and
    # missed -23 LUFS by 1.6 LU on a 42 s interview (a failed render); a static gain keeps it
    got = _mix(tmp_path, "swell", "anoisesrc=d=40:c=pink:a=0.3,volume='if(between(t,10,25),1,0.08)':eval=frame")
    assert abs(got["integrated_lufs"] - rd.TARGET_LUFS) <= 0.5, got
    assert got["lra"] > 15, got  # the programme's own range
    assert got["true_peak_dbtp"] <= rd.MAX_TP, got


def test_a_quiet_programme_with_loud_claps_is_limited_to_the_target(tmp_path):
    # the static gain would put the claps far over 0 dBTP; loudnorm's dynamic mode gave
    # -28.2 LUFS and -0.6 dBTP here: the limiter holds the claps and the gain is corrected
    got = _mix(tmp_path, "claps", "anoisesrc=d=40:c=pink:a=0.02:seed=7,volume='if(lt(mod(t,10),0.05),40,1)':eval=frame")
    assert abs(got["integrated_lufs"] - rd.TARGET_LUFS) <= 0.5, got
    assert got["true_peak_dbtp"] <= rd.MAX_TP, got
