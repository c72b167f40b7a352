"""SVOX Pico voices (es-ES, fr-FR, de-DE, it-IT, en-US, en-GB; 16 kHz mono) through
`libttspico.so.0`'s picoapi, called with ctypes (decision 0360).

`scripts/setup` fetches Debian's pinned `libttspico0` and `libttspico-data` packages (section
non-free: Apache-2.0 code, lingware shipped without sources) into the project's `.pico/` folder
and unpacks them there; `AVP_PICO_DIR` points elsewhere. Debian's `pico2wave` reads its
lingware only from /usr/share/pico/lang, so the library is driven directly instead.

A Pico system is not thread-safe: each thread that speaks gets its own system and engine per
language (about 4 MB of lingware each), so ClipMemo's workers voice clips side by side.
No text reaches a command line or Pico's markup unescaped: `<` and `>` are spoken as spaces.
"""

from __future__ import annotations

import ctypes
import os
import re
import threading
import wave
from pathlib import Path

PICO_OK = 0
PICO_STEP_BUSY = 201
PICO_STEP_IDLE = 200
PICO_RESET_FULL = 0
MEMORY = 2_500_000  # bytes per Pico system, as Debian's pico2wave uses
SAMPLE_RATE = 16_000
CHUNK = 1024  # bytes asked of pico_getData at a time
FRAME = 320  # samples (20 ms) whose RMS tells sound from silence when trimming
SILENCE_DBFS = -45.0  # a frame under this is silence (Pico's trailing clicks measure -53 to -58)
TAIL = 0.25  # seconds kept after the last sound

ROOT = Path(__file__).resolve().parents[2]
# language -> (Pico's voice, its text-analysis file, its signal-generation file)
VOICES = {
    "es": ("es-ES", "es-ES_ta.bin", "es-ES_zl0_sg.bin"),
    "fr": ("fr-FR", "fr-FR_ta.bin", "fr-FR_nk0_sg.bin"),
    "de": ("de-DE", "de-DE_ta.bin", "de-DE_gl0_sg.bin"),
    "it": ("it-IT", "it-IT_ta.bin", "it-IT_cm0_sg.bin"),
    "en": ("en-US", "en-US_ta.bin", "en-US_lh0_sg.bin"),
    "en-gb": ("en-GB", "en-GB_ta.bin", "en-GB_kh0_sg.bin"),
}
# Pico's <speed> level: 100 is its normal pace. Its pauses shrink less than its words: the
# Spanish case's six sentences (trailing silence trimmed) came out 1.26x shorter at level 130,
# 1.42x at 150, 1.57x at 170, 1.80x at 200 and 2.14x at 250, so the level for a rate r is
# 100 * r ** SPEED_POWER (1.3x -> 137, 1.5x -> 163), and a clip asked for at r comes out about
# r times shorter, as the narration's fitting expects.
SPEED_POWER = 1.2
MIN_SPEED, MAX_SPEED = 20, 500


def folder() -> Path:
    return Path(os.environ.get("AVP_PICO_DIR") or ROOT / ".pico")


def library_path() -> Path | None:
    for lib in sorted((folder() / "usr" / "lib").glob("*/libttspico.so.0")):
        return lib
    return None


def lang_dir() -> Path:
    return folder() / "usr" / "share" / "pico" / "lang"


def voice_for(language: str) -> tuple[str, str, str] | None:
    tag = language.lower()
    return VOICES.get(tag) or VOICES.get(tag.split("-")[0])


def available(language: str) -> bool:
    """True when Pico has a voice for `language` and its library and files are installed."""
    voice = voice_for(language)
    if voice is None or library_path() is None:
        return False
    return all((lang_dir() / name).is_file() for name in voice[1:])


_library: ctypes.CDLL | None = None
_library_lock = threading.Lock()


def _lib() -> ctypes.CDLL:
    global _library
    with _library_lock:
        if _library is None:
            path = library_path()
            if path is None:
                raise RuntimeError(f"SVOX Pico is not installed in {folder()} (run scripts/setup)")
            lib = ctypes.CDLL(str(path))
            p, i16, i32 = ctypes.c_void_p, ctypes.c_int16, ctypes.c_int32
            pp, ci16 = ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_int16)
            signatures = {
                "pico_initialize": [p, ctypes.c_uint32, pp],
                "pico_terminate": [pp],
                "pico_getSystemStatusMessage": [p, i16, ctypes.c_char_p],
                "pico_loadResource": [p, ctypes.c_char_p, pp],
                "pico_unloadResource": [p, pp],
                "pico_getResourceName": [p, p, ctypes.c_char_p],
                "pico_createVoiceDefinition": [p, ctypes.c_char_p],
                "pico_addResourceToVoiceDefinition": [p, ctypes.c_char_p, ctypes.c_char_p],
                "pico_releaseVoiceDefinition": [p, ctypes.c_char_p],
                "pico_newEngine": [p, ctypes.c_char_p, pp],
                "pico_disposeEngine": [p, pp],
                "pico_putTextUtf8": [p, ctypes.c_char_p, i16, ci16],
                "pico_getData": [p, p, i16, ci16, ci16],
                "pico_resetEngine": [p, i32],
            }
            for name, args in signatures.items():
                fn = getattr(lib, name)
                fn.argtypes = args
                fn.restype = i16
            _library = lib
        return _library


# A sentence ends at . ! ? or … followed by space and a capital (or an opening quote, ¿ or ¡),
# unless the word before is a short abbreviation ("Dr.", "Sra.", "EE.") or a number.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»']?\s+(?=[\"“«¿¡(]?[A-ZÁÉÍÓÚÜÑÀÈÌÒÙÂÊÎÔÛÇÄËÏÖ])")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-ZÁÉÍÓÚÑ][a-záéíóúñ]{0,2}|[A-Z]{1,2}|\d+)\.$")


def sentences(text: str) -> list[str]:
    """`text` cut at its sentence ends (each piece keeps its punctuation)."""
    pieces: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        head = text[start : end.start()].rstrip("\"”»'")
        if _ABBREVIATION.search(head):
            continue
        pieces.append(text[start : end.start()] + end.group(0).strip())
        start = end.end()
    pieces.append(text[start:])
    return [" ".join(p.split()) for p in pieces if p.strip()]


def speed_level(rate: float) -> int:
    """Pico's <speed> level for a clip `rate` times shorter than at its normal pace."""
    return max(MIN_SPEED, min(MAX_SPEED, int(round(100 * max(rate, 0.01) ** SPEED_POWER))))


def markup(text: str, rate: float) -> str:
    """What Pico is given: the text (its own `<` and `>` as spaces, so it can never open a tag)
    inside one speed tag."""
    spoken = " ".join(text.replace("<", " ").replace(">", " ").split())
    return f'<speed level="{speed_level(rate)}">{spoken}</speed>'


def trimmed(pcm: bytes) -> bytes:
    """The samples up to TAIL seconds after the last 20 ms frame louder than SILENCE_DBFS (RMS):
    Pico ends every text with about a second of near silence with faint clicks in it (espeak-ng
    with 0.35 s), which would count as speech when the narration fits a clip into its slot and
    lower the clip's level in its window."""
    import numpy as np  # heavy: imported on first use, as in shared.media.narration

    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
    n = samples.size // FRAME * FRAME
    if n == 0:
        return pcm
    frames = samples[:n].astype(np.float64).reshape(-1, FRAME)
    rms = np.sqrt((frames**2).mean(axis=1)) / 32768.0
    loud = np.flatnonzero(rms > 10 ** (SILENCE_DBFS / 20))
    if loud.size == 0:
        return pcm
    end = min(samples.size, (int(loud[-1]) + 1) * FRAME + int(TAIL * SAMPLE_RATE))
    return samples[:end].tobytes()


class PicoError(RuntimeError):
    pass


class PicoEngine:
    """One Pico system with one voice loaded: not thread-safe, so each thread has its own."""

    def __init__(self, language: str):
        voice = voice_for(language)
        if voice is None:
            raise PicoError(f"SVOX Pico has no voice for {language!r}")
        self.voice = voice[0]
        self.system = ctypes.c_void_p()
        self.engine = ctypes.c_void_p()
        self.resources: list[ctypes.c_void_p] = []
        self.lib = _lib()
        self._memory = ctypes.create_string_buffer(MEMORY)
        self._check(self.lib.pico_initialize(self._memory, MEMORY, ctypes.byref(self.system)), "initialize")
        try:
            name = self.voice.encode()
            self._check(self.lib.pico_createVoiceDefinition(self.system, name), "createVoiceDefinition")
            for file in voice[1:]:
                resource = ctypes.c_void_p()
                path = str(lang_dir() / file).encode()
                self._check(self.lib.pico_loadResource(self.system, path, ctypes.byref(resource)), f"load {file}")
                self.resources.append(resource)
                resource_name = ctypes.create_string_buffer(200)
                self._check(self.lib.pico_getResourceName(self.system, resource, resource_name), "getResourceName")
                added = self.lib.pico_addResourceToVoiceDefinition(self.system, name, resource_name.value)
                self._check(added, "addResourceToVoiceDefinition")
            self._check(self.lib.pico_newEngine(self.system, name, ctypes.byref(self.engine)), "newEngine")
        except PicoError:
            self.close()
            raise

    def _check(self, status: int, what: str) -> None:
        if status != PICO_OK:
            message = ctypes.create_string_buffer(200)
            if self.system:
                self.lib.pico_getSystemStatusMessage(self.system, status, message)
            raise PicoError(f"SVOX Pico {what} failed ({status}: {message.value.decode(errors='replace')})")

    def pcm(self, text: str, rate: float = 1.0) -> bytes:
        """16-bit 16 kHz mono samples of `text` said at `rate` times Pico's normal pace."""
        data = markup(text, rate).encode() + b"\0"
        # A full reset first: an engine keeps state from its last text, and the same text said
        # twice on one engine otherwise comes out slightly different each time.
        self._check(self.lib.pico_resetEngine(self.engine, PICO_RESET_FULL), "resetEngine")
        out = bytearray()
        buffer = ctypes.create_string_buffer(CHUNK)
        received, kind, put = ctypes.c_int16(), ctypes.c_int16(), ctypes.c_int16()
        offset = 0
        while offset < len(data):
            piece = data[offset : offset + 30000]  # pico_putTextUtf8 takes a 16-bit size
            status = self.lib.pico_putTextUtf8(self.engine, piece, len(piece), ctypes.byref(put))
            self._check(status, "putTextUtf8")
            offset += put.value
            while True:
                status = self.lib.pico_getData(self.engine, buffer, CHUNK, ctypes.byref(received), ctypes.byref(kind))
                if received.value > 0:
                    out += buffer.raw[: received.value]
                if status == PICO_STEP_IDLE:
                    break
                if status != PICO_STEP_BUSY:
                    self.lib.pico_resetEngine(self.engine, PICO_RESET_FULL)
                    self._check(status, "getData")
        return trimmed(bytes(out))

    def close(self) -> None:
        if self.engine:
            self.lib.pico_disposeEngine(self.system, ctypes.byref(self.engine))
            self.engine = ctypes.c_void_p()
        if self.system:
            self.lib.pico_releaseVoiceDefinition(self.system, self.voice.encode())
            for resource in reversed(self.resources):
                self.lib.pico_unloadResource(self.system, ctypes.byref(resource))
            self.lib.pico_terminate(ctypes.byref(self.system))
            self.system = ctypes.c_void_p()
        self.resources = []

    def __del__(self) -> None:
        if hasattr(self, "lib"):  # not when the library itself failed to load
            self.close()


_local = threading.local()


def engine(language: str) -> PicoEngine:
    """This thread's Pico engine for `language`, made on first use and kept."""
    engines = getattr(_local, "engines", None)
    if engines is None:
        engines = _local.engines = {}
    voice = voice_for(language)
    key = voice[0] if voice else language
    if key not in engines:
        engines[key] = PicoEngine(language)
    return engines[key]


class PicoSpeech:
    """The narration Speech interface over SVOX Pico."""

    name = "pico"

    @staticmethod
    def available(language: str) -> bool:
        return available(language)

    def voice_name(self, language: str) -> str:
        voice = voice_for(language)
        return f"pico-{voice[0] if voice else language}"

    def synthesize(self, text: str, language: str, out_wav: Path, rate: float = 1.0) -> float:
        if not available(language):
            raise PicoError(f"SVOX Pico has no installed voice for {language!r} in {folder()} (run scripts/setup)")
        # Sentence by sentence, each with its trailing silence cut to TAIL: Pico's own pause
        # between sentences (0.54 s) is about twice espeak-ng's (0.30 s) and Piper's (0.26 s).
        voice = engine(language)
        samples = b"".join(voice.pcm(sentence, rate) for sentence in sentences(text))
        with wave.open(str(out_wav), "wb") as f:
            f.setnchannels(1)
            f.setsampwidth(2)
            f.setframerate(SAMPLE_RATE)
            f.writeframes(samples)
        return len(samples) / 2 / SAMPLE_RATE
