"""A quote clearly in another language is spoken by a voice of that language (decision 0341):
the rule on what each language knows of the quote, the split of a description into runs, and
the clip made of them. The real Apertium analysers: tests/integration/test_quote_language.py."""

from __future__ import annotations

import wave

from shared.media import narration, quote_language
from shared.media.types import Word
from shared.media.vtt import VttCue


def test_a_quote_is_in_another_language_only_when_that_is_clear():
    decide = quote_language.decide
    assert decide({"en": (3, 3), "es": (1, 3), "ca": (1, 3)}, "es") == "en"  # SUMMER SALE 50% OFF
    assert decide({"en": (2, 2), "es": (0, 2)}, "es-ES") == "en"
    assert decide({"en": (3, 3), "es": (1, 3)}, "en") is None  # the narration's own language
    assert decide({"en": (1, 1), "es": (0, 1)}, "es") is None  # one word is no evidence
    assert decide({"eu": (1, 1), "es": (0, 1)}, "es") is None  # "ZARA": Basque for "you are"
    assert decide({"en": (2, 2), "es": (2, 2)}, "es") is None  # every language knows it
    assert decide({"en": (2, 2), "ca": (2, 2), "es": (0, 2)}, "es") is None  # two candidates
    assert decide({"en": (2, 4), "es": (1, 4)}, "es") is None  # not half more than Spanish
    assert decide({}, "es") is None  # no analysers installed (gcp)


def test_descriptions_are_split_around_quotes_in_another_language(monkeypatch):
    langs = {"SUMMER SALE 50% OFF": "en"}
    monkeypatch.setattr(quote_language, "language_of", lambda quote, narration, folder="": langs.get(quote))
    parts = quote_language.parts
    assert parts('Aparece en la pantalla el texto "SUMMER SALE 50% OFF".', "es") == [
        ("Aparece en la pantalla el texto", "es"),
        ("SUMMER SALE 50% OFF", "en"),
    ]
    kept = 'Aparece en la pantalla el texto "OFERTAS".'
    assert parts(kept, "es") == [(kept, "es")]
    assert parts('"SUMMER SALE 50% OFF" y luego más', "es") == [("SUMMER SALE 50% OFF", "en"), ("y luego más", "es")]


class Tone:
    """Writes 0.1 s of a tone per word at 22.05 kHz; remembers what it was asked."""

    def __init__(self, loudness=None):
        self.calls = []
        self.loudness = loudness or {}  # language -> amplitude (default 8000)

    def synthesize(self, text, language, out_wav, rate=1.0):
        import numpy as np

        self.calls.append((text, language))
        n = int(0.1 * len(text.split()) * 22050 / rate)
        pcm = (self.loudness.get(language, 8000) * np.sin(np.arange(n) * 0.1)).astype("<i2")
        with wave.open(str(out_wav), "wb") as f:
            f.setnchannels(1)
            f.setsampwidth(2)
            f.setframerate(22050)
            f.writeframes(pcm.tobytes())
        return n / 22050


def test_a_clip_with_a_quote_is_spoken_in_two_voices(tmp_path, monkeypatch):
    monkeypatch.setattr(
        quote_language, "language_of", lambda quote, narration, folder="": "en" if "SALE" in quote else None
    )
    speech = Tone()
    out = tmp_path / "ad-001.wav"
    seconds = narration.speak(speech, 'Aparece en la pantalla el texto "SUMMER SALE 50% OFF".', "es", out)
    assert speech.calls == [("Aparece en la pantalla el texto", "es"), ("SUMMER SALE 50% OFF", "en")]
    assert abs(seconds - (0.6 + narration.VOICE_GAP + 0.4)) < 0.01
    with wave.open(str(out), "rb") as f:
        assert f.getframerate() == narration.SAMPLE_RATE
        assert abs(f.getnframes() / f.getframerate() - seconds) < 0.001
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ad-001.wav"]  # the parts are gone
    speech.calls.clear()
    narration.speak(speech, "Empieza una escena nueva.", "es", out)
    assert speech.calls == [("Empieza una escena nueva.", "es")]


def test_joined_runs_lose_their_voices_silent_edges():
    import numpy as np

    sound = np.concatenate([np.zeros(4800), np.full(480, 5000.0), np.zeros(9600)]).astype("float32")
    cut = narration.trimmed(sound)
    keep = int(narration.EDGE_SILENCE * narration.SAMPLE_RATE)
    assert len(cut) == 480 + 2 * keep
    silence = np.zeros(100, dtype="float32")
    assert len(narration.trimmed(silence)) == 100  # nothing loud: left as it is


class Paused(Tone):
    """Like Tone, plus half a second of pause that no rate shortens (as a voice's pauses)."""

    def synthesize(self, text, language, out_wav, rate=1.0):
        import numpy as np

        self.calls.append((text, rate))
        n = int(0.1 * len(text.split()) * 22050 / rate) + 11025
        with wave.open(str(out_wav), "wb") as f:
            f.setnchannels(1)
            f.setsampwidth(2)
            f.setframerate(22050)
            f.writeframes((8000 * np.sin(np.arange(n) * 0.1)).astype("<i2").tobytes())
        return n / 22050


def test_a_clip_is_asked_again_faster_until_it_fits(tmp_path):
    speech = Paused()
    text = " ".join(["word"] * 20)  # 2.0 s of words + 0.5 s of pause at rate 1
    plan = narration.synthesize_plan(speech, [VttCue(0.0, 3.0, text)], "en", [], 2.0, tmp_path)
    clip = plan.clips[0]
    # one try at 2.5/1.9*1.03 = 1.36 gives 1.97 s, still over 1.9: a second try fits it
    assert len(speech.calls) == 3 and not clip.extended and clip.duration <= clip.slot


def test_a_cue_the_placement_made_extended_holds_the_picture_though_its_clip_would_fit(tmp_path):
    """Decision 0370: the pause at its hold point is shorter than the job's min_gap_seconds, so
    it stays extended although its clip fits that pause; one in a long enough pause plays."""
    speech = Paused()
    text = " ".join(["word"] * 12)  # 1.7 s
    words = [Word(1.9, 3.0, "talk"), Word(12.0, 13.0, "talk")]
    cues = [VttCue(0.0, 1.8, text, "ad-1-extended"), VttCue(3.2, 6.0, text, "ad-2-extended")]
    plan = narration.synthesize_plan(speech, cues, "en", words, 20.0, tmp_path, min_gap=2.0)
    held, played = plan.clips
    assert held.extended and held.rate == 1.0 and held.duration <= held.slot < 2.0  # it would have fitted
    assert not played.extended and played.slot >= 2.0
    assert len(speech.calls) == 2  # neither asked again faster
    assert [c.identifier for c in narration.relabelled(cues, plan) or cues] == ["ad-1-extended", "ad-2"]
    # with a minimum gap the short pause meets, the first plays too
    plan = narration.synthesize_plan(Paused(), cues, "en", words, 20.0, tmp_path, min_gap=1.5)
    assert [c.extended for c in plan.clips] == [False, False]


def test_both_voices_of_a_clip_speak_at_one_level(tmp_path, monkeypatch):
    import numpy as np

    monkeypatch.setattr(quote_language, "language_of", lambda quote, narration, folder="": "en")
    speech = Tone({"es": 4000, "en": 16000})
    out = tmp_path / "ad-001.wav"
    narration.speak(speech, 'el texto "SUMMER SALE"', "es", out)
    with wave.open(str(out), "rb") as f:
        pcm = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype("float32")
    first, second = pcm[: int(0.18 * 48000)], pcm[int(0.4 * 48000) :]
    ratio = narration._level(second) / narration._level(first)
    assert 0.9 < ratio < 1.1


def test_a_run_of_letters_is_cut_into_the_fewest_known_words():
    known = {"free", "delivery", "deli", "very", "today", "to", "day", "summer", "sum", "mer", "sale"}
    assert quote_language._fewest("freedeliverytoday", known) == (4, 12)
    assert quote_language._fewest("summersale", known) == (6,)
    assert quote_language._fewest("freexyz", known) is None  # not all of it is words
    assert quote_language._fewest("today", known) is None  # one word: nothing to cut


class TrailingSilence(Tone):
    """0.5 s of tone then 1 s of silence, as SVOX Pico ends its clips."""

    def synthesize(self, text, language, out_wav, rate=1.0):
        import numpy as np

        tone = (8000 * np.sin(np.arange(11025) * 0.1)).astype("<i2")
        pcm = np.concatenate([tone, np.zeros(22050, dtype="<i2")])
        with wave.open(str(out_wav), "wb") as f:
            f.setnchannels(1)
            f.setsampwidth(2)
            f.setframerate(22050)
            f.writeframes(pcm.tobytes())
        return len(pcm) / 22050


def test_a_voices_long_trailing_silence_does_not_count_against_the_pause(tmp_path):
    out = tmp_path / "ad-001.wav"
    length = narration.speak(TrailingSilence(), "Aparecen dos personas.", "es", out)
    assert 0.5 <= length <= 0.6
    with wave.open(str(out), "rb") as f:
        assert abs(f.getnframes() / f.getframerate() - length) < 0.01
    # a clip with only a little silence at its ends is left as the voice wrote it
    assert narration.speak(Paused(), "word word", "en", out) == (int(0.2 * 22050) + 11025) / 22050
