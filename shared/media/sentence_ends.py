"""Sentence ends the recogniser ran together, found again in the audio: a pause and a falling
pitch.

Whisper sometimes joins two sentences without punctuation when its word timings show no
pause: "First we cut the metal sheet. Then we polish ..." came back as "sheet and we polish",
with "and" stretched over the 0.4 s of silence between the sentences, so the cue ran across
the sentence end and nothing could flag it. The audio still holds the boundary:

- a silence of at least MIN_PAUSE between two speech stretches (Silero VAD, or the energy
  gate where it is not installed: shared.media.speaker_change.wav_chunks), and
- the pitch falling into it, as it does at the end of a statement: the median pitch of the
  last TAIL_FRAMES voiced frames before the silence is at most FALL_RATIO of the median pitch
  of the CONTEXT seconds before it (a comma, a list or a question keeps or raises it).

Where both hold and no punctuation marks an end there, the word before gets a full stop, the
next word a capital, and the two words' timings stop at the silence (a function word before
the silence, "and", "the", goes with the sentence it starts; a lone word after a sentence end
is a sentence start Whisper hung on the silence, not a sentence), so the cue breaks there. Every end added is listed (`Added`) for the QC
report: they are the recogniser's guesses made good by the audio, for the reviewer to confirm.
Measured precision and recall: docs/decisions/0331.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from shared.media import caption_rules, speaker_change, whisper
from shared.media.types import Word

MIN_PAUSE = 0.25  # seconds of silence between two speech stretches
FALL_RATIO = 0.95  # pitch at the end / pitch of the phrase before
CONTEXT = 1.5  # seconds of speech before the silence the end is compared with
TAIL_FRAMES = 5  # voiced 10 ms frames just before the silence
MIN_VOICED = 8  # voiced frames needed in the context to judge the pitch at all
# Fast speech (over whisper.FAST_WPM words a minute): sentences are 0.13-0.26 s apart, so a
# shorter silence counts, and the pitch must fall further (a shorter pause is weaker evidence;
# docs/decisions/0335).
FAST_MIN_PAUSE = 0.12
FAST_FALL_RATIO = 0.85
FAST_VAD_GAP = 0.05  # the VAD asked for silences this short (it misses 0.13 s ones when asked for 0.12)
RATE = speaker_change.RATE

_END = re.compile(r"[.!?…]['\")\]»]*$")
_CLAUSE = re.compile(r"[,;:]['\")\]»]*$")


@dataclass
class Added:
    after: str  # the word that now ends a sentence
    before: str  # the word that now starts one
    start: float  # the silence between them
    end: float
    pitch_ratio: float

    def to_dict(self) -> dict:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()}


def f0_track(x):
    """Pitch (Hz) per 10 ms frame of 40 ms, 0 where unvoiced (FFT autocorrelation, 70-400 Hz)."""
    import numpy as np

    win, hop = 640, 160
    lo, hi = RATE // 400, RATE // 70
    if len(x) < win:
        return np.zeros(0)
    n = 1 + (len(x) - win) // hop
    frames = x[np.arange(win)[None, :] + hop * np.arange(n)[:, None]]
    frames = frames - frames.mean(axis=1, keepdims=True)
    energy = (frames * frames).sum(axis=1)
    spec = np.fft.rfft(frames, 2 * win)
    ac = np.fft.irfft(spec * np.conj(spec), 2 * win)[:, :win]
    lags = lo + np.argmax(ac[:, lo:hi], axis=1)
    strength = ac[np.arange(n), lags] / np.maximum(ac[:, 0], 1e-12)
    f0 = RATE / lags
    f0[(strength < 0.45) | (energy < 1e-4)] = 0.0
    return f0


def pitch_ratio(audio, end: int) -> float | None:
    """Pitch at the end of the speech before sample `end` relative to the phrase before it;
    None when too little of it is voiced to tell."""
    import numpy as np

    f0 = f0_track(audio[max(0, end - int(CONTEXT * RATE)) : end])
    voiced = f0[f0 > 0]
    if len(voiced) < MIN_VOICED:
        return None
    return float(np.median(voiced[-TAIL_FRAMES:]) / np.median(voiced))


def _boundary(words: list[Word], start: float, end: float) -> int | None:
    """Index of the word before the silence (start, end): the last word that starts before it,
    or the one before that when it is a function word ("and", "the"), which starts the next
    sentence (Whisper often stretches it across the silence)."""
    before = [i for i, w in enumerate(words) if w.start < start]
    if not before:
        return None
    i = before[-1]
    if caption_rules.dangles(words[i].text) and i > 0:
        return i - 1
    return i


def find(
    words: list[Word],
    audio,
    chunks: list[tuple[int, int]],
    min_pause: float = MIN_PAUSE,
    fall_ratio: float = FALL_RATIO,
) -> list[tuple[int, float, float, float]]:
    """(index of the word before, silence start, silence end, pitch ratio) of every unmarked
    sentence end: a silence of `min_pause` or more with the pitch falling into it (to at most
    `fall_ratio`), between two words of one speaker and no sentence-end punctuation."""
    out = []
    for (_, a_end), (b_start, _) in zip(chunks, chunks[1:]):
        start, end = a_end / RATE, b_start / RATE
        if end - start < min_pause - 1e-6:
            continue
        i = _boundary(words, start, end)
        if i is None or i + 1 >= len(words) or _END.search(words[i].text):
            continue
        if i > 0 and _END.search(words[i - 1].text):
            continue  # a sentence's first word hung on the silence before it (see transcript.reattach_sentence_starts)
        if words[i].speaker != words[i + 1].speaker or words[i + 1].start > end + 1.0:
            continue  # a speaker change or a visible pause is handled as such
        ratio = pitch_ratio(audio, a_end)
        if ratio is not None and ratio <= fall_ratio:
            out.append((i, start, end, ratio))
    return out


def _capitalise(text: str) -> str:
    for k, ch in enumerate(text):
        if ch.isalpha():
            return text[:k] + ch.upper() + text[k + 1 :]
    return text


DOUBT_FALL_RATIO = FALL_RATIO  # fast speech: a fall between FAST_FALL_RATIO and this is flagged


def doubtful(words: list[Word], wav: Path) -> list[tuple[str, float]]:
    """Fast speech only: (word before, time) of silences of FAST_MIN_PAUSE or more with a pitch
    fall too shallow to add a sentence end (between FAST_FALL_RATIO and DOUBT_FALL_RATIO) where
    no punctuation marks one. The QC report flags the cue holding one for the reviewer
    (docs/decisions/0335); nothing is changed."""
    if len(words) < 2:
        return []
    chunks = speaker_change.wav_chunks(wav)
    if whisper.speaking_rate(len(words), chunks) <= whisper.FAST_WPM:
        return []
    audio = speaker_change.read_wav(wav)
    fast = speaker_change.wav_chunks(wav, FAST_VAD_GAP)
    out = []
    for i, start, end, ratio in find(words, audio, fast, FAST_MIN_PAUSE, DOUBT_FALL_RATIO):
        if ratio > FAST_FALL_RATIO:
            out.append((words[i].text, round((start + end) / 2, 3)))
    return out


def mark(words: list[Word], wav: Path) -> list[Added]:
    """Sentence ends added where the audio shows them and the words do not (in place);
    returns what was added."""
    if len(words) < 2:
        return []
    audio = speaker_change.read_wav(wav)
    chunks = speaker_change.wav_chunks(wav)
    if whisper.speaking_rate(len(words), chunks) > whisper.FAST_WPM:
        fast = speaker_change.wav_chunks(wav, FAST_VAD_GAP)
        return add(words, find(words, audio, fast, FAST_MIN_PAUSE, FAST_FALL_RATIO))
    return add(words, find(words, audio, chunks))


def add(words: list[Word], found: list[tuple[int, float, float, float]]) -> list[Added]:
    """The ends `find` found written into the words (in place): a full stop after the word
    before the silence (replacing a comma), a capital on the next word, and the timings of
    both kept off the silence."""
    added = []
    for i, start, end, ratio in found:
        w, nxt = words[i], words[i + 1]
        w.text = (w.text.rstrip(",;:") if _CLAUSE.search(w.text) else w.text) + "."
        nxt.text = _capitalise(nxt.text)
        if w.end > start and w.start < start - 0.05:
            w.end = round(start, 3)
        if nxt.start < end and nxt.end > end + 0.05:
            nxt.start = round(end, 3)
        added.append(Added(w.text, nxt.text, round(start, 3), round(end, 3), round(ratio, 3)))
    return added
