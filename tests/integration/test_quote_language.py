"""The language of a quoted on-screen text from the installed Apertium analysers (decision 0341)."""

from __future__ import annotations

from shared.media import quote_language


def test_english_titles_in_spanish_narration_and_the_other_way_round():
    assert quote_language.language_of("SUMMER SALE 50% OFF", "es") == "en"
    assert quote_language.language_of("CHAPTER TWO", "es") == "en"
    assert quote_language.language_of("REBAJAS DE VERANO", "en") == "es"
    assert quote_language.language_of("SUMMER SALE 50% OFF", "en") is None


def test_unclear_quotes_keep_the_narration_voice():
    for quote in ("HOTEL", "ZARA", "SHIPPING", "50%", "ZARA HOME"):
        assert quote_language.language_of(quote, "es") is None, quote


def test_text_reaches_the_analyser_as_words_not_options():
    # on standard input: "--help" and "-w" are words to look up, the analyser still answers
    assert quote_language.coverage("--help -w")["en"] == (2, 2)


def test_words_run_together_are_split_by_a_dictionary():
    assert quote_language.split_words("FREEDELIVERYTODAY") == "FREE DELIVERY TODAY"
    assert quote_language.split_words("SummerSale") == "Summer Sale"  # letters and case kept
    for word in ("SHIPPING", "THERAPIST", "SPOTIFY", "50%OFF", "ABC"):
        assert quote_language.split_words(word) is None, word
