"""SVOX Pico through libttspico (shared.media.tts_pico, decision 0360), as scripts/setup installs
it: Spanish descriptions said by Pico and heard back by the real Whisper transcriber, at the
natural pace and sped up as the narration asks; clips voiced side by side on several threads
equal the ones voiced one at a time; and without Pico's files the narration falls back to
espeak-ng instead of failing."""

import hashlib
import logging

import pytest

from shared.media import ffmpeg, narration, tts, tts_pico, vtt
from shared.media.whisper import FasterWhisperTranscriber
from tests.support.media import wer

LINES = [
    "Un rótulo presenta a la doctora María López, jefa de investigación.",
    "La pantalla se funde a negro.",
    "Dos personas conversan frente a una ventana.",
    "La cámara se acerca al cartel de la tienda.",
]
# Measured (decision 0360): these lines heard back at WER 0.00 at 1.0x and 0.04-0.10 at 1.3x to
# 1.7x with Pico, 0.40-0.44 with espeak-ng. The aim leaves room for Whisper's beam-1 decoding.
WER_AIM = 0.15


def test_pico_is_installed_by_setup():
    assert tts_pico.library_path() is not None, "SVOX Pico is missing: run scripts/setup"
    for language in ("es", "fr", "de", "it"):
        assert tts_pico.available(language), language
        assert isinstance(tts.LocalSpeech().engine_for(language), tts_pico.PicoSpeech)


@pytest.mark.slow  # Whisper
@pytest.mark.parametrize("rate", [1.0, 1.3])
def test_spanish_descriptions_said_by_pico_are_heard_back(tmp_path, rate):
    speech = tts.LocalSpeech()
    transcriber = FasterWhisperTranscriber()
    words = errors = 0
    plain = 0.0
    for n, line in enumerate(LINES):
        clip = tmp_path / f"{n}.wav"
        seconds = speech.synthesize(line, "es", clip, rate)
        plain += tts.wav_duration(clip)
        assert seconds == pytest.approx(tts.wav_duration(clip), abs=0.01)
        heard16k = tmp_path / f"{n}-16k.wav"
        ffmpeg.ffmpeg("-i", str(clip), "-af", "apad=pad_dur=0.5", "-ar", "16000", "-ac", "1", str(heard16k))
        heard = transcriber.transcribe(heard16k, "es").text
        words += len(line.split())
        errors += wer(line, heard) * len(line.split())
    assert errors / words <= WER_AIM, f"WER {errors / words:.3f} at {rate}x"
    if rate > 1.0:  # the clips come out about `rate` times shorter than at the natural pace
        natural = sum(tts_pico.PicoSpeech().synthesize(line, "es", tmp_path / "n.wav") for line in LINES)
        assert natural / plain == pytest.approx(rate, rel=0.12)


def test_clips_voiced_on_several_threads_equal_those_voiced_one_at_a_time(tmp_path):
    requests = [(f"{line} {n}", language, 1.0) for n, line in enumerate(LINES) for language in ("es", "fr")]
    digests = []
    for workers in (1, 3):
        memo = tts.ClipMemo(tts.LocalSpeech(), tmp_path / f"w{workers}", workers=workers)
        memo.prepare(requests)
        assert memo.synthesized == len(requests)
        digests.append(sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in memo.folder.glob("clip-*.wav")))
    assert digests[0] == digests[1]


def test_without_pico_the_narration_falls_back_to_espeak_and_says_so(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("AVP_PICO_DIR", str(tmp_path / "no-pico"))
    monkeypatch.setattr(tts, "_missing_logged", set())
    speech = tts.LocalSpeech()
    assert isinstance(speech.engine_for("es"), tts.EspeakSpeech)
    cues = [vtt.VttCue(1.0, 4.0, LINES[1], "ad-1"), vtt.VttCue(5.0, 9.0, LINES[2], "ad-2")]
    (tmp_path / "clips").mkdir()
    with caplog.at_level(logging.WARNING, logger="shared.media.tts"):
        plan = narration.synthesize_plan(speech, cues, "es", [], 10.0, tmp_path / "clips")
    assert len(plan.clips) == 2 and all(c.duration > 1.0 for c in plan.clips)
    assert all((tmp_path / "clips" / c.name).stat().st_size > 20000 for c in plan.clips)
    warnings = [r.getMessage() for r in caplog.records if "SVOX Pico" in r.getMessage()]
    assert len(warnings) == 1 and "espeak-ng" in warnings[0]
    assert tts.voice_id(speech, "es").startswith("EspeakSpeech:")
