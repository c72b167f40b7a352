"""Sound tags: each language's own word in the profile's style, tag cues placed clear of speech
cues, runs of music blocks judged on their medians, tags recognised in edited captions, kept
out of sentences in translation and treated sensibly by QC (shared.media.sound_tags)."""

import numpy as np

from shared.media import caption_rules as cr
from shared.media import caption_translation as ct
from shared.media import languages
from shared.media import sound_tags as st
from shared.media.types import Cue, Word

P = cr.profile("netflix")


def test_each_language_has_its_own_word_in_the_profile_style():
    assert st.tag_text("music", "en", "brackets-upper") == "[MUSIC]"
    assert st.tag_text("music", "en", "brackets-lower") == "[music]"
    assert st.tag_text("music", "es", "brackets-upper") == "[MÚSICA]"
    assert st.tag_text("music", "fr", "brackets-upper") == "[MUSIQUE]"
    assert st.tag_text("music", "de", "brackets-upper") == "[MUSIK]"
    assert st.tag_text("music", "de", "brackets-lower") == "[Musik]"  # German nouns keep their capital
    assert st.tag_text("music", "en", "upper") == "MUSIC"
    assert st.tag_text("music", "es", "notes") == "♪♪"
    assert st.tag_text("music", "xx", "brackets-lower") == "♪♪"  # no word: the notes every audience reads
    assert st.tag_text("music", "es-MX", "brackets-lower") == "[música]"
    assert st.tag_text("music", "tr", "brackets-upper") == "[MÜZİK]"  # Turkish capitals keep the dot
    assert st.tag_text("music", "el", "brackets-upper") == "[ΜΟΥΣΙΚΗ]"  # Greek capitals drop the accent
    assert st.tag_text("music", "ja", "brackets-upper") == "[音楽]"


def test_every_language_the_local_platform_translates_has_a_word():
    installed = {lang for pair in languages._apertium_pairs(str(languages.MODES_DIR)) for lang in pair}
    every = set(languages._ISO3_TO_BCP47.values()) | installed
    assert every <= set(st.PHRASES["music"]), sorted(every - set(st.PHRASES["music"]))
    # and nearly every language the local recogniser hears (the rest get the notes)
    assert len(languages.WHISPER_LANGUAGES - set(st.PHRASES["music"])) <= 10


def test_tags_are_recognised_in_any_style_and_language_and_speech_is_not():
    for text in ("[music]", "[MUSIC]", "[Música]", "♪♪", "♪", "MUSIC", "[MUSIQUE]", " [music] "):
        assert st.tag_kind(text) == "music", text
    assert st.tag_kind("[door slams]") == ""  # a reviewer's own tag: a tag without a phrase
    for text in ("Music is my life.", "music", "Welcome back.", "- [music] and more", ""):
        assert st.tag_kind(text) is None, text


def test_the_tag_in_the_target_language_or_its_words_translated_alone():
    assert st.worded("[music]", "es", "brackets-lower") == "[música]"
    assert st.worded("♪♪", "fr", "brackets-upper") == "[MUSIQUE]"
    assert st.worded("[door slams]", "es", "brackets-lower") is None
    assert st.inner("[door slams]") == "door slams"
    assert st.rewrap("[door slams]", "Portazo.") == "[Portazo]"


def test_a_tag_cue_never_overlaps_a_speech_cue_and_a_short_remainder_is_dropped():
    cues = [Cue(4.2, 6.0, "Welcome back."), Cue(6.1, 8.0, "Everything is half price."), Cue(13.0, 15.0, "Bye.")]
    found = [st.Passage(0.0, 4.5), st.Passage(8.5, 12.0), st.Passage(15.2, 16.5)]
    out = st.tag_cues(cues, found, "en", "brackets-upper", gap=0.08)
    tags = [c for c in out if st.is_tag(c.text)]
    assert [(c.start, c.end, c.text) for c in tags] == [(0.0, 4.12, "[MUSIC]"), (8.5, 12.0, "[MUSIC]")]
    assert [c.start for c in out] == sorted(c.start for c in out)
    for t in tags:
        assert all(t.end <= c.start or t.start >= c.end for c in cues)


def block(start: float, level: float, tonal: float, rhythm: float = 0.0, spectrum=None) -> st.Block:
    n = int(st.BLOCK * st.RATE / st.HOP)
    return st.Block(start, start + n * st.HOP / st.RATE, level, tonal, rhythm, 0.01, (level,) * n, spectrum)


def timeline(spec: list[tuple], held: bool = False) -> list[st.Block]:
    """(count, level, tonality, rhythm) runs of blocks; the notes change every block (a new
    spectrum), or never when `held` (a test tone)."""
    out: list[st.Block] = []
    step = int(st.BLOCK * st.RATE / st.HOP) * st.HOP / st.RATE
    rng = np.random.default_rng(3)
    tone = rng.standard_normal(64)
    for count, level, tonal, rhythm in spec:
        for _ in range(count):
            spectrum = tone if held else rng.standard_normal(64)
            out.append(block(len(out) * step, level, tonal, rhythm, spectrum))
    return out


def test_tonal_runs_are_music_noise_silence_and_percussion_alone_are_not():
    blocks = timeline(
        [
            (10, -90, 0.0, 0.0),  # silence: the floor
            (8, -20, 0.8, 0.1),  # held chords
            (4, -90, 0.0, 0.0),
            (8, -20, 0.02, 0.3),  # noise
            (4, -90, 0.0, 0.0),
            (8, -22, 0.14, 0.8),  # drums or a hammer: a beat without notes
            (4, -90, 0.0, 0.0),
            (8, -20, 0.35, 0.8),  # a tune with a beat
            (4, -90, 0.0, 0.0),
            (8, -70, 0.9, 0.0),  # a quiet hum under the loudness gate
        ]
    )
    found = st.passages(blocks, [], duration=100.0)
    step = blocks[1].start
    assert [(round(p.start / step), round(p.end / step)) for p in found] == [(10, 18), (46, 54)]


def test_a_held_tone_is_not_music_however_tonal():
    blocks = timeline([(10, -90, 0.0, 0.0), (20, -20, 0.95, 0.0)], held=True)  # bars and tone
    assert st.passages(blocks, [], duration=100.0) == []
    blocks = timeline([(10, -90, 0.0, 0.0), (20, -20, 0.95, 0.0)])  # the same, with notes changing
    assert len(st.passages(blocks, [], duration=100.0)) == 1


def test_music_shorter_than_two_seconds_or_under_speech_is_not_tagged():
    blocks = timeline([(10, -90, 0.0, 0.0), (3, -20, 0.9, 0.0), (4, -90, 0.0, 0.0), (12, -20, 0.9, 0.0)])
    step = blocks[1].start
    speech = [(19 * step, 22 * step)]  # someone speaks in the middle of the second passage
    found = st.passages(blocks, speech, duration=100.0)
    assert all(p.duration >= st.MIN_SECONDS for p in found)
    assert all(
        p.end <= speech[0][0] - st.SPEECH_MARGIN + 1e-6 or p.start >= speech[0][1] + st.SPEECH_MARGIN - 1e-6
        for p in found
    )
    assert len(found) == 1  # only the part after the speech is long enough


def test_translation_keeps_a_tag_as_its_own_cue_never_merged_into_a_sentence():
    cues = [Cue(0, 4, "[music]"), Cue(4.5, 6, "Everything in the store"), Cue(6.1, 8, "is half price.")]
    groups = ct.sentences(cues, P)
    assert [(g.text, g.tag) for g in groups] == [
        ("[music]", True),
        ("Everything in the store is half price.", False),
    ]
    out = ct.retime(cues, groups, ["[música]", "Todo en la tienda está a mitad de precio."], P, fps=25)
    assert out[0].text == "[música]" and out[0].start == 0 and out[0].end >= 3.8
    assert out[1].start >= out[0].end + 2 / 25 - 1e-6 and not st.is_tag(out[1].text)


def test_qc_lets_a_tag_stay_up_as_long_as_the_music_and_flags_one_over_speech():
    cues = [Cue(0.0, 20.0, "[music]"), Cue(20.5, 23.0, "Welcome back."), Cue(23.5, 33.0, "[music]")]
    words = [Word(20.5, 21.0, "Welcome"), Word(21.1, 22.0, "back."), Word(25.0, 25.5, "Hello")]
    issues = cr.check(cues, P, 25.0, words)
    assert not [i for i in issues if i["rule"] == "max_duration"], issues
    tagged = [i for i in issues if i["rule"] == "sound_tag"]
    assert [i["cue"] for i in tagged] == [3] and "Hello" in tagged[0]["detail"]
    assert cr.check([Cue(0.0, 20.0, "Welcome back to the sale.")], P, 25.0)[0]["rule"] == "max_duration"


def test_the_recognisers_own_sound_markers_are_not_speech_but_the_word_music_is():
    words = [Word(0, 1, t) for t in ("♪", "[Music]", "(upbeat music)", "[BLANK_AUDIO]", "I", "love", "music.", "(sic)")]
    kept, dropped = st.drop_markers(words)
    assert [w.text for w in kept] == ["I", "love", "music.", "(sic)"]
    assert [d["text"] for d in dropped] == ["♪", "[Music]", "(upbeat music)", "[BLANK_AUDIO]"]
    assert all(d["reason"] == "sound marker, not speech" for d in dropped)
