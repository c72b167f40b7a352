"""Waveform peaks for the console's timeline, computed once by the pipeline (in the transcribe
step, from the 16 kHz mono WAV it already decoded) so a browser never decodes an hour of audio.

The format is BBC waveform-data's JSON (version 2, 8-bit, one channel): `data` holds a min and a
max per `samples_per_pixel` samples, which peaks.js draws and resamples for coarser zoom levels.
"""

from __future__ import annotations

import wave
from pathlib import Path

PEAKS_JSON = "peaks.json"
SAMPLES_PER_PIXEL = 320  # 50 points a second at 16 kHz: two points per 25 fps frame


def compute(wav_path: Path, samples_per_pixel: int = SAMPLES_PER_PIXEL) -> dict:
    """waveform-data JSON of a 16-bit PCM WAV (mixed to one channel)."""
    import numpy as np  # heavy: only the pipeline step that already decoded audio loads it

    with wave.open(str(wav_path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"expected 16-bit PCM, got {8 * w.getsampwidth()}-bit")
        channels, rate = w.getnchannels(), w.getframerate()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
    n = len(samples) // samples_per_pixel
    data: list[int] = []
    if n:
        blocks = samples[: n * samples_per_pixel].reshape(n, samples_per_pixel)
        # 16-bit -> 8-bit by the high byte (floor division keeps -32768 at -128)
        lo = (blocks.min(axis=1) // 256).astype(np.int8)
        hi = (blocks.max(axis=1) // 256).astype(np.int8)
        pairs = np.empty(2 * n, dtype=np.int8)
        pairs[0::2], pairs[1::2] = lo, hi
        data = pairs.tolist()
    return {
        "version": 2,
        "channels": 1,
        "sample_rate": rate,
        "samples_per_pixel": samples_per_pixel,
        "bits": 8,
        "length": n,
        "data": data,
    }
