"""How far the programme is turned down under each spoken description (decision 0304).

The design asks for narration at least 10 LU above music and 15 LU above ambience. A fixed
duck (12 dB under a narration brought to the programme's integrated loudness) meets that only
where the programme in a description's window is about as loud as the programme on average:
descriptions go into the gaps between dialogue, which is where music swells, and there a fixed
duck left the narration 6-10 LU above it. So each description's depth comes from measurement:
the loudness of the programme and of the narration inside that description's window (from the
same ebur128 pass that measures each file's integrated loudness), turned down far enough that
the narration is MARGIN_LU above what is left, never less than LEAST_DB and never more than
MOST_DB.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

MARGIN_LU = 15.0  # narration over the ducked programme in its window (>= 15 over ambience, >= 10 over music)
LEAST_DB = -12.0  # every description turns the programme down at least this much
MOST_DB = -30.0  # and at most this much (beyond it the programme is gone, not ducked)
BLOCK = 0.4  # seconds of ebur128's momentary loudness block
SILENT = -70.0  # ebur128's absolute gate: quieter blocks count as silence

_BLOCK_LINE = re.compile(r"t:\s*([0-9.]+)\s+TARGET:.*?M:\s*(-?[0-9.]+|-inf|nan)")
_INTEGRATED = re.compile(r"I:\s+(-?[\d.]+) LUFS")


@dataclass(frozen=True)
class Loudness:
    """One ebur128 pass over a file: integrated loudness (None when nothing was measured) and
    the momentary loudness of each 400 ms block, as (end of the block in seconds, LUFS)."""

    integrated: float | None
    momentary: tuple[tuple[float, float], ...] = ()

    def window(self, start: float, end: float) -> float | None:
        """The loudness of [start, end] (energy mean of the blocks lying inside it, silence
        included), or None if no block was measured there or all of it is silent."""
        inside = [v for t, v in self.momentary if start + BLOCK - 0.05 <= t <= end + 0.05]
        if not inside:  # a window shorter than a block: the blocks overlapping it
            inside = [v for t, v in self.momentary if start < t < end + BLOCK]
        energies = [10 ** (v / 10) if v > SILENT else 0.0 for v in inside]
        if not energies or not any(energies):
            return None
        return 10 * math.log10(sum(energies) / len(energies))


def parse(stderr: str) -> Loudness:
    """ffmpeg's ebur128 output: the per-block lines and the summary's integrated loudness."""
    blocks = []
    for m in _BLOCK_LINE.finditer(stderr):
        level = float(m.group(2))  # "-inf" and "nan" parse too: a silent block
        blocks.append((float(m.group(1)), level if math.isfinite(level) else -120.0))
    summary = stderr[stderr.rfind("Summary:") :]
    found = _INTEGRATED.search(summary)
    return Loudness(float(found.group(1)) if found else None, tuple(blocks))


def depths(
    windows: Sequence[tuple[float, float]],
    programme: Loudness,
    programme_gain: float,
    narration: Loudness,
    narration_gain: float,
) -> list[float]:
    """The duck (dB, negative) under each narration window, given both files' measurements and
    the static gains the mix applies to each before ducking."""
    out = []
    for start, end in windows:
        prog, narr = programme.window(start, end), narration.window(start, end)
        if prog is None or narr is None:
            out.append(LEAST_DB)
            continue
        needed = (narr + narration_gain - MARGIN_LU) - (prog + programme_gain)
        out.append(round(max(MOST_DB, min(LEAST_DB, needed)), 2))
    return out
