"""How words in capitals are given to the voices (decision 0373), with a small dictionary
standing in for the Apertium analysers (the real ones: tests/integration/test_quote_language.py)."""

from shared.media import narration, quote_language, spoken_capitals

KNOWN = {"city", "news", "summer", "sale", "off", "chapter", "two", "starting", "in", "un"}


def test_unknown_capitals_are_spelled_split_or_said_as_a_word(monkeypatch):
    monkeypatch.setattr(spoken_capitals, "_known", lambda words: {w for w in words if w in KNOWN})
    spoken = spoken_capitals.spoken
    assert spoken('The text "CITYTV" appears on the screen.') == 'The text "CITY T V" appears on the screen.'
    assert spoken("BBCNEWS") == "B B C NEWS"
    assert spoken("CNN, HBO and TV") == "C N N, H B O and T V"
    assert spoken("SPOTIFY UEFA") == "SPOTIFY UEFA"  # said as the brand's own word
    assert spoken('"SUMMER SALE 50% OFF"') == '"SUMMER SALE 50% OFF"'  # known words stay
    assert spoken("DR MARIA LOPEZ") == "DR MARIA LOPEZ"  # a title before a name stays
    assert spoken("NEWS24 iPhone YouTube Un") == "NEWS24 iPhone YouTube Un"  # not all capitals
    assert spoken("UN") == "UN"  # Spanish "un"


def test_the_voice_is_given_the_spoken_form_in_every_run(monkeypatch):
    monkeypatch.setattr(spoken_capitals, "_known", lambda words: {w for w in words if w in KNOWN})
    monkeypatch.setattr(quote_language, "language_of", lambda quote, narration, folder="": None)
    assert narration.voiced_runs('Aparece en la pantalla el texto "CITYTV".', "es") == [
        ('Aparece en la pantalla el texto "CITY T V".', "es")
    ]


def test_without_dictionaries_capitals_are_given_as_they_are(monkeypatch):
    # the gcp runtime has no Apertium: nothing can be told known, so nothing is spelled
    monkeypatch.setattr(quote_language, "analysers", lambda folder="": {})
    assert spoken_capitals.spoken('"SUMMER SALE 50% OFF" on CITYTV') == '"SUMMER SALE 50% OFF" on CITYTV'


def test_a_word_and_its_pieces_are_looked_up_at_once(monkeypatch):
    asked: list[set[str]] = []

    def known(words):
        asked.append(set(words))
        return {w for w in words if w in KNOWN}

    monkeypatch.setattr(spoken_capitals, "_known", known)
    assert spoken_capitals.said("CITYTV") == "CITY T V"
    assert asked == [{"citytv", "city", "cit"}]  # "CIT" + "YTV" is a possible split too
