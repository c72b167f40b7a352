"""Per-description duck depths (shared/media/ducking.py, decision 0304)."""

from __future__ import annotations

import math

import pytest

from shared.media import ducking

EBUR128 = """[Parsed_ebur128_0 @ 0x1] t: 0.1      TARGET:-23 LUFS    M:-120.7 S:-120.7     I: -70.0 LUFS
[Parsed_ebur128_0 @ 0x1] t: 0.4      TARGET:-23 LUFS    M: -20.0 S:-120.7     I: -20.0 LUFS
[Parsed_ebur128_0 @ 0x1] t: 0.5      TARGET:-23 LUFS    M: -inf S:-120.7     I: -20.0 LUFS
[Parsed_ebur128_0 @ 0x1] t: 0.8      TARGET:-23 LUFS    M: -30.0 S:-120.7     I: -20.0 LUFS
[Parsed_ebur128_0 @ 0x1] Summary:

  Integrated loudness:
    I:         -21.4 LUFS
"""


def steady(level: float, seconds: float = 20.0) -> ducking.Loudness:
    return ducking.Loudness(level, tuple((round(0.1 * i, 1), level) for i in range(1, int(seconds * 10) + 1)))


def test_parse_reads_blocks_silence_and_the_summary():
    got = ducking.parse(EBUR128)
    assert got.integrated == -21.4
    assert got.momentary == ((0.1, -120.7), (0.4, -20.0), (0.5, -120.0), (0.8, -30.0))
    assert ducking.parse("no measurement").integrated is None


def test_window_is_the_energy_mean_of_the_blocks_inside_with_silence_counted():
    blocks = ducking.Loudness(-20.0, ((1.0, -20.0), (1.1, -20.0), (1.2, -90.0), (1.3, -90.0)))
    assert blocks.window(0.6, 1.1) == pytest.approx(-20.0)
    assert blocks.window(0.6, 1.3) == pytest.approx(-20.0 - 3.0103, abs=0.01)  # half the blocks silent
    assert blocks.window(5.0, 6.0) is None  # nothing measured there
    assert ducking.Loudness(None, ((1.0, -90.0),)).window(0.6, 1.0) is None  # all silent
    # shorter than a block: the blocks overlapping it (ending at 1.1, 1.2 and 1.3 s)
    assert blocks.window(1.0, 1.1) == pytest.approx(10 * math.log10(0.01 / 3))


def test_depth_keeps_the_narration_margin_lu_above_the_programme_within_bounds():
    narration = steady(-23.0)
    # the programme as loud as the narration: 15 dB down
    assert ducking.depths([(2.0, 4.0)], steady(-23.0), 0.0, narration, 0.0) == [-15.0]
    # a quiet programme: never less than the least duck
    assert ducking.depths([(2.0, 4.0)], steady(-45.0), 0.0, narration, 0.0) == [ducking.LEAST_DB]
    # very loud music: never more than the most
    assert ducking.depths([(2.0, 4.0)], steady(-5.0), 0.0, narration, 0.0) == [ducking.MOST_DB]
    # gains applied before ducking count: the programme raised by 4 dB needs 4 dB more
    assert ducking.depths([(2.0, 4.0)], steady(-23.0), 4.0, narration, 0.0) == [-19.0]
    # nothing measured (a silent programme window): the least duck
    silent = ducking.Loudness(None, ())
    assert ducking.depths([(2.0, 4.0)], silent, 0.0, narration, 0.0) == [ducking.LEAST_DB]
