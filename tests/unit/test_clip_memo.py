"""ClipMemo's bookkeeping (shared.media.tts, decision 1211) with a counting voice that writes
real WAV files: each (voice, text, rate) is said once, requests are voiced side by side, and a
saved run's clips come back only for the same voice."""

import threading
import wave
from pathlib import Path

from shared.media import tts


class CountingVoice:
    """Writes a short WAV whose length encodes the request; counts what it was asked."""

    name = "counting"

    def __init__(self, voice: str = "a"):
        self.voice = voice
        self.calls: list[tuple[str, str, float]] = []
        self.lock = threading.Lock()

    def voice_name(self, language: str) -> str:
        return self.voice

    def synthesize(self, text: str, language: str, out_wav: Path, rate: float = 1.0) -> float:
        with self.lock:
            self.calls.append((text, language, rate))
        frames = int(100 * len(text) / rate)
        with wave.open(str(out_wav), "wb") as f:
            f.setnchannels(1)
            f.setsampwidth(2)
            f.setframerate(8000)
            f.writeframes(b"\x01\x00" * frames)
        return frames / 8000


def test_each_request_is_voiced_once(tmp_path):
    voice = CountingVoice()
    memo = tts.ClipMemo(voice, tmp_path / "memo", workers=2)
    memo.prepare([("A new scene begins.", "en", 1.0), ("A  new scene\nbegins.", "en", 1.0), ("Hola.", "es", 1.0)])
    assert sorted(voice.calls) == [("A new scene begins.", "en", 1.0), ("Hola.", "es", 1.0)]
    length = memo.synthesize("A new scene begins.", "en", tmp_path / "out.wav")
    assert length == tts.wav_duration(tmp_path / "out.wav") > 0
    assert len(voice.calls) == 2 and memo.reused == 1
    memo.synthesize("A new scene begins.", "en", tmp_path / "fast.wav", rate=1.3)  # another rate: voiced
    assert voice.calls[-1] == ("A new scene begins.", "en", 1.3)
    assert tts.wav_duration(tmp_path / "fast.wav") < length


def test_a_saved_run_comes_back_for_the_same_voice_only(tmp_path):
    first = tts.ClipMemo(CountingVoice("a"), tmp_path / "one")
    first.prepare([("One.", "en", 1.0), ("Two.", "en", 1.0)])
    first.synthesize("One.", "en", tmp_path / "x.wav")
    archive = first.save(tmp_path / "voiced.zip")

    again = CountingVoice("a")
    second = tts.ClipMemo(again, tmp_path / "two")
    assert second.load(archive) == 2
    second.synthesize("One.", "en", tmp_path / "y.wav")
    assert again.calls == [] and (tmp_path / "y.wav").read_bytes() == (tmp_path / "x.wav").read_bytes()

    other = CountingVoice("b")  # another voice: nothing of the old one is reused
    third = tts.ClipMemo(other, tmp_path / "three")
    third.load(archive)
    third.synthesize("One.", "en", tmp_path / "z.wav")
    assert other.calls == [("One.", "en", 1.0)]


def test_only_clips_asked_for_are_saved_and_a_bad_archive_gives_none(tmp_path):
    memo = tts.ClipMemo(CountingVoice(), tmp_path / "memo")
    memo.remember("Old.", "en", 1.0, _wav(tmp_path / "old.wav"))
    memo.synthesize("New.", "en", tmp_path / "n.wav")
    fresh = tts.ClipMemo(CountingVoice(), tmp_path / "fresh")
    assert fresh.load(memo.save(tmp_path / "v.zip")) == 1  # "Old." was not asked for this run
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    assert fresh.load(tmp_path / "bad.zip") == 0


def test_voice_ids_tell_engines_and_voices_apart():
    piper_first = tts.LocalSpeech(use_piper=True)
    espeak_only = tts.LocalSpeech(use_piper=False)
    assert tts.voice_id(espeak_only, "es") != tts.voice_id(espeak_only, "ca")
    assert tts.voice_id(espeak_only, "es").startswith("EspeakSpeech:")
    assert tts.voice_id(piper_first, "en") != tts.voice_id(espeak_only, "en")


def _wav(path: Path) -> Path:
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(8000)
        f.writeframes(b"\x00\x00" * 80)
    return path
