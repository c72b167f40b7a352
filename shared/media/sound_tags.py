"""Sound that is not speech, told to a deaf viewer: music-only passages found in the audio, and
the tag cues ("[MUSIC]", "[MÚSICA]", "♪♪") that say so in each language.

Detection (docs/decisions/0354): Silero VAD (shipped in faster-whisper; an energy gate where it
is not installed) and the recogniser's words say where speech is. In the rest, half-second
blocks are judged from their own audio:

- loudness: above MIN_LEVEL_DBFS and at least FLOOR_MARGIN_DB over the room's floor (the
  quiet end of the file's levels), so silence and room tone are never tagged;
- tonality: the fine structure of the spectrum (the log spectrum minus its smoothed envelope,
  so a noise's slope does not count) repeats from one frame to the next where notes are held,
  and is uncorrelated in noise, applause and room tone;
- rhythm: the onset envelope of a beat repeats at a steady lag (0.25-1.5 s); bursts of
  applause do not;
- change: music moves (a note, a chord) within a second of every moment; a test tone, a hum
  or a buzz holds the same spectrum.

A block is music when the blocks around it are tonal, or rhythmic and somewhat tonal, and
something changes; a passage is a run of music blocks of at least MIN_SECONDS that touches no
speech. Where the evidence is weaker, nothing is said: a tag the viewer cannot trust is worse
than none.

Tags (docs/decisions/0355): the delivery profile's style decides brackets and case; each
language's own word comes from PHRASES (never machine translation); a language without an
entry gets the music notes every audience reads.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from shared.media import speaker_change
from shared.media.types import Cue, Word

RATE = speaker_change.RATE
BLOCK = 0.5  # seconds judged at a time
FRAME = 1024  # 64 ms FFT frames
HOP = 512
LAG_FRAMES = 3  # frames apart whose spectra are compared (96 ms: no overlap)
MIN_LEVEL_DBFS = -45.0  # quieter than this is never a tag (room tone, a fade's tail)
FLOOR_MARGIN_DB = 6.0  # and at least this far over the file's quiet end
# A block may be music (loose, per block) ...
CANDIDATE_TONAL = 0.2  # fine-structure correlation between frames 96 ms apart (noise: about 0)
CANDIDATE_RHYTHM = 0.5  # onset autocorrelation peak at a lag of 0.25-1.5 s
# ... and a run of such blocks is music (strict, on the run's medians): held notes, or a
# steady beat with notes in it. Percussion alone is not enough: a hammer measures like drums.
TONAL_MIN = 0.35
RHYTHM_MIN = 0.6
RHYTHM_TONAL_MIN = 0.22
STEADY_LAG = 2  # blocks (about 1 s)
STEADY_MAX = 0.8  # music changes (a note, a chord) within a second of every moment; a tone does not
LOCAL_BLOCKS = 5  # blocks (about 2.4 s) whose medians judge each block
MIN_SECONDS = 2.0  # shorter music (a sting of a second) is not tagged
SPEECH_MARGIN = 0.3  # seconds kept clear of speech on each side
BRIDGE_SECONDS = 0.6  # music passages this close (no speech between) are one
KIND_MUSIC = "music"


@dataclass
class Passage:
    start: float
    end: float
    kind: str = KIND_MUSIC
    level_dbfs: float = 0.0
    tonality: float = 0.0
    rhythm: float = 0.0

    @property
    def duration(self) -> float:
        return self.end - self.start

    def to_dict(self) -> dict:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()}


@dataclass
class Block:
    start: float
    end: float
    level_dbfs: float
    tonality: float
    rhythm: float
    flatness: float
    frame_dbfs: tuple[float, ...] = ()  # each HOP's level, for the passage's exact edges
    spectrum: Any = None  # mean fine structure (numpy vector), to see whether anything changes


# ---------------------------------------------------------------- features


def read_wav(wav: Path):
    """16 kHz mono float32 samples: the same analysis audio the speaker-change detector reads."""
    return speaker_change.read_wav(wav)


def _frames(x):
    """The 64 ms frames of the audio (a view: nothing is copied until a chunk is used)."""
    import numpy as np

    if len(x) < FRAME:
        x = np.pad(x, (0, FRAME - len(x)))
    return np.lib.stride_tricks.sliding_window_view(x, FRAME)[::HOP]


def _fine_structure(power):
    """Log spectrum (100 Hz - 5 kHz) minus its envelope (a 9-bin moving average, zero beyond
    the band's edges): the peaks of notes stand out, a noise's colour does not."""
    import numpy as np

    lo, hi = int(100 * FRAME / RATE), int(5000 * FRAME / RATE)
    logp = 10 * np.log10(power[:, lo:hi] + 1e-10)
    padded = np.pad(logp, ((0, 0), (5, 4)))
    sums = np.cumsum(padded, axis=1)
    env = (sums[:, 9:] - sums[:, :-9]) / 9
    return logp - env


def _rowcorr(a, b):
    import numpy as np

    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    den = np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1)) + 1e-9
    return (a * b).sum(axis=1) / den


def blocks(samples) -> list[Block]:
    """Every BLOCK of the audio with its level, tonality, rhythm and spectral flatness."""
    import numpy as np

    frames = _frames(samples)
    n_frames = len(frames)
    if n_frames <= LAG_FRAMES:
        return []
    per_block = int(BLOCK * RATE / HOP)
    window = int(3.0 * RATE / HOP)  # rhythm is judged over 3 s around the block
    lags = range(int(0.25 * RATE / HOP), int(1.5 * RATE / HOP) + 1)
    # Per frame, in chunks of whole blocks (an hour of audio never sits in memory as spectra):
    # fine-structure correlation with the frame LAG_FRAMES later, energy, flatness, flux.
    corr = np.zeros(n_frames)
    energy = np.zeros(n_frames)
    flat = np.zeros(n_frames)
    flux = np.zeros(n_frames)
    means = []
    hann = np.hanning(FRAME).astype("float32")
    step = per_block * 128
    for f0 in range(0, n_frames, step):
        f1 = min(n_frames, f0 + step)
        g0, g1 = max(0, f0 - 1), min(n_frames, f1 + LAG_FRAMES)
        power = np.abs(np.fft.rfft(frames[g0:g1] * hann, axis=1)) ** 2
        fine = _fine_structure(power)
        own = slice(f0 - g0, f1 - g0)
        ahead = min(f1, n_frames - LAG_FRAMES)  # frames with a partner LAG_FRAMES later
        if ahead > f0:
            corr[f0:ahead] = _rowcorr(fine[f0 - g0 : ahead - g0], fine[f0 - g0 + LAG_FRAMES : ahead - g0 + LAG_FRAMES])
        energy[f0:f1] = power[own].sum(axis=1)
        flat[f0:f1] = np.exp(np.log(power[own, 2:] + 1e-12).mean(axis=1)) / (power[own, 2:].mean(axis=1) + 1e-12)
        # Onset envelope: positive spectral flux per frame, for the rhythm of a beat.
        logmag = np.log(power + 1e-10)
        rise = np.maximum(0, np.diff(logmag, axis=0)).mean(axis=1)  # rise[i]: frame g0+i+1 over g0+i
        flux[max(f0, 1) : f1] = rise[max(f0, 1) - g0 - 1 : f1 - g0 - 1]
        for k in range(f0, f1, per_block):
            means.append(fine[k - g0 : min(f1, k + per_block) - g0].mean(axis=0))
    loud = energy > 1e-7 * FRAME  # frames with something in them (digital silence correlates as 0)
    out: list[Block] = []
    for k in range(0, n_frames, per_block):
        sl = slice(k, min(n_frames, k + per_block))
        seg = samples[k * HOP : min(len(samples), (k + per_block) * HOP)]
        level = 20 * np.log10(np.sqrt(np.mean(seg**2)) + 1e-9) if len(seg) else -120.0
        c = corr[sl][loud[sl]]
        tonal = float(np.median(c)) if len(c) else 0.0
        a = max(0, min(k + per_block // 2 - window // 2, n_frames - window))  # inside the file at its ends
        b = min(n_frames, a + window)
        f = flux[a:b] - flux[a:b].mean()
        rhythm = 0.0
        if len(f) > max(lags) + 4 and float((f * f).sum()) > 0:
            ac = [float((f[:-lag] * f[lag:]).sum() / (f * f).sum()) for lag in lags]
            rhythm = max(ac)
        hops = seg[: len(seg) // HOP * HOP].reshape(-1, HOP)
        frame_db = tuple(float(v) for v in 20 * np.log10(np.sqrt((hops**2).mean(axis=1)) + 1e-9))
        out.append(
            Block(
                k * HOP / RATE,
                min(len(samples), (k + per_block) * HOP) / RATE,
                float(level),
                tonal,
                rhythm,
                float(np.median(flat[sl])),
                frame_db,
                means[len(out)],
            )
        )
    return out


# ---------------------------------------------------------------- passages


def floor_dbfs(levels: list[float]) -> float:
    """The room's floor: the quiet end (10th percentile) of the file's block levels."""
    ordered = sorted(levels)
    return ordered[int(0.1 * (len(ordered) - 1))] if ordered else -120.0


def loud_enough(b: Block, floor: float) -> bool:
    return b.level_dbfs >= MIN_LEVEL_DBFS and b.level_dbfs >= floor + FLOOR_MARGIN_DB


def is_candidate(b: Block, floor: float) -> bool:
    """Audible, and tonal or rhythmic enough that it may be music."""
    return loud_enough(b, floor) and (b.tonality >= CANDIDATE_TONAL or b.rhythm >= CANDIDATE_RHYTHM)


def is_music(run: list[Block]) -> bool:
    """A run of candidate blocks is music by its medians: tonal, or a beat with notes in it."""
    tonal = _median([b.tonality for b in run])
    rhythm = _median([b.rhythm for b in run])
    return tonal >= TONAL_MIN or (rhythm >= RHYTHM_MIN and tonal >= RHYTHM_TONAL_MIN)


def changes(run: list[Block]) -> bool:
    """Something changes in the run (a note, a chord): the mean fine structure of some block
    correlates less than STEADY_MAX with the one STEADY_LAG blocks later. A test tone, a hum or
    a buzz holds the same spectrum second after second."""
    import numpy as np

    pairs = [(a.spectrum, b.spectrum) for a, b in zip(run, run[STEADY_LAG:]) if a.spectrum is not None]
    if not pairs:
        return False
    corr = _rowcorr(np.stack([a for a, _ in pairs]), np.stack([b for _, b in pairs]))
    return bool(corr.min() < STEADY_MAX)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return (ordered[(n - 1) // 2] + ordered[n // 2]) / 2 if n else 0.0


def _speech_spans(chunks: list[tuple[int, int]], words: list[Word]) -> list[tuple[float, float]]:
    spans = [(a / RATE, b / RATE) for a, b in chunks]
    spans += [(w.start, w.end) for w in words]
    return sorted(spans)


def passages(
    found: list[Block],
    speech: list[tuple[float, float]],
    duration: float,
    floor: float | None = None,
    min_seconds: float = MIN_SECONDS,
) -> list[Passage]:
    """Runs of music blocks of at least `min_seconds`, trimmed SPEECH_MARGIN clear of speech."""
    if not found:
        return []
    if floor is None:
        floor = floor_dbfs([b.level_dbfs for b in found])
    flags = [is_candidate(b, floor) for b in found]
    # Each candidate block is judged on the medians of the candidates around it (LOCAL_BLOCKS,
    # within its run), so drums next to a tune or a tune next to noise are told apart.
    start = 0
    while start < len(flags):
        if not flags[start]:
            start += 1
            continue
        stop = start
        while stop < len(flags) and flags[stop]:
            stop += 1
        local = [
            is_music(found[max(start, i - LOCAL_BLOCKS // 2) : min(stop, i + LOCAL_BLOCKS // 2 + 1)])
            and changes(found[max(start, i - STEADY_LAG) : min(stop, i + STEADY_LAG + 1)])
            for i in range(start, stop)
        ]
        flags[start:stop] = local
        start = stop
    # Cut the block timeline at speech: a passage lies wholly between two speech spans.
    blocked = [(max(0.0, a - SPEECH_MARGIN), b + SPEECH_MARGIN) for a, b in speech]
    out: list[Passage] = []
    run: list[Block] = []

    def close() -> None:
        if not run:
            return
        gate = max(MIN_LEVEL_DBFS, floor + FLOOR_MARGIN_DB)
        first = next((n for n, v in enumerate(run[0].frame_dbfs) if v >= gate), 0)
        last = next((n for n, v in reversed(list(enumerate(run[-1].frame_dbfs))) if v >= gate), None)
        start = run[0].start + first * HOP / RATE
        end = min(duration, run[-1].end if last is None else run[-1].start + (last + 1) * HOP / RATE)
        for a, b in blocked:  # trim into the free stretch that holds most of the run
            if b <= start or a >= end:
                continue
            if a - start >= end - b:
                end = min(end, a)
            else:
                start = max(start, b)
        clear = not any(a < end and b > start for a, b in blocked)
        if end - start >= min_seconds - 1e-6 and clear:
            out.append(
                Passage(
                    round(start, 3),
                    round(end, 3),
                    KIND_MUSIC,
                    max(x.level_dbfs for x in run),
                    sum(x.tonality for x in run) / len(run),
                    sum(x.rhythm for x in run) / len(run),
                )
            )
        run.clear()

    for b, flag in zip(found, flags):
        inside_speech = any(a < b.end and e > b.start for a, e in blocked)
        if flag and not inside_speech:
            run.append(b)
        else:
            close()
    close()
    return _bridged(out, blocked)


def _bridged(found: list[Passage], blocked: list[tuple[float, float]]) -> list[Passage]:
    """Music passages less than BRIDGE_SECONDS apart with no speech between them are one."""
    out: list[Passage] = []
    for p in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and p.start - prev.end <= BRIDGE_SECONDS
            and not any(a < p.start and b > prev.end for a, b in blocked)
        ):
            prev.end = p.end
            prev.level_dbfs = max(prev.level_dbfs, p.level_dbfs)
        else:
            out.append(p)
    return out


def find(wav: Path, words: list[Word] | None = None) -> list[Passage]:
    """Music-only passages of a 16 kHz WAV, clear of speech (the VAD's and the words')."""
    samples = read_wav(wav)
    duration = len(samples) / RATE
    chunks = speaker_change.wav_chunks(wav)  # the VAD run the transcribe step already made
    return passages(blocks(samples), _speech_spans(chunks, words or []), duration)


# What recognisers write over music instead of words ("♪", "[Music]", "(music)"): not speech.
_MARKER = re.compile(r"^(?:\[[^\[\]]*\]|\([^()]*(?:music|música|musique|musik|applause)[^()]*\)|[♪♫]+)[.,]?$", re.I)


def drop_markers(words: list[Word]) -> tuple[list[Word], list[dict]]:
    """The recogniser's own sound markers removed from the words (the tagger judges that audio
    itself), with a `dropped` entry each for the QC report."""
    kept, dropped = [], []
    for w in words:
        if _MARKER.match(w.text.strip()):
            dropped.append(
                {"reason": "sound marker, not speech", "start": w.start, "end": w.end, "text": w.text.strip()}
            )
        else:
            kept.append(w)
    return kept, dropped


# ---------------------------------------------------------------- tags

# The word for music in each language the platform captions or translates into (Apertium's
# languages, and most of Whisper's and Cloud Translation's). Written by hand from each
# language's own usage, never machine-translated.
PHRASES: dict[str, dict[str, str]] = {
    KIND_MUSIC: {
        "af": "musiek",
        "am": "ሙዚቃ",
        "an": "mosica",
        "ar": "موسيقى",
        "ast": "música",
        "az": "musiqi",
        "ba": "музыка",
        "be": "музыка",
        "bg": "музика",
        "bn": "সঙ্গীত",
        "br": "sonerezh",
        "bs": "muzika",
        "ca": "música",
        "cs": "hudba",
        "cy": "cerddoriaeth",
        "da": "musik",
        "de": "Musik",
        "el": "μουσική",
        "en": "music",
        "eo": "muziko",
        "es": "música",
        "et": "muusika",
        "eu": "musika",
        "fa": "موسیقی",
        "fi": "musiikkia",
        "fil": "musika",
        "fo": "tónleikur",
        "fr": "musique",
        "ga": "ceol",
        "gl": "música",
        "gu": "સંગીત",
        "he": "מוזיקה",
        "hi": "संगीत",
        "hr": "glazba",
        "ht": "mizik",
        "hu": "zene",
        "hy": "երաժշտություն",
        "id": "musik",
        "is": "tónlist",
        "it": "musica",
        "ja": "音楽",
        "jw": "musik",
        "ka": "მუსიკა",
        "kk": "музыка",
        "km": "តន្ត្រី",
        "kn": "ಸಂಗೀತ",
        "ko": "음악",
        "la": "musica",
        "lb": "Musek",
        "lo": "ດົນຕີ",
        "lt": "muzika",
        "lv": "mūzika",
        "mg": "mozika",
        "mk": "музика",
        "ml": "സംഗീതം",
        "mn": "хөгжим",
        "mr": "संगीत",
        "ms": "muzik",
        "mt": "mużika",
        "my": "ဂီတ",
        "nb": "musikk",
        "ne": "संगीत",
        "nl": "muziek",
        "nn": "musikk",
        "no": "musikk",
        "oc": "musica",
        "pa": "ਸੰਗੀਤ",
        "pl": "muzyka",
        "ps": "موسيقي",
        "pt": "música",
        "ro": "muzică",
        "ru": "музыка",
        "sa": "संगीतम्",
        "sc": "mùsica",
        "sh": "muzika",
        "si": "සංගීතය",
        "sk": "hudba",
        "sl": "glasba",
        "so": "muusig",
        "sq": "muzikë",
        "sr": "музика",
        "su": "musik",
        "sv": "musik",
        "sw": "muziki",
        "ta": "இசை",
        "te": "సంగీతం",
        "tg": "мусиқӣ",
        "th": "ดนตรี",
        "tl": "musika",
        "tr": "müzik",
        "tt": "музыка",
        "uk": "музика",
        "ur": "موسیقی",
        "uz": "musiqa",
        "vi": "âm nhạc",
        "yi": "מוזיק",
        "yue": "音樂",
        "zh": "音乐",
    }
}
NOTES = "♪♪"  # what every audience reads as music, where a language has no entry or the profile asks

STYLES = ("brackets-upper", "brackets-lower", "upper", "notes")
# Languages whose nouns keep an initial capital in "brackets-lower" (German writes "[Musik]").
_NOUN_CAPITALS = frozenset({"de"})


def tag_text(kind: str, lang: str, style: str) -> str:
    """The tag for `kind` in `lang` in the profile's style: "[MUSIC]", "[music]", "MUSIC" or
    "♪♪"."""
    word = PHRASES.get(kind, {}).get(lang.split("-")[0].lower())
    if style == "notes" or word is None:
        return NOTES
    if style == "brackets-lower":
        return f"[{word}]" if lang in _NOUN_CAPITALS else f"[{word.lower()}]"
    if style == "upper":
        return _upper(word, lang)
    return f"[{_upper(word, lang)}]"


def _upper(word: str, lang: str) -> str:
    """Capitals as the language writes them: Turkish and Azerbaijani dotted İ, Greek without
    its accents."""
    code = lang.split("-")[0].lower()
    if code in ("tr", "az"):
        word = word.replace("i", "İ")
    upper = word.upper()
    if code == "el":
        upper = unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", upper) if c != "\u0301"))
    return upper


_ALL_WORDS = {word.casefold(): kind for kind, table in PHRASES.items() for word in table.values()}
_BRACKETED = re.compile(r"^\[([^\[\]]+)\]$")
_NOTES_ONLY = re.compile(r"^[♪♫\s]+$")


def tag_kind(text: str) -> str | None:
    """The kind of sound a cue's whole text tags ("music"), "" for a tag we have no phrase for
    (a reviewer's "[door slams]"), None for a cue that is not a tag (speech)."""
    flat = " ".join(text.split())
    if not flat:
        return None
    if _NOTES_ONLY.match(flat):
        return KIND_MUSIC
    m = _BRACKETED.match(flat)
    inner = m.group(1).strip() if m else flat
    kind = _ALL_WORDS.get(inner.casefold())
    if kind is not None and (m or inner.isupper()):
        return kind
    return "" if m else None


def is_tag(text: str) -> bool:
    return tag_kind(text) is not None


def tag_cues(
    cues: list[Cue],
    found: list[Passage],
    lang: str,
    style: str,
    gap: float,
    min_seconds: float = MIN_SECONDS,
) -> list[Cue]:
    """The speech cues with a tag cue for each passage, placed where it overlaps no cue (at
    least `gap` from each), sorted by time. A passage left shorter than `min_seconds` once
    clear of the cues is not tagged."""
    out = list(cues)
    for p in found:
        start, end = p.start, p.end
        for c in cues:
            if c.end + gap > start and c.start - gap < end:  # a cue stretched into the passage
                if c.start - gap <= start:
                    start = c.end + gap
                else:
                    end = min(end, c.start - gap)
        if end - start >= min_seconds - 1e-6:
            out.append(Cue(round(start, 3), round(end, 3), tag_text(p.kind, lang, style)))
    return sorted(out, key=lambda c: c.start)


def worded(text: str, lang: str, style: str) -> str | None:
    """A tag cue's text in `lang` from the phrase table ("[music]" -> "[música]"); None for a
    tag without a phrase (a reviewer's "[door slams]"), whose words the caller translates
    alone (inner, rewrap)."""
    kind = tag_kind(text)
    return tag_text(kind, lang, style) if kind else None


def inner(text: str) -> str:
    """The words inside a tag's brackets."""
    flat = " ".join(text.split())
    m = _BRACKETED.match(flat)
    return m.group(1).strip() if m else flat


def rewrap(source: str, translated: str) -> str:
    """A translated tag's words back in the source tag's brackets."""
    words = " ".join(translated.split()).rstrip(".")
    return f"[{words}]" if _BRACKETED.match(" ".join(source.split())) else words
