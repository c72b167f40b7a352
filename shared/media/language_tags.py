"""Language tags from langcodes (IANA registry + CLDR likely-subtags data): the three-letter
code an MP4 track carries, and the language-region locale Google's speech services want.

The API speaks BCP-47 (`en`, `pt-BR`, `zh-TW`, `mni-Mtei`, and Google's legacy `iw`, `jw`);
MP4 (ISO/IEC 14496-12 `mdhd`) stores a three-letter ISO 639-2/T code, `und` when unknown.
Decision 1003 records the choices."""

from __future__ import annotations

import functools

import langcodes
from langcodes.data_dicts import LIKELY_SUBTAGS

UNDETERMINED = "und"

# Where the product prefers another region than CLDR's most likely one (pt: CLDR says BR; the
# platform's default delivery is European, as it was before langcodes). A client who wants
# Brazilian Portuguese asks for `pt-BR`.
PREFERRED_REGION = {"pt": "PT"}


def _language(code: str) -> langcodes.Language | None:
    """The normalised language (`iw` -> he, `jw` -> jv, `tl` -> fil, `sh` -> sr-Latn), or None
    when `code` is not a well-formed tag of a registered language."""
    raw = (code or "").strip().replace("_", "-")
    if not raw:
        return None
    try:
        lang = langcodes.Language.get(raw)
    except (LookupError, ValueError):
        return None
    if not lang.language or lang.language == UNDETERMINED or not langcodes.tag_is_valid(lang.language):
        return None
    return lang


@functools.lru_cache(maxsize=1024)
def iso639_2(code: str) -> str:
    """The three-letter code for an MP4 track: ISO 639-2/T where the language has one (`de` ->
    `deu`, `he`/`iw` -> `heb`, `zh-TW` -> `zho`), the ISO 639-3 code for languages that only
    639-3 names (`ckb`, `yue`, `bts`; 639-3 reuses every 639-2/T code, and MP4 packs any three
    letters), `und` for what is not a language tag."""
    lang = _language(code)
    if lang is None:
        return UNDETERMINED
    try:
        alpha3 = lang.to_alpha3()
    except LookupError:
        return UNDETERMINED
    return alpha3 if len(alpha3) == 3 and alpha3.isalpha() and alpha3.islower() else UNDETERMINED


@functools.lru_cache(maxsize=1024)
def with_region(code: str) -> str:
    """A language-region locale for Speech-to-Text and Text-to-Speech: a tag that names a region
    keeps it (`en-GB`, `zh-Hant-TW` -> `zh-TW`); otherwise the region where the language is most
    spoken per CLDR (`en` -> `en-US`, `es` -> `es-ES`, `sw` -> `sw-TZ`, `iw` -> `he-IL`), with
    the product's preferences above. A language without a country (`eo`) or unknown to CLDR is
    returned as given."""
    lang = _language(code)
    if lang is None:
        return code
    base = lang.language
    if base is None:
        return code
    if lang.territory:
        return f"{base}-{lang.territory}"
    region = PREFERRED_REGION.get(base)
    if region is None:
        key = f"{base}-{lang.script}" if lang.script and f"{base}-{lang.script}" in LIKELY_SUBTAGS else base
        if key not in LIKELY_SUBTAGS:
            return code
        region = lang.maximize().territory
    if not region or not region.isalpha():
        return base
    return f"{base}-{region}"
