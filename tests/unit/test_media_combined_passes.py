"""Two recognition passes combined word by word (shared.media.combined_passes): agreement kept,
disagreement settled by word probability with the slowed pass leading, words heard by one pass
kept only when sure, repeated phrases never matched across time, timings monotonic."""

import wave

from shared.media import combined_passes as cp
from shared.media import whisper
from shared.media.types import Word


def passes(spec: str, start: float = 0.0, step: float = 0.3) -> list[Word]:
    """'word:probability' tokens (probability 0.9 when left out), one every `step` seconds."""
    out, t = [], start
    for tok in spec.split():
        text, _, p = tok.partition(":")
        out.append(Word(round(t, 3), round(t + step - 0.05, 3), text, float(p or 0.9)))
        t += step
    return out


def text(ws: list[Word]) -> str:
    return " ".join(w.text for w in ws)


def test_agreeing_words_stay_and_the_surer_copy_is_kept():
    slowed = passes("Sales rose by:0.7 twelve percent.")
    normal = passes("sales rose by:0.95 twelve percent")
    out = cp.combine(slowed, normal)
    assert text(out) == "Sales rose by twelve percent."
    assert out[2].probability == 0.95


def test_a_disagreement_goes_to_the_slowed_pass_unless_the_other_is_much_surer():
    slowed = passes("we plan:0.6 to:0.6 open two more")
    normal = passes("we can't:0.7 open to more")
    assert text(cp.combine(slowed, normal, lead=0.2)) == "we plan to open two more"
    sure = passes("we plan:0.3 to:0.3 open two more")
    assert text(cp.combine(sure, normal, lead=0.2)) == "we can't open two more"
    assert text(cp.combine(sure, normal, lead=0.0)) == "we can't open two more"


def test_words_that_differ_one_for_one_are_chosen_word_by_word():
    slowed = passes("the owners:0.5 and:0.9 the ovens")
    normal = passes("the owner:0.9 said:0.4 the ovens")
    assert text(cp.combine(slowed, normal, lead=0.15)) == "the owner and the ovens"


def test_a_word_only_one_pass_heard_needs_a_high_enough_probability():
    slowed = passes("thank you all for:0.3 your work")
    normal = passes("thank you all your work")
    assert text(cp.combine(slowed, normal)) == "thank you all your work"
    slowed = passes("thank you all your work")
    unsure = passes("thank you all very:0.6 much:0.6 your work")
    assert text(cp.combine(slowed, unsure, lead=0.2)) == "thank you all your work"
    sure = passes("thank you all very:0.95 much:0.95 your work")
    assert text(cp.combine(slowed, sure, lead=0.2)) == "thank you all very much your work"


def test_a_phrase_said_again_later_is_matched_with_its_own_time():
    first = passes("good morning and welcome") + passes("good morning and welcome", start=60.0)
    second = passes("good morning and welcome:0.2", start=60.0)  # the second pass missed the first saying
    out = cp.combine(first, second)
    assert text(out) == "good morning and welcome good morning and welcome"
    assert [w.start for w in out] == sorted(w.start for w in out)


def test_windows_cut_only_where_both_passes_are_silent():
    a = passes("one two three") + passes("four five", start=5.0)
    b = passes("one two three four five", start=0.1)
    cuts = cp.windows(a, b)
    assert [(text(x), text(y)) for x, y in cuts] == [("one two three", "one two three four five"), ("four five", "")]


def test_words_from_both_passes_are_kept_in_time_order():
    slowed = [Word(0.0, 0.5, "Hello", 0.9), Word(0.5, 1.0, "there", 0.4)]
    normal = [Word(0.0, 0.4, "Hello", 0.5), Word(0.45, 0.9, "world", 0.95)]
    out = cp.combine(slowed, normal, lead=0.2)
    assert text(out) == "Hello world"
    assert all(b.start >= a.end for a, b in zip(out, out[1:]))


def test_slowing_down_keeps_the_format_and_stretches_the_time(tmp_path):
    src = tmp_path / "a.wav"
    with wave.open(str(src), "wb") as f:
        f.setnchannels(1), f.setsampwidth(2), f.setframerate(16000), f.writeframes(b"\1\0\0\0" * 16000)
    out = whisper.slow_down(src, 0.7, tmp_path / "slow.wav")
    with wave.open(str(out)) as f:
        assert (f.getnchannels(), f.getsampwidth(), f.getframerate()) == (1, 2, 16000)
        assert abs(f.getnframes() / 16000 - 2.0 / 0.7) < 0.05


def test_speech_without_silences_is_still_cut_into_bounded_stretches(monkeypatch):
    monkeypatch.setattr(cp, "MAX_WINDOW_WORDS", 4)
    a = passes("one two three four five six")
    b = passes("one two three four five six", start=0.01)
    cuts = cp.windows(a, b)
    assert [(text(x), text(y)) for x, y in cuts] == [
        ("one two", "one two"),
        ("three four", "three four"),
        ("five six", "five six"),
    ]
    assert text(cp.combine(a, b)) == "one two three four five six"
