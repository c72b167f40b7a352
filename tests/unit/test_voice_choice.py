"""The local narration's voice choice (shared.media.tts.LocalSpeech, decision 0360): Piper for
English, SVOX Pico for es/fr/de/it, espeak-ng elsewhere and wherever Pico is missing (logged
once per language), and clip keys that name the engine. Fake engines stand in for the voices."""

import logging
from pathlib import Path

import numpy as np
import pytest

from shared.media import tts, tts_pico


class FakeEngine:
    def __init__(self, name: str, languages: set[str]):
        self.name = name
        self.languages = languages

    def available(self, language: str) -> bool:
        return tts.base(language) in self.languages

    def voice_name(self, language: str) -> str:
        return f"{self.name}-{language}"


class FakePiper(FakeEngine):
    pass


class FakePico(FakeEngine):
    pass


def _speech(pico_installed: bool = True, **kwargs) -> tts.LocalSpeech:
    pico_languages = {"es", "fr", "de", "it", "en"} if pico_installed else set()
    return tts.LocalSpeech(
        piper=FakePiper("piper", {"en"}),  # type: ignore[arg-type]
        pico=FakePico("pico", pico_languages),  # type: ignore[arg-type]
        **kwargs,
    )


def test_piper_for_english_pico_for_its_four_languages_espeak_for_the_rest():
    speech = _speech()
    assert speech.engine_for("en") is speech.piper
    assert speech.engine_for("en-GB") is speech.piper
    for language in ("es", "es-MX", "fr", "de", "it"):
        assert speech.engine_for(language) is speech.pico, language
    for language in ("ca", "pt", "eu", "gl"):
        assert speech.engine_for(language) is speech.espeak, language


def test_without_pico_its_languages_fall_back_to_espeak_and_it_is_logged_once(caplog, monkeypatch):
    monkeypatch.setattr(tts, "_missing_logged", set())
    speech = _speech(pico_installed=False)
    with caplog.at_level(logging.WARNING, logger="shared.media.tts"):
        for _ in range(3):
            assert speech.engine_for("es") is speech.espeak
            assert speech.engine_for("es-ES") is speech.espeak
        assert speech.engine_for("fr") is speech.espeak
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 2  # once for es, once for fr
    assert "SVOX Pico is not installed" in said[0] and "scripts/setup" in said[0]


def test_the_espeak_setting_turns_piper_and_pico_off():
    speech = _speech(use_piper=False)
    assert speech.engine_for("en") is speech.espeak
    assert speech.engine_for("es") is speech.espeak
    assert isinstance(speech.espeak, tts.EspeakSpeech)


def test_pico_alone_can_be_turned_off():
    only_piper = _speech(use_pico=False)
    assert only_piper.engine_for("en") is only_piper.piper
    assert only_piper.engine_for("es") is only_piper.espeak


def test_clip_keys_name_the_engine_so_another_voice_is_never_reused():
    with_pico = _speech()
    without_pico = _speech(pico_installed=False)
    assert tts.voice_id(with_pico, "es") != tts.voice_id(without_pico, "es")
    assert tts.voice_id(with_pico, "es").startswith("FakePico:")
    assert tts.voice_id(without_pico, "es").startswith("EspeakSpeech:")
    assert tts.voice_id(with_pico, "es") != tts.voice_id(with_pico, "fr")


def test_pico_voice_names_and_files(tmp_path, monkeypatch):
    assert tts_pico.voice_for("es-MX")[0] == "es-ES"
    assert tts_pico.voice_for("en-GB")[0] == "en-GB"
    assert tts_pico.voice_for("pt") is None
    assert tts_pico.PicoSpeech().voice_name("de") == "pico-de-DE"
    monkeypatch.setenv("AVP_PICO_DIR", str(tmp_path / "nowhere"))
    assert not tts_pico.available("es")  # nothing installed there
    with pytest.raises(RuntimeError, match="scripts/setup"):
        tts_pico.PicoSpeech().synthesize("Hola.", "es", Path(tmp_path / "x.wav"))


def test_pico_speed_levels_follow_the_measured_curve_and_text_cannot_open_a_tag():
    # 1.3x -> 137, 1.5x -> 163 (decision 0360: Pico's pauses shrink less than its words)
    assert [tts_pico.speed_level(r) for r in (1.0, 1.3, 1.5)] == [100, 137, 163]
    assert tts_pico.speed_level(0) == tts_pico.MIN_SPEED and tts_pico.speed_level(9) == tts_pico.MAX_SPEED
    said = tts_pico.markup('Dice <speed level="500">rápido</speed>\n  y   <b>ya', 1.0)
    assert said == '<speed level="100">Dice speed level="500" rápido /speed y b ya</speed>'


def test_pico_trailing_silence_is_cut_to_its_tail_clicks_and_all():
    rate = tts_pico.SAMPLE_RATE
    t = np.arange(rate) / rate
    speech = (8000 * np.sin(2 * np.pi * 220 * t)).astype("<i2")  # one second of "speech"
    silence = np.zeros(rate, dtype="<i2")
    silence[rate // 2 : rate // 2 + 20] = 300  # a faint click (-53 dBFS peak) in the silence
    trimmed = tts_pico.trimmed(np.concatenate([speech, silence]).tobytes())
    assert len(trimmed) // 2 == rate + int(tts_pico.TAIL * rate)
    assert tts_pico.trimmed(silence.tobytes()) == silence.tobytes()  # nothing sounds: kept as is
    assert tts_pico.trimmed(b"") == b""


def test_pico_says_a_description_sentence_by_sentence():
    assert tts_pico.sentences('La pantalla se funde a negro. Cartela: "CHAPTER TWO".') == [
        "La pantalla se funde a negro.",
        'Cartela: "CHAPTER TWO".',
    ]
    assert tts_pico.sentences('El texto "NOW ONLY 59 EUR." Aparece otro.  ¿Qué? ¡Hola!') == [
        'El texto "NOW ONLY 59 EUR."',
        "Aparece otro.",
        "¿Qué?",
        "¡Hola!",
    ]
    # abbreviations and numbers do not end a sentence; text without an end is one sentence
    assert tts_pico.sentences("Presenta a la Dra. María López. Son las 3. Luego EE. UU.") == [
        "Presenta a la Dra. María López.",
        "Son las 3. Luego EE. UU.",
    ]
    assert tts_pico.sentences("Una frase sin fin") == ["Una frase sin fin"]
    assert tts_pico.sentences("  ") == []
