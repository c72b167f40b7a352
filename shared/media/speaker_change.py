"""Speaker-change detection from voice features, where no diarization model ships.

The audio is cut into speech stretches at pauses of at least MIN_TURN_GAP seconds (people
rarely hand over without one): Silero VAD (shipped inside faster-whisper, robust to music
beds) where it is installed, else an energy gate. Each stretch of at least MIN_STRETCH seconds
gets a voice print: the median pitch of its voiced frames (autocorrelation, 70-400 Hz) and the
mean of its MFCCs (c1-c12, so loudness does not count); the MFCC part of a distance counts for
less where a print is under SURE_PRINT seconds (a short piece's mean is its few sounds; 0350).
A stretch whose print differs from the
current speaker's (running mean) by more than CHANGE_THRESHOLD changes the speaker: back to a
known voice within the threshold, else a new one. Shorter stretches take the speaker of the
nearest printed stretch. Then each printed stretch is compared with every voice as finally
heard and goes to a clearly nearer one (RELABEL_MARGIN). Each word takes the speaker of the stretch under its midpoint (word timings are less
precise than the audio's pauses). Accuracy measured by bench/quality.py is in
docs/decisions/0311.
"""

from __future__ import annotations

import functools
import re
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.media.types import Word

MIN_TURN_GAP = 0.15  # seconds of silence where a turn may change
MIN_STRETCH = 0.6  # seconds of speech a voice print needs
SPLIT_STRETCH = 4.0  # a longer stretch is printed sentence by sentence (fast talkers, no pauses)
# A long stretch is cut at every sentence end that leaves both sides long enough to print
# (MIN_PIECE; at a comma MIN_CLAUSE_PIECE): a two-line turn ("That is all from us this week, thank you for watching.") said
# between two of the other voice's is printed on its own, not with the next turn. Short prints
# count for less (SURE_PRINT), so a short sentence ("Thanks, Anna.") is no new voice (0351).
MIN_PIECE = MIN_STRETCH
MIN_CLAUSE_PIECE = (
    1.2  # at a comma (inside a turn far more often than at a hand-over): "Great," stays with its sentence
)
# Once every voice is known, a piece whose print lies nearer another voice than the one the
# change detector gave it, by more than this, is that voice's (a hand-over the running
# comparison missed: "It does, and the council ..." after "... everyone involved."; 0338;
# 1.0 before short prints counted for less, 0351).
RELABEL_MARGIN = 0.6
# Seconds of speech from which a print's mean MFCC is trusted at face value (_mfcc_trust).
SURE_PRINT = 2.5
CHANGE_THRESHOLD = 2.0  # distance (standardised MFCC mean distance + pitch semitones / 4) between two voices
RATE = 16000
_SENTENCE_END = re.compile(r"[.!?…]['\")\]»]*$")
FRAME = 400  # 25 ms
HOP = 160  # 10 ms


def read_wav(wav: Path):
    """16 kHz mono samples as float32 in [-1, 1]."""
    import numpy as np

    with wave.open(str(wav), "rb") as f:
        rate, channels = f.getframerate(), f.getnchannels()
        data = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype("float32") / 32768.0
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    if rate != RATE:
        raise ValueError(f"audio analysis wants {RATE} Hz audio (the transcribe step's WAV), got {rate}")
    return data


def _frames(x):
    import numpy as np

    if len(x) < FRAME:
        x = np.pad(x, (0, FRAME - len(x)))
    n = 1 + (len(x) - FRAME) // HOP
    idx = np.arange(FRAME)[None, :] + HOP * np.arange(n)[:, None]
    return x[idx]


def _mel_filters(n_fft: int = 512, n_mels: int = 26):
    import numpy as np

    def hz_to_mel(h):
        return 2595 * np.log10(1 + h / 700.0)

    def mel_to_hz(m):
        return 700 * (10 ** (m / 2595.0) - 1)

    mels = np.linspace(hz_to_mel(60), hz_to_mel(7600), n_mels + 2)
    bins = np.floor((n_fft + 1) * mel_to_hz(mels) / RATE).astype(int)
    fb = np.zeros((n_mels, n_fft // 2 + 1))
    for m in range(1, n_mels + 1):
        a, b, c = bins[m - 1], bins[m], bins[m + 1]
        for k in range(a, b):
            fb[m - 1, k] = (k - a) / max(1, b - a)
        for k in range(b, c):
            fb[m - 1, k] = (c - k) / max(1, c - b)
    return fb


def mfcc(x, n: int = 13):
    """MFCCs (c1..c{n-1}) per 10 ms frame."""
    import numpy as np

    frames = _frames(x) * np.hamming(FRAME)
    power = np.abs(np.fft.rfft(frames, 512)) ** 2
    logmel = np.log(power @ _mel_filters().T + 1e-10)
    k = np.arange(logmel.shape[1])
    dct = np.cos(np.pi / logmel.shape[1] * (k[None, :] + 0.5) * np.arange(n)[:, None])
    return (logmel @ dct.T)[:, 1:n]


def pitch(x):
    """Median F0 (Hz) of the voiced 40 ms frames (autocorrelation through the FFT), or 0 when
    fewer than three are voiced."""
    import numpy as np

    win, hop = 640, 320
    lo, hi = RATE // 400, RATE // 70
    if len(x) < win:
        return 0.0
    n = 1 + (len(x) - win) // hop
    frames = x[np.arange(win)[None, :] + hop * np.arange(n)[:, None]]
    frames = frames - frames.mean(axis=1, keepdims=True)
    frames = frames[(frames * frames).sum(axis=1) >= 1e-4]
    if len(frames) == 0:
        return 0.0
    spec = np.fft.rfft(frames, 2 * win)
    ac = np.fft.irfft(spec * np.conj(spec), 2 * win)[:, :win]
    lags = lo + np.argmax(ac[:, lo:hi], axis=1)
    strength = ac[np.arange(len(ac)), lags] / np.maximum(ac[:, 0], 1e-12)
    voiced = lags[strength > 0.45]
    return float(np.median(RATE / voiced)) if len(voiced) >= 3 else 0.0


@dataclass
class Voice:
    f0: float
    mfcc: Any  # numpy vector
    seconds: float
    prints: list = field(default_factory=list)


def distance(a: Voice, b: Voice) -> float:
    """MFCC distance, scaled down where a print is short (below), + semitones of pitch / 4."""
    import numpy as np

    d = float(np.linalg.norm(a.mfcc - b.mfcc)) * _mfcc_trust(a.seconds, b.seconds)
    if a.f0 > 0 and b.f0 > 0:
        d += abs(12 * np.log2(a.f0 / b.f0)) / 4.0
    return d


def _mfcc_trust(a: float, b: float) -> float:
    """How much of two prints' MFCC distance is the voices' rather than the words': the mean
    MFCC of a short piece is dominated by its few sounds ("Welcome to the show.", 1.1 s, lies
    2.2 away from its own voice; 0350). Its sampling spread grows as sqrt(1/a + 1/b) for prints
    of a and b seconds; distances are taken at face value up to the spread of two SURE_PRINT
    prints and scaled down beyond it. Pitch (a median) is left as it is."""
    if a <= 0 or b <= 0:
        return 1.0
    return min(1.0, (2.0 / SURE_PRINT) ** 0.5 / (1.0 / a + 1.0 / b) ** 0.5)


def voice_prints(audio, chunks: list[tuple[int, int]]) -> list[Voice | None]:
    """A print per stretch of at least MIN_STRETCH seconds (None for shorter ones); MFCCs are
    standardised over all the file's speech, so the distance weighs every coefficient alike."""
    import numpy as np

    feats = [mfcc(audio[a:b]) for a, b in chunks]
    if not feats:
        return []
    allf = np.concatenate(feats)
    mu, sd = allf.mean(axis=0), allf.std(axis=0) + 1e-6
    out: list[Voice | None] = []
    for (a, b), f in zip(chunks, feats):
        if (b - a) / RATE < MIN_STRETCH:
            out.append(None)
        else:
            out.append(Voice(f0=pitch(audio[a:b]), mfcc=((f - mu) / sd).mean(axis=0), seconds=(b - a) / RATE))
    return out


def _energy_chunks(audio, gap: float) -> list[tuple[int, int]]:
    """Speech stretches (sample ranges) by an energy gate 30 dB under the loud parts."""
    import numpy as np

    n = len(audio) // HOP
    if n == 0:
        return []
    rms = np.sqrt((audio[: n * HOP].reshape(n, HOP) ** 2).mean(axis=1) + 1e-12)
    db = 20 * np.log10(rms)
    voiced = db > max(-60.0, float(np.percentile(db, 95)) - 30.0)
    chunks: list[list[int]] = []
    quiet = 0
    for i, v in enumerate(voiced):
        if v:
            if chunks and quiet * HOP / RATE < gap:
                chunks[-1][1] = i + 1
            else:
                chunks.append([i, i + 1])
            quiet = 0
        else:
            quiet += 1
    return [(a * HOP, b * HOP) for a, b in chunks]


def speech_chunks(audio, gap: float = MIN_TURN_GAP) -> list[tuple[int, int]]:
    """Speech stretches (sample ranges) separated by at least `gap` seconds of non-speech."""
    try:
        from faster_whisper.vad import VadOptions, get_speech_timestamps  # heavy: onnxruntime
    except ImportError:
        return _energy_chunks(audio, gap)
    opts = VadOptions(min_silence_duration_ms=int(gap * 1000), speech_pad_ms=0, min_speech_duration_ms=100)
    return [(c["start"], c["end"]) for c in get_speech_timestamps(audio, opts)]


@functools.lru_cache(maxsize=4)
def _cached_chunks(path: str, mtime_ns: int, size: int, gap: float) -> tuple[tuple[int, int], ...]:
    return tuple(speech_chunks(read_wav(Path(path)), gap))


def wav_chunks(wav: Path, gap: float = MIN_TURN_GAP) -> list[tuple[int, int]]:
    """speech_chunks of a 16 kHz WAV file, computed once per file (the transcribe step asks
    for them four times: speaking rate, speakers, sentence starts, sentence ends; the VAD
    costs a few seconds per ten minutes of audio)."""
    st = Path(wav).stat()
    return list(_cached_chunks(str(wav), st.st_mtime_ns, st.st_size, gap))


def _merge(into: Voice, new: Voice) -> None:
    total = into.seconds + new.seconds
    into.mfcc = (into.mfcc * into.seconds + new.mfcc * new.seconds) / total
    if new.f0 > 0:
        into.f0 = new.f0 if into.f0 <= 0 else (into.f0 * into.seconds + new.f0 * new.seconds) / total
    into.seconds = total


def chunk_speakers(
    audio, chunks: list[tuple[int, int]], threshold: float = CHANGE_THRESHOLD, relabel_margin: float | None = None
) -> list[int]:
    """A speaker number per speech stretch. A stretch too short for a voice print ("Great,")
    takes the speaker of the printed stretch nearest in time (the one it is said with). A
    printed stretch nearer another voice (as finally heard) than its own by more than
    `relabel_margin` (default RELABEL_MARGIN) is that voice's."""
    speakers: list[Voice] = []
    current = -1
    labels = []
    prints = voice_prints(audio, chunks)
    for v in prints:
        if v is not None:
            if current < 0:
                speakers.append(v)
                current = 0
            elif distance(v, speakers[current]) > threshold:
                known = [(distance(v, s), n) for n, s in enumerate(speakers) if n != current]
                best = min(known, default=None)
                if best is not None and best[0] <= threshold:
                    current = best[1]
                    _merge(speakers[current], v)
                else:
                    speakers.append(v)
                    current = len(speakers) - 1
            else:
                _merge(speakers[current], v)
        labels.append(max(0, current))
    margin = RELABEL_MARGIN if relabel_margin is None else relabel_margin
    for i, v in enumerate(prints):  # each piece against the voices as finally heard
        if v is not None and len(speakers) > 1:
            near = [distance(v, s) for s in speakers]
            nearest = min(range(len(near)), key=near.__getitem__)
            if nearest != labels[i] and near[nearest] + margin < near[labels[i]]:
                labels[i] = nearest
    printed = [i for i, v in enumerate(prints) if v is not None]
    for i, v in enumerate(prints):
        if v is None and printed:
            labels[i] = labels[min(printed, key=lambda k: _gap(chunks[i], chunks[k]))]
    return labels


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, b[0] - a[1], a[0] - b[1])


def _nearest(chunks: list[tuple[int, int]], t: float) -> int:
    x = t * RATE
    return min(range(len(chunks)), key=lambda i: max(0, chunks[i][0] - x, x - chunks[i][1]))


def snap_starts(words: list[Word], chunks: list[tuple[int, int]], limit: float = 1.5) -> None:
    """A word that starts in silence (or music) before its speech stretch starts with it:
    Whisper's first word after a pause often begins up to a second early (in place)."""
    for w in words:
        k = _nearest(chunks, (w.start + w.end) / 2)
        onset = chunks[k][0] / RATE
        if w.start < onset - 0.05 and onset - w.start <= limit and onset < w.end:
            w.start = round(onset, 3)


def label(words: list[Word], wav: Path, threshold: float = CHANGE_THRESHOLD) -> list[int]:
    """A speaker number per word."""
    return _label(words, read_wav(wav), wav_chunks(wav), threshold)[0] if words else []


def split_at_sentences(
    chunks: list[tuple[int, int]], words: list[Word], longer_than: float = SPLIT_STRETCH, clauses: bool = False
) -> list[tuple[int, int]]:
    """Speech stretches longer than `longer_than` seconds cut between the recogniser's
    sentences (halfway between a sentence's last word and the next word): fast talkers hand
    over without a pause the VAD can see, and one print over two voices matches neither."""
    clause = re.compile(r"[.!?…,;:]['\")\]»]*$") if clauses else _SENTENCE_END
    cuts = [
        (round((a.end + b.start) / 2 * RATE), MIN_PIECE if _SENTENCE_END.search(a.text) else MIN_CLAUSE_PIECE)
        for a, b in zip(words, words[1:])
        if clause.search(a.text)
    ]
    out: list[tuple[int, int]] = []
    for a, b in chunks:
        if (b - a) / RATE <= longer_than:
            out.append((a, b))
            continue
        start = a
        for c, least in cuts:
            if start < c < b and (c - start) / RATE >= least and (b - c) / RATE >= least:
                out.append((start, c))
                start = c
        out.append((start, b))
    return out


def _label(
    words: list[Word], audio, chunks: list[tuple[int, int]], threshold: float
) -> tuple[list[int], list[tuple[int, int]]]:
    if not chunks:
        return [0] * len(words), chunks
    pieces = split_at_sentences(chunks, words, clauses=True)
    labels = chunk_speakers(audio, pieces, threshold)
    return [labels[_nearest(pieces, (w.start + w.end) / 2)] for w in words], chunks


def apply(words: list[Word], wav: Path) -> list[Word]:
    """The words with their `speaker` set, and starts that ran ahead of the speech moved to
    its onset (in place; returns the list)."""
    if not words:
        return words
    labels, chunks = _label(words, read_wav(wav), wav_chunks(wav), CHANGE_THRESHOLD)
    for w, s in zip(words, labels):
        w.speaker = s
    if chunks:
        snap_starts(words, chunks)
    return words


def align_sentence_starts(words: list[Word], wav: Path) -> list[Word]:
    """The first word of a sentence that Whisper stretched back over the silence before it
    (it starts in the previous speech stretch, or in the silence, and ends in the next
    stretch) starts at the onset of the stretch it is said in (in place; returns the list)."""
    if len(words) < 2:
        return words
    chunks = wav_chunks(wav)
    onsets = [a / RATE for a, _ in chunks]
    for prev, w in zip(words, words[1:]):
        if not _SENTENCE_END.search(prev.text):
            continue
        inside = [o for o in onsets if w.start + 0.05 < o < w.end - 0.05]
        if inside:
            w.start = round(inside[-1], 3)
            continue
        silent = not any(a / RATE <= w.start < b / RATE for a, b in chunks)
        onset = next((o for o in onsets if o > w.start), None)
        if silent and onset is not None and onset < w.end - 0.01:
            w.start = round(onset, 3)  # starts in the silence, its speech just before its end
    return words
