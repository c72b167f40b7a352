"""Which output languages a job may ask for, per backend.

Locally the translation pairs are the installed Apertium modes (/usr/share/apertium/modes/
<src>-<tgt>.mode, named with ISO 639-3 or 639-1 codes such as `eng-spa` or `en-gl`); the API
speaks BCP-47 (`en`, `es`). In the gcp backend the list comes from Cloud Translation, asked
once and cached.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from shared.config import settings
from shared.media import language_tags

MODES_DIR = Path(os.environ.get("AVP_APERTIUM_MODES", "/usr/share/apertium/modes"))

# ISO 639-3 (as Apertium names its pairs) -> BCP-47 primary subtag.
_ISO3_TO_BCP47 = {
    "eng": "en",
    "spa": "es",
    "cat": "ca",
    "glg": "gl",
    "epo": "eo",
    "eus": "eu",
    "isl": "is",
    "fra": "fr",
    "por": "pt",
    "ita": "it",
    "deu": "de",
    "nld": "nl",
    "oci": "oc",
    "arg": "an",
    "ast": "ast",
    "nob": "nb",
    "nno": "nn",
    "swe": "sv",
    "dan": "da",
    "ron": "ro",
    "rus": "ru",
    "ukr": "uk",
    "pol": "pl",
    "ces": "cs",
    "slk": "sk",
    "bul": "bg",
    "mkd": "mk",
    "hbs": "sh",
    "srd": "sc",
    "cym": "cy",
    "bre": "br",
    "gle": "ga",
    "kaz": "kk",
    "tat": "tt",
    "tur": "tr",
    "urd": "ur",
    "hin": "hi",
    "mlt": "mt",
    "afr": "af",
    "ind": "id",
    "msa": "ms",
}
_MODE_NAME = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")


def with_region(code: str) -> str:
    """'en' -> 'en-US'; a code that already has a region is kept (shared.media.language_tags)."""
    return language_tags.with_region(code)


def normalize(code: str) -> str:
    """The primary language subtag, lower-case: 'en-US' -> 'en', 'ES' -> 'es'."""
    code = (code or "").strip().replace("_", "-").lower()
    primary = code.split("-", 1)[0]
    return _ISO3_TO_BCP47.get(primary, primary)


@functools.lru_cache(maxsize=4)
def _apertium_pairs(modes_dir: str) -> dict[tuple[str, str], str]:
    """(src, tgt) in BCP-47 -> mode name. Variant modes (`eng-cat_valencia`, `en-eo-bytecode`)
    are left out: the plain pair is the one a client means."""
    pairs: dict[tuple[str, str], str] = {}
    folder = Path(modes_dir)
    if not folder.is_dir():
        return pairs
    for mode in sorted(folder.glob("*.mode")):
        m = _MODE_NAME.match(mode.stem)
        if not m:
            continue
        src, tgt = normalize(m.group(1)), normalize(m.group(2))
        if src != tgt:
            pairs.setdefault((src, tgt), mode.stem)
    return pairs


def apertium_mode(src: str, tgt: str) -> str | None:
    """The installed Apertium mode translating src into tgt (BCP-47 codes), or None."""
    return _apertium_pairs(str(MODES_DIR)).get((normalize(src), normalize(tgt)))


def apertium_targets(source_language: str) -> list[str]:
    src = normalize(source_language)
    return sorted({tgt for (s, tgt) in _apertium_pairs(str(MODES_DIR)) if s == src})


@functools.lru_cache(maxsize=8)
def _cloud_translation_languages(project: str) -> tuple[str, ...]:
    from google.cloud import translate_v3

    client = translate_v3.TranslationServiceClient()
    resp = client.get_supported_languages(parent=f"projects/{project}/locations/global")
    return tuple(sorted({normalize(lang.language_code) for lang in resp.languages if lang.support_target}))


UNDETERMINED = "und"  # BCP-47 "undetermined": the job's spoken language is to be detected

# What the local speech model (Whisper, multilingual) transcribes: faster_whisper.tokenizer's
# language codes, kept here so the API checks a job without importing the model's libraries.
WHISPER_LANGUAGES = frozenset(
    """af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha haw
    he hi hr ht hu hy id is it ja jw ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr ms mt my
    ne nl nn no oc pa pl ps pt ro ru sa sd si sk sl sn so sq sr su sv sw ta te tg th tk tl tr tt
    uk ur uz vi yi yo yue zh""".split()
)


def transcribable(source_language: str) -> bool:
    """Whether the backend's recogniser takes this spoken language (Speech-to-Text on gcp is
    asked at transcription time; locally, Whisper's list). `und` (detect it) always is."""
    src = normalize(source_language)
    return src == UNDETERMINED or settings().backend == "gcp" or src in WHISPER_LANGUAGES


def supported_targets(source_language: str) -> list[str]:
    """BCP-47 codes a job with this source language may request as outputs, sorted. The
    source language itself is always included. For an undetermined source (detected at
    transcription), every language some installed pair translates from or into."""
    src = normalize(source_language)
    cfg = settings()
    if cfg.backend == "gcp":
        targets = set(_cloud_translation_languages(cfg.gcp_project))
    elif src == UNDETERMINED:
        targets = {lang for pair in _apertium_pairs(str(MODES_DIR)) for lang in pair}
    else:
        targets = set(apertium_targets(src))
    if src != UNDETERMINED:
        targets.add(src)
    return sorted(targets)
