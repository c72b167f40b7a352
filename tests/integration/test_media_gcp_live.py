"""Live checks of the gcp engine adapters. They need Google credentials and a project
(GOOGLE_APPLICATION_CREDENTIALS and GOOGLE_CLOUD_PROJECT); without them each test is skipped
with that reason. The request/response mapping is covered offline in
tests/unit/test_media_gcp_adapters.py."""

import os

import pytest

from shared.media import ffmpeg as ff
from shared.media.gcp_speech import SpeechV2Transcriber
from shared.media.gcp_translate import CloudTranslator
from shared.media.gcp_tts import CloudSpeech
from tests.support.media import session_video, wer

PROJECT = os.environ.get("GOOGLE_CLOUD_PROJECT", "")
CREDENTIALS = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", "")

live = pytest.mark.skipif(
    not (PROJECT and CREDENTIALS and os.path.exists(CREDENTIALS)),
    reason="no Google credentials here (set GOOGLE_APPLICATION_CREDENTIALS and "
    "GOOGLE_CLOUD_PROJECT to run the live gcp engine tests)",
)


@live
def test_speech_v2_live(tmp_path_factory):
    video = session_video(tmp_path_factory)
    wav = ff.extract_wav16k(video.path, tmp_path_factory.mktemp("stt") / "a.wav")
    out = SpeechV2Transcriber(PROJECT).transcribe(wav, "en-US")
    assert wer(video.script, out.text) <= 0.15 and out.words[0].end > out.words[0].start


@live
def test_translation_and_tts_live(tmp_path):
    assert "fábrica" in CloudTranslator(PROJECT).translate(["The factory"], "en", "es")[0].lower()
    assert CloudSpeech().synthesize("Hola a todos.", "es-ES", tmp_path / "x.wav") > 0.3
