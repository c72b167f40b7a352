"""The spoken-language verdict (shared.media.language_id) and the transcriber's hints."""

from shared.media import language_id as lid
from shared.media import languages
from shared.media.types import LanguageGuess
from shared.media.whisper import HOTWORDS_MAX_CHARS, hotwords


def guess(lang, p, *alts):
    return LanguageGuess(language=lang, probability=p, alternatives=list(alts))


def test_the_claimed_language_heard_clearly_is_a_match():
    v = lid.judge(guess("en", 0.96, ("nn", 0.01)), "en")
    assert v.status == lid.MATCH and not v.flagged and not v.withhold_captions


def test_another_language_heard_clearly_withholds_captions_and_says_which_and_how_sure():
    v = lid.judge(guess("es", 0.88, ("la", 0.03), ("en", 0.014)), "en-US")
    assert v.status == lid.MISMATCH and v.withhold_captions and v.flagged
    assert v.heard == "es" and v.claimed == "en" and v.claimed_probability == 0.014
    assert "Spanish (es)" in v.detail and "88% sure" in v.detail and 'source_language "es"' in v.detail


def test_an_unsure_guess_is_flagged_but_keeps_the_captions():
    v = lid.judge(guess("es", 0.42, ("gl", 0.3), ("en", 0.1)), "en")
    assert v.status == lid.UNSURE and v.flagged and not v.withhold_captions
    v = lid.judge(guess("en", 0.3, ("es", 0.25)), "en")
    assert v.status == lid.UNSURE


def test_no_speech_is_never_a_flag():
    v = lid.judge(None, "en")
    assert v.status == lid.NO_SPEECH and not v.flagged


def test_detection_without_a_claimed_language():
    assert lid.judge(guess("es", 0.9), None).status == lid.DETECTED
    v = lid.judge(guess("ja", 0.9), None, supported={"en", "es"})
    assert v.status == lid.UNSURE and "cannot transcribe or translate" in v.detail
    assert lid.judge(guess("es", 0.3), None).status == lid.UNSURE


def test_hotwords_are_deduplicated_longest_first_and_bounded():
    assert hotwords(None) is None and hotwords(["  "]) is None
    assert hotwords(["Zentrix", "Zentrix", "Zentrix Cloud"]) == "Zentrix Cloud, Zentrix"
    many = [f"Term{i:03d}" for i in range(100)]
    assert len(hotwords(many)) <= HOTWORDS_MAX_CHARS


def test_the_api_knows_every_language_the_local_model_transcribes():
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    assert languages.WHISPER_LANGUAGES == set(_LANGUAGE_CODES)
    assert languages.transcribable("es-MX") and languages.transcribable("und")
    assert not languages.transcribable("eo")  # Apertium translates Esperanto; Whisper does not hear it
