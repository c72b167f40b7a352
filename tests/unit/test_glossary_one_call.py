"""Glossary enforcement around an engine that ignores glossaries (Apertium): the engine's own
words for the terms are asked in the same call as the texts (decision 1212), with the same
result as asking them separately."""

from shared.media import glossary as gl
from tests.unit.test_media_glossary import DOC, DictionaryTranslator

TEXTS = ["Welcome to the factory.", "The widget is big.", "A text appears."]


class Unaware(DictionaryTranslator):
    glossary_aware = False


def test_terms_ride_along_with_the_texts_in_one_call():
    terms = gl.terms_for(DOC, "es")
    separate, batched = DictionaryTranslator(), Unaware()
    expected = gl.translate_enforced(separate, TEXTS, "en", "es", terms)
    got = gl.translate_enforced(batched, TEXTS, "en", "es", terms)
    assert got.texts == expected.texts and got.enforced == expected.enforced
    assert got.unenforced == expected.unenforced
    assert len(separate.calls) == 2 and len(batched.calls) == 1
    assert batched.calls[0][: len(TEXTS)] == TEXTS and set(batched.calls[0][len(TEXTS) :]) == {"factory", "widget"}


def test_without_terms_in_the_texts_nothing_rides_along():
    batched = Unaware()
    gl.translate_enforced(batched, ["A text appears."], "en", "es", gl.terms_for(DOC, "es"))
    assert batched.calls == [["A text appears."]]
