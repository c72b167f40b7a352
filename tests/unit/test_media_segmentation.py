"""Caption segmentation: cues break at sentence ends, pauses and speaker changes; lines break
at linguistic boundaries; punctuation is restored; QC flags what still breaks a rule; the
speaker-change detector separates two synthetic voices; a sentence end the recogniser ran
together is found again from a pause and a falling pitch; fast speech is measured for the
slowed second pass."""

import copy
import wave

import numpy as np
import pytest

from shared.media import caption_rules as cr
from shared.media import caption_translation as ct
from shared.media import punctuation, sentence_ends, speaker_change, whisper
from shared.media.transcript import reattach_sentence_starts
from shared.media.types import Cue, Word

P = cr.profile("netflix")


def words(spec: str, start: float = 0.0, step: float = 0.3, speaker: int = 0) -> list[Word]:
    out = []
    t = start
    for tok in spec.split():
        out.append(Word(round(t, 3), round(t + step - 0.05, 3), tok, 1.0, speaker))
        t += step
    return out


def test_every_sentence_end_pause_and_speaker_change_starts_a_new_cue():
    ws = words("Welcome back to the summer sale.") + words("Everything is half priced", start=2.1)
    ws += words("this week.", start=3.3)  # 0.05 s gap: no break
    ws += words("Visit us today.", start=4.5)  # 0.65 s pause
    ws += words("Thanks, I will.", start=5.6, speaker=1)
    cues = cr.build_cues(ws, P, 29.97, 10.0)
    assert [c.text.replace("\n", " ") for c in cues] == [
        "Welcome back to the summer sale.",
        "Everything is half priced this week.",
        "Visit us today.",
        "- Thanks, I will.",
    ]
    assert cr.check(cues, P, 29.97, ws) == [] or all(
        i["rule"] not in ("sentence_end", "pause", "speaker_change") for i in cr.check(cues, P, 29.97, ws)
    )


def test_lines_never_end_on_an_article_or_preposition_when_another_break_fits():
    text = "We walked all the way along the river to the old mill in the valley"
    first, second = cr.wrap(text, P).split("\n")
    assert not cr.dangles(first.split()[-1]), first
    assert max(len(first), len(second)) <= P.max_chars
    es = "Todo en la tienda está a mitad de precio durante esta semana de verano"
    assert not cr.dangles(cr.wrap(es, P).split("\n")[0].split()[-1])


def test_qc_flags_every_cue_that_still_breaks_a_rule():
    ws = words("It ends here. And goes on", speaker=0) + words("with another voice", start=1.6, speaker=1)
    cues = [Cue(0.0, 2.5, "It ends here. And goes on the\nnext line with another voice")]
    rules = {i["rule"] for i in cr.check(cues, P, 25, ws)}
    assert {"sentence_end", "line_break", "speaker_change"} <= rules
    paused = words("one two") + words("three four", start=2.0)
    rules = {i["rule"] for i in cr.check([Cue(0.0, 3.0, "one two three four")], P, 25, paused)}
    assert "pause" in rules


def test_punctuation_and_casing_are_restored_from_pauses_and_speakers():
    ws = words("welcome back to the summer sale") + words("everything is half priced", start=2.5)
    ws += words("i will come", start=4.0, speaker=1)
    out, restored = punctuation.restore(ws, "en")
    assert restored
    assert " ".join(w.text for w in out) == "Welcome back to the summer sale. Everything is half priced. I will come."
    assert [(w.start, w.end) for w in out] == [(w.start, w.end) for w in ws]


def test_a_punctuated_transcript_only_gets_missing_sentence_ends():
    ws = words("Hello there, this is the shop") + words("Everything is cheap.", start=2.2)
    out, restored = punctuation.restore(ws * 1, "en")
    assert not restored
    assert "shop." in [w.text for w in out] and "there," in [w.text for w in out]


def _voice(f0: float, seconds: float, rate: int = 16000, bright: float = 1.0):
    t = np.arange(int(seconds * rate)) / rate
    x = sum((bright**k) * np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 12))
    env = 0.5 + 0.5 * np.sin(2 * np.pi * 3 * t) ** 2  # syllable-like loudness changes
    return (0.2 * x * env / np.abs(x).max()).astype("float32")


def test_speaker_changes_are_found_from_voice_features():
    rate = 16000
    silence = np.zeros(int(0.4 * rate), dtype="float32")
    parts = [_voice(105, 2.0), silence, _voice(110, 2.0), silence, _voice(215, 2.0, bright=0.6), silence]
    parts += [_voice(104, 2.0)]
    audio = np.concatenate(parts)
    chunks = speaker_change._energy_chunks(audio, speaker_change.MIN_TURN_GAP)
    assert len(chunks) == 4
    assert speaker_change.chunk_speakers(audio, chunks) == [0, 0, 1, 0]


def test_a_hand_over_the_running_comparison_missed_goes_to_the_nearer_voice(monkeypatch):
    # Voice prints (one MFCC coordinate, no pitch): A, then B, then a short piece said by A that
    # is still within the threshold of B's running print, then B again.
    prints = [
        speaker_change.Voice(0.0, np.array([0.0]), 3.0),
        speaker_change.Voice(0.0, np.array([4.0]), 3.0),
        speaker_change.Voice(0.0, np.array([1.0]), 1.0),
        speaker_change.Voice(0.0, np.array([4.0]), 3.0),
    ]
    monkeypatch.setattr(speaker_change, "voice_prints", lambda audio, chunks: [copy.deepcopy(v) for v in prints])
    chunks = [(0, 1), (2, 3), (4, 5), (6, 7)]
    assert speaker_change.chunk_speakers(None, chunks, threshold=3.0, relabel_margin=99.0) == [0, 1, 1, 1]
    assert speaker_change.chunk_speakers(None, chunks, threshold=3.0) == [0, 1, 0, 1]  # 1.0 vs 2.6 away


def test_a_short_piece_needs_more_than_its_sounds_to_be_another_voice(monkeypatch):
    # One MFCC coordinate: voice A, a piece 2.2 away, A again. Said in 1.1 s, the piece's mean
    # MFCC is mostly its few sounds (0350): same voice. Said in 3 s, or at another pitch, it
    # is another voice.
    def run(middle):
        prints = [
            speaker_change.Voice(105.0, np.array([0.0]), 3.0),
            middle,
            speaker_change.Voice(105.0, np.array([0.0]), 3.0),
        ]
        monkeypatch.setattr(speaker_change, "voice_prints", lambda audio, chunks: [copy.deepcopy(v) for v in prints])
        return speaker_change.chunk_speakers(None, [(0, 1), (2, 3), (4, 5)])

    assert run(speaker_change.Voice(105.0, np.array([2.2]), 1.1)) == [0, 0, 0]
    assert run(speaker_change.Voice(105.0, np.array([2.2]), 3.0)) == [0, 1, 0]
    assert run(speaker_change.Voice(150.0, np.array([1.0]), 1.1)) == [0, 1, 0]  # 6.2 semitones higher
    assert speaker_change._mfcc_trust(3.0, 3.0) == 1.0
    assert speaker_change._mfcc_trust(1.1, 3.0) == pytest.approx(0.80, abs=0.01)


def test_captions_are_translated_by_sentence_and_cut_back_into_the_cues():
    cues = [
        Cue(0.0, 2.0, "Everything in the store is"),
        Cue(2.1, 4.0, "half priced this week."),
        Cue(4.6, 6.0, "- Visit us today."),
    ]
    groups = ct.sentences(cues, P)
    assert [g.text for g in groups] == ["Everything in the store is half priced this week.", "Visit us today."]
    assert [g.cues for g in groups] == [[0, 1], [2]]
    translated = ["Todo en la tienda está a mitad de precio esta semana.", "Visítanos hoy."]
    out = ct.retime(cues, groups, translated, P)
    assert [(c.start, c.end) for c in out] == [(0.0, 2.0), (2.1, 4.0), (4.6, 6.0)]
    assert " ".join(c.text for c in out[:2]) == translated[0]
    assert not cr.dangles(out[0].text.split()[-1]) and out[2].text == "- Visítanos hoy."


def test_a_translation_shorter_than_its_cues_hands_the_time_on():
    cues = [Cue(0.0, 1.0, "Well,"), Cue(1.1, 2.0, "you"), Cue(2.1, 3.0, "know.")]
    groups = ct.sentences(cues, P)
    out = ct.retime(cues, groups, ["Pues."], P)
    assert [(c.start, c.end, c.text) for c in out] == [(0.0, 3.0, "Pues.")]


def test_commas_at_sentence_pauses_become_sentence_ends_when_ends_are_missing():
    ws = words("Bienvenidos a la tienda de muebles,") + words("hoy vamos a construir una mesa,", start=2.4)
    ws += words("todo está a mitad de precio,", start=4.6) + words("gracias por su visita.", start=6.6)
    ws += words("hoy vamos a construir una mesa nueva y bonita para toda la familia", start=8.0, step=0.2)
    out, restored = punctuation.restore(ws, "es")
    text = " ".join(w.text for w in out)
    assert restored and "muebles. Hoy" in text and "mesa. Todo" in text and "precio. Gracias" in text


def test_a_word_starting_in_music_before_its_speech_is_moved_to_the_speech_onset():
    ws = [Word(3.71, 4.8, "Welcome"), Word(4.81, 5.1, "back"), Word(9.0, 9.4, "later")]
    speaker_change.snap_starts(ws, [(int(4.54 * 16000), int(6.37 * 16000)), (int(8.9 * 16000), 160000)])
    assert [w.start for w in ws] == [4.54, 4.81, 9.0]


def test_a_stretch_too_short_for_a_voice_print_goes_with_the_nearest_voice():
    rate = 16000
    gap_long, gap_short = np.zeros(int(0.7 * rate), "float32"), np.zeros(int(0.3 * rate), "float32")
    audio = np.concatenate([_voice(105, 2.0), gap_long, _voice(215, 0.3, bright=0.6), gap_short])
    audio = np.concatenate([audio, _voice(215, 2.0, bright=0.6)])
    chunks = speaker_change._energy_chunks(audio, speaker_change.MIN_TURN_GAP)
    assert len(chunks) == 3
    assert speaker_change.chunk_speakers(audio, chunks) == [0, 1, 1]


def test_a_sentence_start_hung_on_the_previous_sentence_moves_to_its_sentence():
    ws = [Word(1.0, 1.5, "hours."), Word(1.55, 1.7, "The"), Word(2.9, 3.3, "widgets"), Word(3.35, 3.6, "are")]
    reattach_sentence_starts(ws)
    assert (ws[1].start, ws[1].end) == (2.73, 2.88)
    cues = cr.build_cues(ws, P, 25, 5.0)
    assert [c.text for c in cues] == ["hours.", "The widgets are"]
    kept = [Word(1.0, 1.5, "Hello."), Word(2.0, 2.2, "Then"), Word(2.25, 2.5, "we")]
    reattach_sentence_starts(kept)
    assert kept[1].start == 2.0


def test_a_longer_translation_gets_more_time_where_the_next_cue_allows():
    cues = [Cue(0.0, 1.2, "Visit us today."), Cue(4.0, 5.0, "Thanks.")]
    groups = ct.sentences(cues, P)
    out = ct.retime(cues, groups, ["Visítanos hoy mismo con toda la familia.", "Gracias."], P, 25.0, 6.0)
    assert out[0].start == 0.0 and out[0].end > 2.0 and out[0].end <= 4.0 - 2 / 25
    assert not [i for i in cr.check(out, P, 25.0) if i["rule"] == "reading_speed"]


def test_a_sentence_start_stretched_back_over_a_silence_starts_with_its_speech(tmp_path, monkeypatch):
    ws = [Word(82.68, 83.14, "factory."), Word(83.14, 83.8, "Our"), Word(83.8, 84.2, "engineers")]
    ws += [Word(84.2, 84.5, "test"), Word(84.5, 85.1, "springs")]
    chunks = [(int(80.1 * 16000), int(83.36 * 16000)), (int(83.65 * 16000), int(87.2 * 16000))]
    monkeypatch.setattr(speaker_change, "wav_chunks", lambda wav: chunks)
    speaker_change.align_sentence_starts(ws, tmp_path / "unused.wav")
    assert [w.start for w in ws] == [82.68, 83.65, 83.8, 84.2, 84.5]  # only the sentence start moves
    # A first word starting in the silence whose speech begins just before its end (the
    # ten-minute talk's "hand. | 1.3 s | The team": "The" timed 0.5 s early).
    ws = [Word(217.85, 218.29, "hand."), Word(219.18, 219.78, "The"), Word(219.78, 220.1, "team")]
    chunks = [(int(216.0 * 16000), int(218.37 * 16000)), (int(219.744 * 16000), int(221.0 * 16000))]
    speaker_change.align_sentence_starts(ws, tmp_path / "unused.wav")
    assert [w.start for w in ws] == [217.85, 219.744, 219.78]


def voiced(pitch_hz) -> np.ndarray:
    """A voiced sound (five harmonics) following a pitch contour given per sample."""
    phase = 2 * np.pi * np.cumsum(pitch_hz) / sentence_ends.RATE
    return sum(np.sin(k * phase) / k for k in range(1, 6)).astype("float32") * 0.2


def two_phrases(end_from: float, end_to: float) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """1.5 s phrase at 130 Hz whose last 0.3 s glides from `end_from` to `end_to` Hz, 0.4 s of
    silence, then a 1.1 s phrase at 130 Hz; and its two speech stretches (sample ranges)."""
    r = sentence_ends.RATE
    first = np.full(int(1.5 * r), 130.0)
    first[-int(0.3 * r) :] = np.linspace(end_from, end_to, int(0.3 * r))
    audio = np.concatenate([voiced(first), np.zeros(int(0.4 * r), "float32"), voiced(np.full(int(1.1 * r), 130.0))])
    return audio, [(0, int(1.5 * r)), (int(1.9 * r), int(3.0 * r))]


def merged_words(sheet: str = "sheet") -> list[Word]:
    # Whisper's "and" (the next sentence's "Then", misheard) stretched across the silence.
    spec = [("We", 0.0, 0.3), ("cut", 0.3, 0.6), ("the", 0.6, 0.8), ("metal", 0.8, 1.1), (sheet, 1.1, 1.4)]
    spec += [("and", 1.4, 2.1), ("we", 2.1, 2.4), ("polish", 2.4, 3.0)]
    return [Word(a, b, t) for t, a, b in spec]


def test_a_sentence_end_the_recogniser_ran_together_is_found_from_pause_and_falling_pitch():
    audio, chunks = two_phrases(130.0, 95.0)
    ws = merged_words()
    found = sentence_ends.find(ws, audio, chunks)
    assert [(i, round(a, 2), round(b, 2)) for i, a, b, _ in found] == [(4, 1.5, 1.9)]
    assert found[0][3] <= sentence_ends.FALL_RATIO
    added = sentence_ends.add(ws, found)
    assert [w.text for w in ws[3:7]] == ["metal", "sheet.", "And", "we"]
    assert ws[5].start == 1.9  # off the silence, so the cue breaks at the sentence end
    assert [(a.after, a.before) for a in added] == [("sheet.", "And")]
    cues = cr.build_cues(ws, P, 25, 4.0)
    assert [c.text for c in cues] == ["We cut the metal sheet.", "And we polish"]


def test_a_pause_without_a_falling_pitch_or_with_an_end_already_is_left_alone():
    rising, chunks = two_phrases(130.0, 175.0)  # a comma, a list or a question
    assert sentence_ends.find(merged_words(), rising, chunks) == []
    falling, chunks = two_phrases(130.0, 95.0)
    assert sentence_ends.find(merged_words("sheet."), falling, chunks) == []
    ws = merged_words("sheet,")  # a comma where the sentence ends becomes a full stop
    sentence_ends.add(ws, sentence_ends.find(ws, falling, chunks))
    assert ws[4].text == "sheet." and ws[5].text == "And"


def test_speech_stretches_of_a_file_are_computed_once(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(speaker_change, "speech_chunks", lambda audio, gap: calls.append(gap) or [(0, 160)])
    path = tmp_path / "a.wav"
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1), f.setsampwidth(2), f.setframerate(16000), f.writeframes(b"\0\0" * 1600)
    assert speaker_change.wav_chunks(path) == speaker_change.wav_chunks(path) == [(0, 160)]
    assert calls == [speaker_change.MIN_TURN_GAP]
    with wave.open(str(path), "wb") as f:  # a new file at the same path is read again
        f.setnchannels(1), f.setsampwidth(2), f.setframerate(16000), f.writeframes(b"\0\0" * 3200)
    speaker_change.wav_chunks(path)
    assert len(calls) == 2


def test_fast_speech_is_measured_in_words_per_minute_of_speech_and_timed_back():
    r = sentence_ends.RATE
    assert whisper.speaking_rate(54, [(0, 7 * r), (int(7.3 * r), int(13.8 * r))]) == pytest.approx(240, abs=1)
    assert whisper.speaking_rate(3, [(0, r // 2)]) == 0.0  # too little speech to tell
    assert whisper.rescaled(Word(10.0, 10.5, "work", 0.9, 1), 0.7) == Word(7.0, 7.35, "work", 0.9, 1)


def test_every_sentence_starts_with_a_capital_and_the_last_one_ends_with_a_full_stop():
    ws = words("the store opens today. it closes late. iPhone cases are cheap, and so")
    out, restored = punctuation.restore(ws, "en")
    assert not restored
    assert " ".join(w.text for w in out) == "The store opens today. It closes late. iPhone cases are cheap, and so."


def test_a_word_is_written_one_way_through_the_captions():
    ws = words(
        "Welcome to the Widget Factory. The widget factory is big. Every widget and every factory "
        "here is new. Our widget factory opens in May. The US team and zentrix work with us."
    )
    changed = punctuation.consistent_casing(ws, "en", names=["Zentrix"])
    text = " ".join(w.text for w in ws)
    assert text == (
        "Welcome to the widget factory. The widget factory is big. Every widget and every factory "
        "here is new. Our widget factory opens in May. The US team and Zentrix work with us."
    )
    assert changed == 3


def test_two_voices_handing_over_without_a_pause_are_told_apart_sentence_by_sentence():
    # Fast talkers hand over with no silence the VAD can see: one 6 s stretch holds both
    # voices; it is printed sentence by sentence (cut between the recogniser's sentences).
    rate = 16000
    audio = np.concatenate([_voice(105, 3.0), _voice(215, 3.0, bright=0.6)])
    chunks = [(0, len(audio))]
    ws = words("We open at nine today.", start=0.2, step=0.5) + words("Great, see you there.", start=3.1, step=0.5)
    pieces = speaker_change.split_at_sentences(chunks, ws, clauses=True)
    assert len(pieces) == 2  # "Great," (0.5 s) is too short to print on its own: it stays with its sentence
    assert speaker_change.chunk_speakers(audio, pieces)[0] != speaker_change.chunk_speakers(audio, pieces)[-1]
    labels, _ = speaker_change._label(ws, audio, chunks, speaker_change.CHANGE_THRESHOLD)
    assert labels[:5] == [0] * 5 and labels[5:] == [1] * 4
    # A stretch no longer than SPLIT_STRETCH is printed whole, as before.
    short = [(0, int(3.5 * rate))]
    assert speaker_change.split_at_sentences(short, ws) == short


def test_a_one_second_turn_between_two_of_the_other_voice_is_printed_on_its_own():
    # long_fast's "That is all from us this week, thank you for watching." said between two
    # turns of the other presenter with no pause: its last sentence (1 s) was printed with the
    # next turn, and the hand-overs on both sides went unmarked (0351).
    audio = np.concatenate([_voice(215, 2.5, bright=0.6), _voice(105, 1.0), _voice(215, 2.5, bright=0.6)])
    chunks = [(0, len(audio))]
    ws = (
        words("We will bring you the news.", start=0.1, step=0.4)
        + words("Thank you all.", start=2.55, step=0.3)
        + words("Good morning and welcome to the show.", start=3.6, step=0.35)
    )
    labels, _ = speaker_change._label(ws, audio, chunks, speaker_change.CHANGE_THRESHOLD)
    assert labels == [0] * 6 + [1] * 3 + [0] * 7


def test_a_sentence_too_long_for_one_cue_is_not_left_with_a_one_word_tail():
    ws = words("The operator says that repairs to the main line will take at least another two fortnights.")
    cues = cr.build_cues(ws, P, 25, 30.0)
    texts = [c.text.replace("\n", " ") for c in cues]
    assert len(texts) == 2 and min(len(t.split()) for t in texts) >= 4, texts
    assert not cr.dangles(texts[0].split()[-1]), texts


def test_capitalised_words_in_a_row_are_a_name_as_a_whole():
    ws = words("Welcome to the Zentrix Widget Factory. Every widget is new. Each widget is tested.")
    punctuation.consistent_casing(ws, "en", names=["Zentrix"])
    assert " ".join(w.text for w in ws).startswith("Welcome to the Zentrix Widget Factory.")


def test_fast_speech_sentence_ends_count_shorter_pauses_with_a_deeper_fall():
    # At 230 words a minute sentences are 0.13-0.26 s apart: a 0.15 s silence is not a pause
    # at the normal rate but is one at the fast rate, if the pitch falls to 0.85 or lower.
    r = sentence_ends.RATE
    tail = int(0.3 * r)

    def phrases(end_to: float):
        first = np.full(int(1.5 * r), 130.0)
        first[-tail:] = np.linspace(130.0, end_to, tail)
        audio = np.concatenate(
            [voiced(first), np.zeros(int(0.15 * r), "float32"), voiced(np.full(int(1.1 * r), 130.0))]
        )
        return audio, [(0, int(1.5 * r)), (int(1.65 * r), int(2.75 * r))]

    audio, chunks = phrases(95.0)
    assert sentence_ends.find(merged_words(), audio, chunks) == []
    fast = sentence_ends.find(
        merged_words(), audio, chunks, sentence_ends.FAST_MIN_PAUSE, sentence_ends.FAST_FALL_RATIO
    )
    assert [i for i, *_ in fast] == [4]
    audio, chunks = phrases(118.0)  # a small fall (about 0.9): a comma's, not an end
    assert (
        sentence_ends.find(merged_words(), audio, chunks, sentence_ends.FAST_MIN_PAUSE, sentence_ends.FAST_FALL_RATIO)
        == []
    )


def test_a_cue_too_short_to_read_appears_a_little_early_where_the_previous_cue_can_spare_it():
    # "The doors open at eight in the morning." (39 characters) needs 2.29 s at 17 cps and
    # its speech gives it 2.17 s; the cue before reads in 2.12 s of its 2.37 s.
    gap = 2 / 25
    cues = [
        Cue(10.432, 12.797 - 0.0, "- Visit us today and bring a friend."),
        Cue(12.797 + gap, 15.05, "The doors open at eight in the morning."),
        Cue(15.05 + gap, 17.7, "- Thanks, I will bring my brother along."),
    ]
    cr.lead_in(cues, P, 25)
    assert all(cr.reading_time(c.text, P) <= c.end - c.start + 0.01 for c in cues[:2]), cues
    early = cr.reading_time(cues[1].text, P) - (15.05 - 12.877)
    assert 0.1 < early <= P.max_lead_in
    assert cues[1].start == pytest.approx(12.877 - early, abs=0.002)
    assert cues[0].end == pytest.approx(cues[1].start - gap, abs=0.002)
    assert cr.check(cues[:2], P, 25) == []
    # Never more than max_lead_in, and never into a cue that has no time to spare.
    tight = [Cue(0.0, 1.0, "Short."), Cue(1.08, 2.0, "A much longer line that needs a lot more time.")]
    cr.lead_in(tight, P, 25)
    assert tight[1].start >= 1.08 - P.max_lead_in - 1e-6 and tight[0].end >= P.min_duration - 1e-6


def test_a_word_piece_after_a_hyphen_joins_its_word():
    out: list[Word] = []
    for raw, a, b in [(" 40", 0.0, 0.2), (" foot", 0.2, 0.4), ("-ball", 0.4, 0.6), (" it", 0.6, 0.7), ("'s", 0.7, 0.8)]:
        whisper.add_word(out, raw, a, b, 0.9)
    whisper.add_word(out, " -", 0.8, 0.9, 0.9)  # a dash of its own stays a word
    assert [(w.text, w.start, w.end) for w in out] == [
        ("40", 0.0, 0.2),
        ("foot-ball", 0.2, 0.6),
        ("it's", 0.6, 0.8),
        ("-", 0.8, 0.9),
    ]


def test_a_cue_is_cut_rather_than_holding_a_line_that_ends_on_a_preposition():
    ws = words("Online sales grew even faster, driven by cheaper delivery and longer opening hours.")
    cues = cr.build_cues(ws, P, 25, 30.0)
    assert [c.text.replace("\n", " ") for c in cues] == [
        "Online sales grew even faster,",
        "driven by cheaper delivery and longer opening hours.",
    ]
    assert not any(i["rule"] == "line_break" for i in cr.check(cues, P, 25))


def test_a_possible_sentence_end_inside_a_cue_is_flagged_for_the_reviewer():
    cues = [Cue(0.0, 3.0, "another fortnight commuters have been told")]
    rules = cr.check(cues, P, 25, doubtful_ends=[("fortnight", 1.2)])
    assert [(i["rule"], "fortnight" in i["detail"]) for i in rules if i["rule"] == "sentence_end"] == [
        ("sentence_end", True)
    ]
    assert not [i for i in cr.check(cues, P, 25, doubtful_ends=[("told", 2.95)]) if i["rule"] == "sentence_end"]
