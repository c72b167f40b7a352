"""Numbers in captions follow the profile's house style whatever the recogniser wrote."""

from __future__ import annotations

import pytest

from shared.media import caption_numbers as cn
from shared.media import caption_rules as cr
from shared.media.types import Word


def _words(text: str) -> list[Word]:
    return [Word(round(i * 0.4, 3), round(i * 0.4 + 0.3, 3), t, 0.9, 1) for i, t in enumerate(text.split())]


def _styled(text: str, style: cn.NumberStyle | None = None, language: str = "en") -> str:
    return " ".join(w.text for w in cn.apply(_words(text), language, style)[0])


@pytest.mark.parametrize(
    "said",
    [
        "Sales rose by twelve percent compared with last year.",
        "Sales rose by 12 percent compared with last year.",
        "Sales rose by 12% compared with last year.",
        "Sales rose by twelve per cent compared with last year.",
    ],
)
def test_a_percentage_is_written_one_way_whatever_the_recogniser_wrote(said):
    assert _styled(said) == "Sales rose by 12% compared with last year."


def test_one_to_ten_in_words_and_figures_above():
    assert _styled("We hired forty new people.") == "We hired 40 new people."
    assert _styled("We plan to open 2 more offices and 11 shops.") == "We plan to open two more offices and 11 shops."
    assert _styled("The doors open at 8 in the morning.") == "The doors open at eight in the morning."
    assert _styled("We sold two hundred and fifty-six chairs.") == "We sold 256 chairs."
    assert _styled("We sold twelve thousand five hundred chairs.") == "We sold 12,500 chairs."
    assert _styled("It has five million users.") == "It has 5 million users."
    assert _styled("It grew two point five percent.") == "It grew 2.5%."


def test_a_sentence_starts_with_the_number_in_words():
    assert _styled("12% of people came. 40 stayed.") == "Twelve percent of people came. Forty stayed."


def test_what_the_rules_cannot_tell_is_left_as_said():
    for text in (
        "Back in 2024 we grew.",  # a year
        "We made two thousand and five cars.",  # a year or a quantity: nothing says which
        "In nineteen eighty four people came.",  # 1980 and four, or 1984: three numbers in a row
        "We close at 8 p.m. today.",  # a time of day
        "It is 9:30 now.",
        "It weighs 5 kg.",  # a measurement
        "It costs $12 and ($5) more.",  # currency
        "A hundred people and hundreds of cars.",
        "The first and the 12th.",  # ordinals
        "Count one two three four.",  # counting
        "No one else came, Formula One.",
    ):
        assert _styled(text) == text, text


@pytest.mark.parametrize(
    "said, written",
    [
        ("It began in two thousand.", "It began in 2000."),
        ("In twenty twenty-four we grew.", "In 2024 we grew."),
        ("It began in two thousand and five.", "It began in 2005."),
        ("Since nineteen ninety-nine the team has grown.", "Since 1999 the team has grown."),
        ("We sold two thousand cars in two thousand.", "We sold 2,000 cars in 2000."),
        ("We have been here since two thousand, and we stay.", "We have been here since 2000, and we stay."),
        ("The year two thousand was odd.", "The year 2000 was odd."),
        ("In two thousand homes the lights went out.", "In 2,000 homes the lights went out."),  # a quantity
        ("A total of two thousand people came.", "A total of 2,000 people came."),
    ],
)
def test_a_year_said_in_words_is_written_in_figures_where_the_sentence_shows_it(said, written):
    assert _styled(said) == written


def test_other_languages_pass_unchanged_and_timings_are_kept():
    assert _styled("Abrimos a las 9 de la mañana.", language="es") == "Abrimos a las 9 de la mañana."
    words = _words("Sales rose by twelve percent now.")
    out, changed = cn.apply(words, "en-US")
    assert changed == 1
    twelve = out[3]
    assert (twelve.text, twelve.start, twelve.end, twelve.speaker) == ("12%", words[3].start, words[4].end, 1)
    assert [w.text for w in out] == ["Sales", "rose", "by", "12%", "now."]


def test_a_number_at_a_sentence_start_said_as_one_figure_shares_its_time():
    words = _words("Done. 12% came.")
    out, _ = cn.apply(words, "en")
    assert [w.text for w in out] == ["Done.", "Twelve", "percent", "came."]
    assert out[1].start == words[1].start and out[2].end == words[1].end and out[1].end == out[2].start


def test_the_profile_says_how_a_percentage_is_written():
    assert cr.profile("netflix").numbers.percent == "%"
    style = cn.NumberStyle(percent=" percent")
    assert _styled("Sales rose by 12% this year.", style) == "Sales rose by 12 percent this year."


def test_numbers_in_words():
    assert cn.in_words(40) == "forty"
    assert cn.in_words(105) == "one hundred and five"
    assert cn.in_words(2_500) == "two thousand five hundred"
    assert cn.in_words(3_000_042) == "three million and forty-two"


def test_a_percent_sign_the_recogniser_wrote_apart_joins_its_number():
    assert _styled("Sales growth at 12 % compared with last year.") == "Sales growth at 12% compared with last year."
