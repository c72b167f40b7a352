"""The static gain render applies instead of loudnorm's linear mode gives the same loudness and
true peak as loudnorm itself (real ffmpeg, generated audio)."""

from __future__ import annotations

import subprocess

import pytest

from shared.media import ffmpeg as ff
from shared.media import render as rd


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
        f"loudnorm=I={rd.TARGET_LUFS}:TP={rd.TARGET_TP}:LRA={rd.TARGET_LRA}:measured_I={m['i']}:"
        f"measured_TP={m['tp']}:measured_LRA={m['lra']}:measured_thresh={m['thresh']}:offset=0:linear=true,"
        "aresample=48000"
    )
    by_loudnorm = _ebur128(src, loudnorm)
    by_gain = _ebur128(src, f"volume={gain:.3f}dB")
    assert by_gain["i"] == pytest.approx(by_loudnorm["i"], abs=0.1)
    assert by_gain["tp"] == pytest.approx(by_loudnorm["tp"], abs=0.2)
    assert abs(by_gain["i"] - rd.TARGET_LUFS) <= 0.2
    assert by_gain["tp"] <= rd.TARGET_TP + 0.1
