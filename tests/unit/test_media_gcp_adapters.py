"""Request/response mapping of the gcp engine adapters, with the client libraries' own types
and fake clients (no network). Live tests need credentials and are in the integration suite."""

import datetime
import io
import json
import wave

from google.cloud import texttospeech, translate_v3
from google.cloud.speech_v2 import types as stt

from shared.media import gcp_speech, gcp_translate, gcp_tts, gemini
from shared.media.types import GlossaryTerm, Transcript, Word


def _wav_bytes(seconds: float, rate: int = 16000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes(b"\0\0" * int(seconds * rate))
    return buf.getvalue()


def test_speech_v2_request_asks_for_word_offsets_in_the_language():
    req = gcp_speech.recognize_request("proj", "global", "en-US", b"RIFF")
    assert isinstance(req, stt.RecognizeRequest)
    assert req.recognizer == "projects/proj/locations/global/recognizers/_"
    assert list(req.config.language_codes) == ["en-US"]
    assert req.config.features.enable_word_time_offsets is True
    assert req.config.explicit_decoding_config.sample_rate_hertz == 16000
    assert list(gcp_speech.recognize_request("p", "global", "en", b"").config.language_codes) == ["en-US"]
    batch = gcp_speech.batch_request("proj", "global", "es", "gs://b/x.wav")
    assert list(batch.config.language_codes) == ["es-ES"]
    assert batch.files[0].uri == "gs://b/x.wav" and "inline_response_config" in batch.recognition_output_config


def test_speech_v2_response_maps_to_words():
    resp = stt.RecognizeResponse(
        results=[
            stt.SpeechRecognitionResult(
                alternatives=[
                    stt.SpeechRecognitionAlternative(
                        transcript="Hello world",
                        words=[
                            stt.WordInfo(
                                word="Hello",
                                start_offset=datetime.timedelta(seconds=0.5),
                                end_offset=datetime.timedelta(seconds=0.9),
                                confidence=0.9,
                            ),
                            stt.WordInfo(
                                word="world.",
                                start_offset=datetime.timedelta(seconds=1, microseconds=100000),
                                end_offset=datetime.timedelta(seconds=1.6),
                                confidence=0.8,
                            ),
                        ],
                    )
                ]
            ),
            stt.SpeechRecognitionResult(alternatives=[]),
        ]
    )
    words = gcp_speech.words_from_results(resp.results)
    assert [(w.text, w.start, w.end, w.probability) for w in words] == [
        ("Hello", 0.5, 0.9, 0.9),
        ("world.", 1.1, 1.6, 0.8),
    ]


def test_speech_v2_transcriber_uses_inline_recognize_for_short_audio(tmp_path):
    wav = tmp_path / "a.wav"
    wav.write_bytes(_wav_bytes(2.0))

    class FakeClient:
        def recognize(self, request):
            self.request = request
            return stt.RecognizeResponse(
                results=[
                    stt.SpeechRecognitionResult(
                        alternatives=[
                            stt.SpeechRecognitionAlternative(
                                words=[
                                    stt.WordInfo(
                                        word="Hi",
                                        start_offset=datetime.timedelta(seconds=0.2),
                                        end_offset=datetime.timedelta(seconds=0.4),
                                    )
                                ]
                            )
                        ]
                    )
                ]
            )

    t = gcp_speech.SpeechV2Transcriber("proj")
    t._client = FakeClient()
    out = t.transcribe(wav, "en-US")
    assert t._client.request.content == wav.read_bytes()
    assert out.duration == 2.0 and [w.text for w in out.words] == ["Hi"]


def test_translation_request_and_glossary_response():
    terms = [GlossaryTerm(source="factory", target="planta", target_language="es")]
    gid = gcp_translate.glossary_id("en", "es", terms)
    assert gid == gcp_translate.glossary_id("en", "es", list(terms)) and gid.startswith("avp-en-es-")
    assert gcp_translate.glossary_csv("en", "es", terms).splitlines() == ["en,es", "factory,planta"]
    req = gcp_translate.translate_request(
        "projects/p/locations/us-central1",
        ["The factory"],
        "en",
        "es",
        "projects/p/locations/us-central1/glossaries/" + gid,
    )
    assert isinstance(req, translate_v3.TranslateTextRequest)
    assert req.glossary_config.glossary.endswith(gid) and req.target_language_code == "es"
    resp = translate_v3.TranslateTextResponse(
        translations=[translate_v3.Translation(translated_text="La fábrica")],
        glossary_translations=[translate_v3.Translation(translated_text="La planta")],
    )
    assert gcp_translate.texts_from_response(resp, True) == ["La planta"]
    assert gcp_translate.texts_from_response(resp, False) == ["La fábrica"]
    g = gcp_translate.glossary_resource("projects/p/locations/us-central1", gid, "en", "es", "gs://b/g.csv")
    assert list(g.language_codes_set.language_codes) == ["en", "es"]


def test_cloud_translator_batches_and_reuses_glossary():
    class FakeClient:
        def __init__(self):
            self.requests, self.gets = [], 0

        def get_glossary(self, name):
            self.gets += 1
            return translate_v3.Glossary(name=name)

        def translate_text(self, request):
            self.requests.append(request)
            return translate_v3.TranslateTextResponse(
                glossary_translations=[translate_v3.Translation(translated_text=t.upper()) for t in request.contents]
            )

    tr = gcp_translate.CloudTranslator("p")
    tr._client = FakeClient()
    terms = [GlossaryTerm(source="a", target="b", target_language="es")]
    texts = [f"t{i}" for i in range(150)]
    assert tr.translate(texts, "en", "es", terms) == [t.upper() for t in texts]
    tr.translate(["x"], "en", "es", terms)
    assert len(tr._client.requests) == 3 and tr._client.gets == 1


def test_tts_request_and_duration(tmp_path):
    req = gcp_tts.synthesis_request("Hola", "es-ES", 1.3)
    assert isinstance(req, texttospeech.SynthesizeSpeechRequest)
    assert req.audio_config.audio_encoding == texttospeech.AudioEncoding.LINEAR16
    assert abs(req.audio_config.speaking_rate - 1.3) < 1e-6 and req.voice.language_code == "es-ES"

    class FakeClient:
        def synthesize_speech(self, request):
            self.request = request
            return texttospeech.SynthesizeSpeechResponse(audio_content=_wav_bytes(1.5, 24000))

    speech = gcp_tts.CloudSpeech()
    speech._client = FakeClient()
    assert speech.synthesize("Hola", "es", tmp_path / "x.wav", rate=9) == 1.5
    assert speech._client.request.voice.language_code == "es-ES"
    assert speech._client.request.audio_config.speaking_rate == 4.0  # clamped to the API's range


def test_gemini_mapping_with_fake_client(tmp_path):
    video = tmp_path / "v.mp4"
    video.write_bytes(b"\0" * 100)

    class Models:
        def generate_content(self, model, contents, config):
            self.config, self.contents = config, contents

            class R:
                text = json.dumps(
                    [
                        {"time": 5.3, "kind": "text", "text": 'The text "ACME" appears.', "value": "ACME  SALE"},
                        {"time": 6.0, "kind": "text", "text": "garbled", "value": "00 5005 Gr Mttenes, fe ee"},
                        {"time": 7.0, "kind": "people", "text": "Two people.", "value": "2"},
                        {"time": 8.0, "kind": "black", "text": "Fade to black."},
                        {"time": 99, "kind": "scene", "text": "outside"},
                        {"time": 1, "kind": "weird", "text": " A  man waves. "},
                        {"time": "x", "text": "bad"},
                        {"time": 2, "text": ""},
                    ]
                )

            return R()

    class Client:
        models = Models()

    d = gemini.GeminiDescriber("p", "europe-west1", client=Client())
    tr = Transcript("en", 10.0, [Word(0.1, 0.5, "Hi"), Word(0.6, 1.0, "there"), Word(6.0, 6.5, "Bye")])
    events = d.describe(video, tr, tmp_path, "en")
    # the same contract as the local describer: garbled text is not quoted, text, people and
    # fades are worded with the language's own phrases (so every language gets them)
    assert [(e.time, e.kind, e.text) for e in events] == [
        (1.0, "description", "A man waves."),
        (5.3, "text", 'The text "ACME SALE" appears on the screen.'),
        (7.0, "people", "Two people are on screen."),
        (8.0, "scene", "The screen goes black."),
    ]
    assert [e.key for e in events] == ["", "text", "people", "black"]
    assert Client.models.config.response_mime_type == "application/json"
    assert "0.1-1.0s" in Client.models.contents[1] and "6.0-6.5s" in Client.models.contents[1]


def test_glossary_hints_become_an_inline_phrase_set():
    req = gcp_speech.recognize_request("p", "global", "en", b"", ["Zentrix", "Zentrix", "widget factory"])
    phrases = req.config.adaptation.phrase_sets[0].inline_phrase_set.phrases
    assert [p.value for p in phrases] == ["Zentrix", "widget factory"]
    assert all(p.boost == gcp_speech.PHRASE_BOOST for p in phrases)
    assert not gcp_speech.recognize_request("p", "global", "en", b"").config.adaptation.phrase_sets


def test_language_identification_asks_chirp_2_for_auto_detection():
    req = gcp_speech.language_request("proj", "us-central1", b"RIFF")
    assert req.recognizer == "projects/proj/locations/us-central1/recognizers/_"
    assert list(req.config.language_codes) == ["auto"] and req.config.model == gcp_speech.LID_MODEL


def test_language_identification_weighs_languages_by_recognised_time():
    def result(end, lang, text="hola"):
        return stt.SpeechRecognitionResult(
            alternatives=[stt.SpeechRecognitionAlternative(transcript=text)],
            result_end_offset=datetime.timedelta(seconds=end),
            language_code=lang,
        )

    guess = gcp_speech.guess_from_results([result(8, "es-ES"), result(10, "en-US", "ok"), result(18, "es-es")])
    assert guess.language == "es" and guess.probability == 0.889 and guess.alternatives == [("en", 0.111)]
    assert gcp_speech.guess_from_results([result(3, "es-ES", " ")]) is None


def test_the_first_seconds_of_a_wav_are_cut_for_identification(tmp_path):
    path = tmp_path / "long.wav"
    path.write_bytes(_wav_bytes(3.0))
    head = gcp_speech._head_wav(path, 1.0)
    with wave.open(io.BytesIO(head)) as f:
        assert f.getnframes() == 16000 and f.getframerate() == 16000
