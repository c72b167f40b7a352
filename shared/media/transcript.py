"""Cleaning a recogniser's words: repetition loops and text over silence are dropped.

Recognisers (Whisper especially) hallucinate in two known ways: a phrase repeated over and
over ("thank you. thank you. thank you.") and fluent text where there is no speech at all
(silence, music beds). Loops are found on the word sequence; text over silence is found by
measuring the audio energy under each word.
"""

from __future__ import annotations

import re
import wave
from pathlib import Path

from shared.media.types import Transcript, Word

LOOP_MIN_REPEATS = 3  # a phrase said 3+ times back to back is a loop; keep the first one
LOOP_MAX_NGRAM = 8
SINGLE_WORD_REPEATS = 5  # "no, no, no" is speech; a word said 5+ times running is a loop
SILENCE_DBFS = -50.0  # a word whose audio stays under this is over silence

_norm_re = re.compile(r"[^\w']+", re.UNICODE)


def _norm(text: str) -> str:
    return _norm_re.sub("", text.lower())


def drop_loops(words: list[Word], min_repeats: int = LOOP_MIN_REPEATS) -> tuple[list[Word], list[dict]]:
    """Remove back-to-back repeats of any 2..8-word phrase beyond the first occurrence when it
    occurs `min_repeats` times or more in a row (a single word: SINGLE_WORD_REPEATS times)."""
    keys = [_norm(w.text) for w in words]
    keep = [True] * len(words)
    dropped: list[dict] = []
    i = 0
    while i < len(words):
        best = None
        for n in range(1, LOOP_MAX_NGRAM + 1):
            if i + n * min_repeats > len(words):
                break
            phrase = keys[i : i + n]
            if not any(phrase):
                continue
            reps = 1
            while keys[i + reps * n : i + (reps + 1) * n] == phrase:
                reps += 1
            needed = max(min_repeats, SINGLE_WORD_REPEATS) if n == 1 else min_repeats
            if reps >= needed and (best is None or reps * n > best[0] * best[1]):
                best = (reps, n)
        if best:
            reps, n = best
            start, end = i + n, i + reps * n
            for k in range(start, end):
                keep[k] = False
            dropped.append(
                {
                    "reason": "repetition loop",
                    "start": words[start].start,
                    "end": words[end - 1].end,
                    "text": " ".join(w.text.strip() for w in words[start:end]),
                }
            )
            i = end
        else:
            i += 1
    return [w for w, k in zip(words, keep) if k], dropped


def _read_pcm16(wav: Path):
    import numpy as np

    with wave.open(str(wav), "rb") as f:
        rate = f.getframerate()
        channels = f.getnchannels()
        data = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype("float32") / 32768.0
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    return data, rate


def silence_floor(samples, win: int) -> float:
    """The level under which audio counts as silence: 35 dB below the file's loud parts (95th
    percentile of 30 ms windows), at most SILENCE_DBFS and at least -70 dBFS, so a quietly
    recorded source keeps its words."""
    import numpy as np

    n = len(samples) // win
    if n == 0:
        return SILENCE_DBFS
    rms = np.sqrt((samples[: n * win].reshape(n, win) ** 2).mean(axis=1) + 1e-12)
    loud = 20 * np.log10(np.percentile(rms, 95))
    return float(max(-70.0, min(SILENCE_DBFS, loud - 35.0)))


def drop_over_silence(words: list[Word], wav: Path, floor_dbfs: float | None = None) -> tuple[list[Word], list[dict]]:
    """Remove words whose audio (their span, 50 ms margin each side) stays below the silence
    floor in every 30 ms window: nothing audible was said there."""
    import numpy as np

    samples, rate = _read_pcm16(wav)
    win = max(1, int(0.03 * rate))
    if floor_dbfs is None:
        floor_dbfs = silence_floor(samples, win)
    kept, dropped = [], []
    for w in words:
        a = max(0, int((w.start - 0.05) * rate))
        b = min(len(samples), int((w.end + 0.05) * rate))
        seg = samples[a:b]
        if len(seg) < win:
            kept.append(w)
            continue
        frames = seg[: len(seg) // win * win].reshape(-1, win)
        rms = np.sqrt((frames**2).mean(axis=1) + 1e-12)
        loudest = 20 * np.log10(rms.max())
        if loudest < floor_dbfs:
            dropped.append({"reason": "text over silence", "start": w.start, "end": w.end, "text": w.text.strip()})
        else:
            kept.append(w)
    return kept, dropped


def clean(transcript: Transcript, wav: Path | None = None) -> Transcript:
    """Loops and (when the audio is given) text over silence removed; `dropped` says what and why."""
    words, dropped = drop_loops(transcript.words)
    if wav is not None and words:
        words, more = drop_over_silence(words, wav)
        dropped += more
    return Transcript(
        language=transcript.language,
        duration=transcript.duration,
        words=words,
        dropped=list(transcript.dropped) + dropped,
    )


_SENTENCE_END = re.compile(r"[.!?…]['\")\]»]*$")


def reattach_sentence_starts(words: list[Word], pause: float = 0.5) -> list[Word]:
    """Whisper's word alignment often hangs the first word of a sentence on the end of the
    previous sentence's audio, a whole pause before the rest ("... hours. The | <1 s> |
    widgets ..."). Such a word (after a sentence end, with a longer silence after it than
    before it, of at least `pause`) is moved up against the word it belongs with, keeping its
    length (in place; returns the list)."""
    for i in range(1, len(words) - 1):
        prev, w, nxt = words[i - 1], words[i], words[i + 1]
        after = nxt.start - w.end
        if _SENTENCE_END.search(prev.text) and after >= pause and after > w.start - prev.end:
            length = min(w.end - w.start, 0.6)
            w.end = round(nxt.start - 0.02, 3)
            w.start = round(w.end - length, 3)
    return words
