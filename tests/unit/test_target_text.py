"""Written conventions of a translation's language (shared/media/target_text.py)."""

from __future__ import annotations

import pytest

from shared.media.target_text import tidy


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Qué tiene que las familias ven primero?", "¿Qué tiene que las familias ven primero?"),
        ("Es gratis! Vale?", "¡Es gratis! ¿Vale?"),
        ("- Dónde está?", "- ¿Dónde está?"),
        ('"Vienes?"', '"¿Vienes?"'),
        ("¿Ya está? Sí.", "¿Ya está? Sí."),  # already written right
        ("Gracias Para tenerme.", "Gracias para tenerme."),
        ("Vivo en El Salvador.", "Vivo en El Salvador."),  # a name
        ('Aparece el texto "SALE Para hoy".', 'Aparece el texto "SALE Para hoy".'),  # a quotation
        ("Ha costado 3.5 millones. Vale?", "Ha costado 3.5 millones. ¿Vale?"),
        ("EL TEXTO QUÉ?", "EL TEXTO QUÉ?"),  # all capitals: left as written
        ("...", "..."),
        ("", ""),
    ],
)
def test_spanish(text, expected):
    assert tidy(text, "es") == expected
    assert tidy(text, "es-MX") == expected


def test_a_glossary_capital_is_kept_and_other_languages_follow_their_own_rules():
    assert tidy("Gracias Para tenerme.", "es", keep=["Para Todos"]) == "Gracias Para tenerme."
    assert tidy("Què hi ha Per veure?", "ca") == "Què hi ha per veure?"  # no opening mark in Catalan
    assert tidy("What For?", "en") == "What For?"  # no rule for English


def test_english_and_more_spanish_function_words_capitalised_mid_sentence_are_lower_cased():
    assert tidy("Thank you By his visit. To the shop.", "en") == "Thank you by his visit. To the shop."
    assert tidy("Alimos To is used to it of the morning.", "en") == "Alimos to is used to it of the morning."
    assert tidy("Gracias Todo para vuestro trabajo duro.", "es") == "Gracias todo para vuestro trabajo duro."
    assert tidy("We met in May and I came.", "en") == "We met in May and I came."
