"""Language tags from langcodes: an ISO 639-2 (or 639-3) code for every language Cloud
Translation offers, and speech/TTS locales with a sensible region."""

from __future__ import annotations

import re

import pytest

from shared.media import language_tags as lt
from shared.media.languages import with_region
from shared.media.render import lang3

# The target languages Cloud Translation v3 (NMT) lists in getSupportedLanguages, as of 2026,
# including its legacy spellings (iw, jw, zh, zh-CN, zh-TW) and script/region variants.
CLOUD_TRANSLATION = """
ab ace ach af ak alz am ar as awa ay az ba ban bbc be bem bew bg bho bik bm bn br bs bts btx bua
ca ceb cgg chm ckb cnh co crh crs cs cv cy da de din doi dov dv dz ee el en eo es et eu fa ff fi
fil fj fr fr-CA fr-FR fy ga gaa gd gl gn gom gu ha haw he hi hil hmn hr hrx ht hu hy id ig ilo is
it iw ja jv jw ka kk km kn ko kri ktu ku ky la lb lg li lij lmo ln lo lt ltg luo lus lv mai mak
mg mi min mk ml mn mni-Mtei mr ms ms-Arab mt my ne new nl no nr nso nus ny oc om or pa pa-Arab
pag pam pap pl ps pt pt-BR pt-PT qu rn ro rom ru rw sa scn sd sg shn si sk sl sm sn so sq sr ss
st su sv sw szl ta te tet tg th ti tk tl tn tr ts tt ug uk ur uz vi xh yi yo yua yue zh zh-CN
zh-TW zu
""".split()


def test_every_cloud_translation_language_gets_a_three_letter_tag():
    assert len(CLOUD_TRANSLATION) > 180
    undetermined = [c for c in CLOUD_TRANSLATION if lt.iso639_2(c) == "und"]
    assert undetermined == []
    for code in CLOUD_TRANSLATION:
        assert re.fullmatch(r"[a-z]{3}", lt.iso639_2(code)), code


@pytest.mark.parametrize(
    "code,tag",
    [
        ("en", "eng"),
        ("en-GB", "eng"),
        ("de", "deu"),  # 639-2/T (the MP4 field), not the bibliographic "ger"
        ("fr-CA", "fra"),
        ("he", "heb"),
        ("iw", "heb"),  # Google's legacy code for Hebrew
        ("jw", "jav"),  # ... and for Javanese
        ("tl", "fil"),
        ("zh-TW", "zho"),
        ("zh-CN", "zho"),
        ("mni-Mtei", "mni"),
        ("ms-Arab", "msa"),
        ("pa-Arab", "pan"),
        ("no", "nor"),
        ("ckb", "ckb"),  # only in ISO 639-3
        ("yue", "yue"),
        ("eo", "epo"),
        ("EU", "eus"),
        ("pt_BR", "por"),
    ],
)
def test_known_tags(code, tag):
    assert lt.iso639_2(code) == tag
    assert lang3(code) == tag  # what the render step writes on the MP4 tracks


@pytest.mark.parametrize("code", ["", "xx", "qqq-", "123", "x-private", "und", "en--US"])
def test_not_a_language_is_undetermined(code):
    assert lt.iso639_2(code) == "und"


@pytest.mark.parametrize(
    "code,locale",
    [
        ("en", "en-US"),
        ("es", "es-ES"),
        ("ca", "ca-ES"),
        ("eu", "eu-ES"),
        ("gl", "gl-ES"),
        ("is", "is-IS"),
        ("fr", "fr-FR"),
        ("de", "de-DE"),
        ("it", "it-IT"),
        ("nl", "nl-NL"),
        ("pt", "pt-PT"),  # the product's preference over CLDR's pt-BR
        ("pt-BR", "pt-BR"),
        ("en-gb", "en-GB"),
        ("sw", "sw-TZ"),
        ("ja", "ja-JP"),
        ("hi", "hi-IN"),
        ("iw", "he-IL"),
        ("zh-Hant", "zh-TW"),
        ("zh", "zh-CN"),
        ("eo", "eo"),  # no country
        ("xx", "xx"),  # unknown: left for the service to refuse with its own message
    ],
)
def test_speech_and_tts_locales(code, locale):
    assert lt.with_region(code) == locale
    assert with_region(code) == locale


def test_every_cloud_translation_language_has_a_locale_or_is_left_alone():
    for code in CLOUD_TRANSLATION:
        locale = lt.with_region(code)
        assert re.fullmatch(r"[a-z]{2,3}(-[A-Z]{2})?", locale) or locale == code, (code, locale)
