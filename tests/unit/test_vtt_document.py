"""VTT parsing, checks with line numbers, timing shifts and diffs (pure domain code)."""

import pytest

from shared.domain import vtt_diff
from shared.domain.vtt_document import VttError, etag_for, format_ms, parse, parse_ms, shift

GOOD = """WEBVTT

NOTE generated

1
00:00:01.000 --> 00:00:02.500
Hello there

2
00:00:03.000 --> 00:00:04.000 align:start
<v Bob>Second</v>
line two

00:00:05.000 --> 00:00:06.000
Third
"""


def test_parse_reads_cues_with_lines_and_markup():
    cues = parse(GOOD, duration_ms=10_000)
    assert [(c.start_ms, c.end_ms) for c in cues] == [(1000, 2500), (3000, 4000), (5000, 6000)]
    assert cues[0].identifier == "1" and cues[0].line == 6
    assert cues[1].text == "<v Bob>Second</v>\nline two"
    assert cues[1].settings == "align:start"
    assert cues[2].identifier is None and cues[2].line == 14


def test_crlf_and_bom_are_accepted():
    assert len(parse("\ufeff" + GOOD.replace("\n", "\r\n"))) == 3


@pytest.mark.parametrize(
    "content, line, words",
    [
        ("WEBVT\n\n00:00:01.000 --> 00:00:02.000\nHi\n", 1, "WEBVTT"),
        ("WEBVTT\n00:00:01.000 --> 00:00:02.000\nHi\n", 2, "blank line is missing"),
        ("WEBVTT\n\n00:00:01,000 --> 00:00:02.000\nHi\n", 3, "invalid cue timing"),
        ("WEBVTT\n\n1\n00:00:01.000 -> 00:00:02.000\nHi\n", 3, "expected a cue timing line"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n00:00:03.000 --> 00:00:04.000\nThere\n", 5, "must not contain"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n", 3, "no text"),
        (
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA\n\n00:00:03.000 --> 00:00:02.000\nB\n",
            6,
            "before or when it starts",
        ),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nA\n\n00:00:03.000 --> 00:00:04.000\nB\n", 6, "out of order"),
        (
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA\n\n00:00:03.000 --> 00:00:12.000\nB\n",
            6,
            "after the end of the media",
        ),
        ("WEBVTT\n\n00:00:01.000 --> 00:01:75.000\nA\n", 3, "below 60"),
    ],
)
def test_malformed_or_bad_timings_name_the_line(content, line, words):
    with pytest.raises(VttError) as info:
        parse(content, duration_ms=10_000)
    assert info.value.line == line
    assert words in info.value.describe()
    assert info.value.describe().startswith(f"Line {line}:")


def test_timestamps_round_trip():
    assert parse_ms("01:02:03.004") == 3723004
    assert parse_ms("02:03.500") == 123500
    assert format_ms(3723004) == "01:02:03.004"
    assert format_ms(-5) == "00:00:00.000"


def test_etag_is_quoted_and_content_bound():
    assert etag_for("a") != etag_for("b")
    assert etag_for("a").startswith('"') and etag_for("a").endswith('"')


def test_shift_all_keeps_everything_else_byte_for_byte():
    new, count = shift(GOOD, 500, duration_ms=10_000)
    assert count == 3
    assert "00:00:01.500 --> 00:00:03.000\nHello there" in new
    assert "00:00:03.500 --> 00:00:04.500 align:start" in new
    assert "NOTE generated" in new and "<v Bob>Second</v>" in new
    assert new.count("\n") == GOOD.count("\n")


def test_negative_shift_clamps_at_zero_and_keeps_duration_and_order():
    new, _ = shift(GOOD, -2000)
    cues = parse(new)
    assert [(c.start_ms, c.end_ms) for c in cues] == [(0, 1500), (1000, 2000), (3000, 4000)]


def test_ranged_shift_only_moves_cues_starting_in_range_and_never_reorders():
    new, count = shift(GOOD, -5000, from_ms=2500, to_ms=3500)
    assert count == 1
    cues = parse(new)
    # clamped at the start of the cue before the range, so order holds
    assert [c.start_ms for c in cues] == [1000, 1000, 5000]
    assert cues[1].end_ms == 2000


def test_shift_past_next_cue_or_media_is_refused():
    with pytest.raises(VttError, match="past the next cue"):
        shift(GOOD, 3000, from_ms=2500, to_ms=3500)
    with pytest.raises(VttError, match="after the end of the media"):
        shift(GOOD, 5000, duration_ms=10_000)


def test_shift_with_empty_range_changes_nothing():
    new, count = shift(GOOD, 100, from_ms=7000, to_ms=8000)
    assert count == 0 and parse(new) == parse(GOOD)


def test_diff_reports_added_removed_text_and_timing_changes():
    old = GOOD
    new = GOOD.replace("Hello there", "Hello, there").replace(
        "00:00:05.000 --> 00:00:06.000", "00:00:05.200 --> 00:00:06.000"
    )
    new = new.replace("2\n00:00:03.000 --> 00:00:04.000 align:start\n<v Bob>Second</v>\nline two\n\n", "")
    new += "\n00:00:07.000 --> 00:00:08.000\nFourth\n"
    result = vtt_diff.diff(old, new, old_label="v1", new_label="v2")
    s = result["summary"]
    assert (s["added"], s["removed"], s["text_changed"], s["timing_changed"]) == (1, 1, 1, 1)
    kinds = [(c["type"], c["text_changed"], c["timing_changed"]) for c in result["cues"]]
    assert ("changed", True, False) in kinds and ("changed", False, True) in kinds
    assert ("added", False, False) in kinds and ("removed", False, False) in kinds
    changed = next(c for c in result["cues"] if c["text_changed"])
    assert changed["from"]["text"] == "Hello there" and changed["to"]["text"] == "Hello, there"
    assert result["unified_diff"].startswith("--- v1\n+++ v2\n")
    assert "-Hello there\n+Hello, there\n" in result["unified_diff"]


def test_diff_of_identical_versions_is_empty():
    result = vtt_diff.diff(GOOD, GOOD)
    assert result["cues"] == [] and result["unified_diff"] == ""
    assert result["summary"]["unchanged"] == 3
