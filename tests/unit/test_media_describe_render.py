from shared.media import placement as ad
from shared.media import render as rd
from shared.media import transcript as tr
from shared.media.narration import MAX_RATE, Clip
from shared.media.types import VisualEvent, Word


def test_dialogue_gaps_need_min_length():
    words = [Word(0.5, 1.0, "a"), Word(1.5, 2.0, "b"), Word(6.0, 6.4, "c")]
    gaps = ad.dialogue_gaps(words, 10.0, 2.0)
    assert [(g.start, g.end) for g in gaps] == [(2.15, 5.85), (6.55, 10.0)]
    assert [g.start for g in ad.dialogue_gaps(words, 10.0, 3.6)] == [2.15]


def test_place_in_gap_or_mark_extended():
    words = [Word(0.0, 2.0, "talk"), Word(2.3, 5.0, "talk."), Word(8.0, 20.0, "long")]
    gaps = ad.dialogue_gaps(words, 21.0)
    events = [
        VisualEvent(5.2, "scene", "A new scene begins."),
        VisualEvent(12.0, "text", 'The text "A VERY LONG SIGN THAT NEEDS TIME TO READ" appears on the screen.'),
    ]
    out = ad.place(events, gaps, 21.0, "en", words)
    assert out[0].extended is False and 5.15 <= out[0].start and out[0].end <= 7.85
    assert out[1].extended is True and out[1].needed > 0


def test_events_close_together_become_one_sentence():
    events = [
        VisualEvent(5.0, "scene", "A new scene begins.", key="scene"),
        VisualEvent(5.5, "text", 'The text "X" appears.', key="text", value="X"),
        VisualEvent(5.8, "scene", "The screen goes black.", key="black"),
    ]
    out = ad.place(events, ad.dialogue_gaps([], 20.0), 20.0, "en", [])
    # one description; the bare scene change adds nothing to what is more specific
    assert len(out) == 1 and out[0].text == 'The text "X" appears. The screen goes black.'


def test_repetition_loops_are_dropped():
    words = [
        Word(i * 0.3, i * 0.3 + 0.25, w)
        for i, w in enumerate("hello there thank you thank you thank you thank you bye".split())
    ]
    kept, dropped = tr.drop_loops(words)
    assert [w.text for w in kept] == ["hello", "there", "thank", "you", "bye"]
    assert dropped[0]["reason"] == "repetition loop" and dropped[0]["text"] == "thank you thank you thank you"
    speech = [Word(i * 0.3, i * 0.3 + 0.25, w) for i, w in enumerate("no, no, no. Go go go go go go away".split())]
    kept, dropped = tr.drop_loops(speech)
    assert [w.text for w in kept] == ["no,", "no,", "no.", "Go", "away"]


def test_duck_expression_and_timeline_shift():
    clips = [Clip("a.wav", 2.0, 1.5, 2.0, 1.0, "x"), Clip("b.wav", 8.0, 1.0, 2.0, 1.0, "y")]
    expr = rd.duck_expression(clips)
    assert expr.startswith("1-min(0.7488,0.7488*clip(") and "(t-1.700)" in expr and "(9.300-t)" in expr
    deeper = rd.duck_expression(clips, depths=[-12.0, -20.0])  # each clip its own depth
    assert deeper.startswith("1-min(0.9000,0.7488*clip(") and "+0.9000*clip((t-7.700)" in deeper
    assert rd.duck_expression([]) == "1"
    holds = [(4.0, 2.0), (9.0, 1.0)]
    assert rd.shift_time(3.0, holds) == 3.0 and rd.shift_time(4.0, holds) == 6.0
    assert rd.shift_time(4.0, holds, inclusive=False) == 4.0 and rd.shift_time(10.0, holds) == 13.0
    assert rd.lang3("es-ES") == "spa" and rd.lang3("xx") == "und"


def test_parse_ebur128_summary_and_silence():
    text = (
        "[Parsed_ebur128_0] Summary:\n\n  Integrated loudness:\n    I:         -19.8 LUFS\n"
        "    Threshold: -30.1 LUFS\n\n  Loudness range:\n    LRA:         6.2 LU\n    Threshold:   -40.3 LUFS\n\n"
        "  True peak:\n    Peak:       -0.4 dBFS\n"
    )
    assert rd.parse_ebur128(text) == {"i": -19.8, "thresh": -30.1, "lra": 6.2, "tp": -0.4}
    silent = (
        "Summary:\n  Integrated loudness:\n    I:         -70.0 LUFS\n    Threshold:   0.0 LUFS\n"
        "  Loudness range:\n    LRA:         0.0 LU\n  True peak:\n    Peak:       -inf dBFS\n"
    )
    assert rd.parse_ebur128(silent)["tp"] == -99.0


def test_description_that_fits_at_the_faster_rate_is_not_extended():
    text = 'A new scene begins. The text "ACME WIDGETS" appears on the screen.'
    need = ad.estimate_speech(text, "en")
    words = [Word(0.0, 2.0, "talk."), Word(2.0 + 0.15 + 0.1 + need * 0.85 + 0.15, 30.0, "talk")]
    gaps = ad.dialogue_gaps(words, 31.0)
    gap = gaps[0]
    assert gap.end - (gap.start + 0.1) < need  # too short at the natural rate...
    assert gap.start + 0.1 + need / MAX_RATE <= gap.end  # ...but not at the fastest allowed
    out = ad.place([VisualEvent(gap.start, "text", text, key="text")], gaps, 31.0, "en", words)
    assert out[0].extended is False and out[0].end == round(gap.end, 3)
