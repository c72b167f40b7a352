"""An hour of source carries about 180 descriptions: the ducking envelope must still be an
expression ffmpeg accepts (a flat sum of ~100 terms is refused), and must duck as before."""

from __future__ import annotations

import subprocess
from array import array

from shared.media import ffmpeg as ff
from shared.media import render as rd
from shared.media.narration import Clip


def _clips(n: int, every: float = 20.0) -> list[Clip]:
    return [
        Clip(name=f"ad-{i:03d}.wav", start=5 + every * i, duration=3.8, slot=5, rate=1.0, text="") for i in range(n)
    ]


def test_short_plans_keep_the_flat_expression():
    clips = _clips(12)
    expr = rd.duck_expression(clips)
    terms = expr.split("min(", 1)[1].split(",", 1)[1]  # after the deepest factor: the sum of ramps
    assert "(" not in terms.replace("clip((", "").replace("clip(", "")
    assert expr.count("clip(") == 2 * 12


def test_envelope_of_an_hour_of_descriptions_is_accepted_and_ducks(tmp_path):
    clips = _clips(180)
    expr = rd.duck_expression(clips)
    assert expr.count("clip(") == 2 * 180
    # the envelope itself, rendered as audio: 1 outside narration, the duck level inside
    out = subprocess.run(
        [
            ff.FFMPEG, "-hide_banner", "-nostdin", "-f", "lavfi", "-i", "anullsrc=r=10:cl=mono",
            "-t", "3700", "-af", f"volume=0,volume=1:eval=frame,aeval='{expr}':c=same", "-f", "f32le", "-",
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-600:]
    env = array("f")
    env.frombytes(out.stdout)
    duck = 10 ** (rd.DUCK_DB / 20)
    for clip in (clips[0], clips[99], clips[179]):
        inside = env[int((clip.start + 1.0) * 10)]
        before = env[int((clip.start - 2.0) * 10)]
        assert abs(inside - duck) < 0.01 and abs(before - 1.0) < 0.01, (clip.start, inside, before)
