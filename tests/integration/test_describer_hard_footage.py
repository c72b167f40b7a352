"""The local describer on footage that fooled it in session 4 (decisions 0343-0346), real
engines (ffmpeg, RapidOCR, OpenCV, Apertium): a dark picture full of moving specks that is
not black, a name on a lower third, a one-word brand, and letters of other scripts that must
stay unquoted."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from shared.media import describe as ad

pytestmark = pytest.mark.slow


def _encode(graph: str, seconds: float, out: Path) -> Path:
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264"]
        + ["-preset", "ultrafast", "-t", str(seconds), str(out)],
        check=True,
        capture_output=True,
    )
    return out


def test_a_dark_speckled_moving_picture_is_not_black_but_a_grainy_fade_to_black_is(tmp_path):
    """0-4 s: near-black with 4% bright specks that move every frame (stars, sparks): its 8x8
    averages are as dark as black. 4-6 s orange, 6-8 s black with a little grain, then orange."""
    graph = (
        "nullsrc=s=640x360:r=25:d=4,geq=lum='if(lt(random(1),0.04),220,12)':cb=128:cr=128[a];"
        "color=c=orange:s=640x360:r=25:d=2[b];"
        "color=c=black:s=640x360:r=25:d=2,noise=alls=6:allf=t[c];"
        "color=c=orange:s=640x360:r=25:d=2[d];"
        "[a][b][c][d]concat=n=4:v=1:a=0,format=yuv420p[v]"
    )
    video = _encode(graph, 10, tmp_path / "speckled.mp4")
    events = ad.LocalDescriber(people=False).analyse(video, tmp_path / "work", "en")
    blacks = [e.time for e in events if e.key == "black"]
    assert len(blacks) == 1 and 5.75 <= blacks[0] <= 6.5, [(e.time, e.key) for e in events]
