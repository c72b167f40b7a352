"""The local media engines on a tiny generated video (espeak-ng speech with a known script, a
5 s pause with on-screen text drawn by ffmpeg): faster-whisper, scene/OCR description,
Apertium, espeak-ng, pycaption exports and the ffmpeg render with its verification."""

import json
import subprocess
import wave
from pathlib import Path

import pytest

from shared.errors import PermanentStepError
from shared.media import caption_rules, ducking, glossary, languages, narration, vtt, whisper_models
from shared.media import describe as ad
from shared.media import ffmpeg as ff
from shared.media import render as rd
from shared.media import transcript as tr
from shared.media.apertium import ApertiumTranslator
from shared.media.tts import EspeakSpeech, PiperSpeech, wav_duration
from shared.media.types import Transcript, Word
from shared.media.whisper import FasterWhisperTranscriber
from shared.pipeline.media_steps import STEPS
from tests.support.media import session_video, wer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    return session_video(tmp_path_factory)


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("engines")


@pytest.fixture(scope="module")
def wav(video, work):
    return ff.extract_wav16k(video.path, work / "a16k.wav")


@pytest.fixture(scope="module")
def transcript(wav):
    return tr.clean(FasterWhisperTranscriber().transcribe(wav, "en"), wav)


def test_probe_and_16k_extraction(video, wav):
    info = ff.probe(video.path)
    assert info.has_audio and info.has_video and info.fps == 25
    assert abs(info.duration - video.duration) < 0.1
    with wave.open(str(wav), "rb") as f:
        assert (f.getframerate(), f.getnchannels(), f.getsampwidth()) == (16000, 1, 2)
    assert ff.version()


def test_whisper_transcribes_the_script_with_word_timings(video, transcript):
    assert wer(video.script, transcript.text) <= 0.15, transcript.text
    pause_start, pause_end = video.pauses[0]
    inside = [w for w in transcript.words if pause_start + 0.3 < (w.start + w.end) / 2 < pause_end - 0.3]
    assert inside == [], "no words during the pause"
    assert all(b.start >= a.start for a, b in zip(transcript.words, transcript.words[1:]))


def test_text_over_silence_is_dropped(transcript, wav):
    ghost = Word(7.0, 7.6, "Subscribe")  # inside the silent pause
    kept, dropped = tr.drop_over_silence(transcript.words + [ghost], wav)
    assert ghost not in kept and len(kept) == len(transcript.words)
    assert dropped == [{"reason": "text over silence", "start": 7.0, "end": 7.6, "text": "Subscribe"}]


def test_captions_from_real_timings_pass_qc_and_export(transcript, video):
    prof = caption_rules.profile("netflix")
    cues = caption_rules.build_cues(transcript.words, prof, video.fps, video.duration)
    assert cues and caption_rules.check(cues, prof, video.fps) == []
    text = vtt.write_captions(cues)
    back = vtt.read(text)
    assert [(c.start, c.end, c.text) for c in back] == [(c.start, c.end, c.text) for c in cues]
    exports = vtt.export_all(text, "en")
    from pycaption import DFXPReader, SCCReader, SRTReader

    assert len(SRTReader().read(exports["srt"], lang="en").get_captions("en")) == len(cues)
    assert len(DFXPReader().read(exports["ttml"]).get_captions("en")) == len(cues)
    assert exports["scc"] and SCCReader().read(exports["scc"]).get_captions("en-US")
    with pytest.raises(vtt.VttError):
        vtt.read("not a vtt")


def test_local_describer_finds_scene_change_and_on_screen_text(video, transcript, work):
    events = ad.LocalDescriber().describe(video.path, transcript, work, "en")
    start, end = video.pauses[0]
    texts = [e for e in events if e.kind == "text"]
    # the cut at the pause and the title it shows make one event, anchored on the cut
    assert texts and "ACME WIDGETS" in texts[0].text and abs(texts[0].time - start) < 0.2
    assert not [e for e in events if e.kind == "scene" and abs(e.time - start) < ad.SCENE_NEAR]
    gaps = ad.dialogue_gaps(transcript.words, video.duration)
    placed = ad.place(events, gaps, video.duration, "en", transcript.words)
    assert len(placed) == 1 and not placed[0].extended
    assert start <= placed[0].start and placed[0].end <= end + 0.3
    assert "ACME WIDGETS" in placed[0].text


def test_apertium_pairs_are_discovered_and_translate_with_glossary():
    assert {"en", "es", "ca", "gl", "eo"} <= set(languages.supported_targets("en"))
    assert languages.apertium_mode("en", "es") == "eng-spa" and languages.apertium_mode("en", "ja") is None
    assert languages.supported_targets("eu") == ["en", "eu"]
    terms = glossary.terms_for(
        {"terms": [{"id": "t", "source": "factory", "target_language": "es", "target": "planta"}]}, "es"
    )
    r = glossary.translate_enforced(
        ApertiumTranslator(), ["Welcome to the factory.", "Good morning."], "en", "es", terms
    )
    assert "planta" in r.texts[0].lower() and "fábrica" not in r.texts[0].lower()
    assert "buenos" in r.texts[1].lower()
    assert r.enforced[0]["term_id"] == "t" and r.unenforced == []


def test_espeak_rate_and_narration_fitting(work):
    speech = EspeakSpeech()
    slow = speech.synthesize("The text ACME WIDGETS appears on the screen.", "en", work / "s1.wav", 1.0)
    fast = speech.synthesize("The text ACME WIDGETS appears on the screen.", "en", work / "s2.wav", 1.5)
    assert 0.55 < fast / slow < 0.8
    assert speech.synthesize("Hola a todos.", "es", work / "s3.wav") > 0.3
    cues = [
        vtt.VttCue(1.0, 3.0, "The text ACME WIDGETS appears on the screen."),
        vtt.VttCue(6.0, 7.0, "A new scene begins and a long description follows that cannot possibly fit."),
    ]
    words = [Word(0.0, 0.9, "hi"), Word(1.0 + slow * 0.8, 5.0, "talk"), Word(6.8, 9.0, "more")]
    folder = work / "plan"
    folder.mkdir()
    plan = narration.synthesize_plan(speech, cues, "en", words, 10.0, folder, 1.5)
    first, second = plan.clips
    assert not first.extended and first.rate > 1.0 and first.duration <= first.slot
    assert second.extended and second.rate == 1.0
    stem = narration.write_stem(plan, folder, 10.0, work / "narration.m4a")
    assert abs(ff.probe(stem).duration - 10.0) < 0.1


def test_render_mixes_normalises_and_verifies(video, work):
    info = ff.probe(video.path)
    folder = work / "render"
    folder.mkdir()
    speech = EspeakSpeech()
    cues = [vtt.VttCue(video.pauses[0][0] + 0.2, video.pauses[0][1], "The text ACME WIDGETS appears on the screen.")]
    plan = narration.synthesize_plan(speech, cues, "en", [], info.duration, folder)
    for c in plan.clips:
        c.local = str(folder / c.name)
    captions = folder / "captions.vtt"
    captions.write_text(vtt.write([vtt.VttCue(0.5, 2.0, "Welcome."), vtt.VttCue(9.4, 12.5, "The team.")]))
    mixed = rd.mix_programme(video.path, info, plan, folder / "mix.m4a")
    mp4 = rd.mux_accessible(video.path, info, mixed, [(captions, "en"), (captions, "es")], folder / "out.mp4")
    report = rd.verify(mp4, info, subtitles=2)
    assert abs(report["integrated_lufs"] + 23) <= 1 and report["true_peak_dbtp"] <= -1
    langs = [s["language"] for s in report["streams"] if s["kind"] == "subtitle"]
    assert langs == ["eng", "spa"]
    codec = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=codec_name",
            "-of",
            "csv=p=0",
            str(mp4),
        ],
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert codec == "h264"
    # Verification catches a wrong stream layout and a cut-short output.
    with pytest.raises(rd.RenderError):
        rd.verify(mp4, info, subtitles=3)
    clip = plan.clips[0]
    short = folder / "short.mp4"
    ff.ffmpeg("-i", str(mp4), "-map", "0", "-c", "copy", "-t", "5", str(short))
    with pytest.raises(rd.RenderError, match="lasts"):
        rd.verify(short, info, subtitles=2, check_loudness=False)
    assert clip.duration > 0


def test_extended_version_holds_the_picture(video, work):
    info = ff.probe(video.path)
    folder = work / "extended"
    folder.mkdir()
    speech = EspeakSpeech()
    cues = [vtt.VttCue(2.3, 2.5, "A long description that will never fit between these two sentences.")]
    words = [Word(0.5, 2.29, "first"), Word(2.87, 5.2, "second"), Word(9.5, 12.5, "third")]
    plan = narration.synthesize_plan(speech, cues, "en", words, info.duration, folder)
    assert plan.clips[0].extended
    for c in plan.clips:
        c.local = str(folder / c.name)
    captions = folder / "captions.vtt"
    captions.write_text(vtt.write([vtt.VttCue(0.5, 2.0, "Welcome."), vtt.VttCue(9.4, 12.5, "The team.")]))
    ext = rd.extended_version(video.path, info, plan, [(captions, "en")], folder / "ext.mp4")
    hold = ext.holds[0][1]  # whole frames (decision 0342): at most one frame over clip + pad
    assert 0 <= hold - (plan.clips[0].duration + rd.HOLD_PAD) < 1 / info.fps + 0.001
    assert abs(ext.duration - (info.duration + hold)) < 0.01
    report = rd.verify(ext.path, info, subtitles=1, expected_duration=ext.duration, reencoded=True)
    assert abs(report["integrated_lufs"] + 23) <= 1
    moved = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(ext.path), "-map", "0:s:0", "-f", "webvtt", "-"],
        capture_output=True,
        text=True,
    ).stdout
    assert vtt.read(moved)[1].start == pytest.approx(9.4 + hold, abs=0.01)


def test_no_text_over_music(work):
    """Speech followed by 8 s of a tonal music bed with noise: nothing is transcribed there."""
    speech = work / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(speech), "The music starts now."], check=True)
    mixed = work / "music.wav"
    ff.ffmpeg(
        "-i",
        str(speech),
        "-f",
        "lavfi",
        "-i",
        "sine=f=220:d=8",
        "-f",
        "lavfi",
        "-i",
        "sine=f=330:d=8",
        "-f",
        "lavfi",
        "-i",
        "anoisesrc=d=8:a=0.02",
        "-filter_complex",
        "[1][2][3]amix=inputs=3,volume=3,tremolo=f=4,aresample=16000[m];"
        "[0]aresample=16000[s];[s][m]concat=n=2:v=0:a=1,aformat=channel_layouts=mono",
        "-ar",
        "16000",
        "-ac",
        "1",
        "-c:a",
        "pcm_s16le",
        str(mixed),
    )

    speech_end = wav_duration(speech)
    out = tr.clean(FasterWhisperTranscriber().transcribe(mixed, "en"), mixed)
    assert wer("The music starts now.", out.text) <= 0.25, out.text
    assert all(w.start < speech_end + 0.3 for w in out.words), [(w.start, w.text) for w in out.words]


def test_english_only_model_refuses_other_languages(wav):
    with pytest.raises(PermanentStepError, match="only transcribes English"):
        FasterWhisperTranscriber(model="tiny.en").transcribe(wav, "es")


def test_language_identification_hears_english(wav):
    guess = FasterWhisperTranscriber().detect_language(wav)
    assert guess is not None and guess.language == "en" and guess.probability > 0.8, guess


class FolderIO:
    """A minimal StepIO over a folder (the runner's RunnerIO does the same over the file store)."""

    def __init__(self, job, root, workdir):
        self.job, self.root, self.workdir = job, root, workdir

    def _p(self, path):
        p = self.root / path
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def get_file(self, path, local):
        local.write_bytes(self._p(path).read_bytes())
        return local

    def put_file(self, path, local, content_type=""):
        self._p(path).write_bytes(local.read_bytes())

    def get_text(self, path):
        return self._p(path).read_text()

    def put_text(self, path, text, content_type=""):
        self._p(path).write_text(text)

    def exists(self, path):
        return (self.root / path).exists()

    def progress(self, pct):
        pass

    def cancelled(self):
        return False


def test_a_broken_manual_vtt_edit_fails_the_step_permanently(tmp_path):
    job = {"id": "j1", "source_language": "en", "requested_outputs": ["en", "es"], "outputs": {}}
    io = FolderIO(job, tmp_path / "store", tmp_path)
    io.put_text("jobs/j1/en/captions.vtt", "WEBVTT\n\n00:00:01.000 --> nonsense\nHello\n")
    with pytest.raises(PermanentStepError, match="en/captions.vtt is not valid WebVTT"):
        STEPS["translate"](io)


def _window_lufs(path, start, end):
    proc = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-af",
            f"atrim={start}:{end},ebur128",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
    )
    return rd.parse_ebur128(proc.stderr)["i"]


def _mix_one_description(folder, programme: str, text: str):
    """A 12 s programme from an ffmpeg source, one description at 4-7 s in espeak-ng, mixed:
    (programme file, the description's clip, the mix)."""
    folder.mkdir()
    bed = folder / "bed.m4a"
    ff.ffmpeg("-f", "lavfi", "-i", programme, "-ac", "2", "-ar", "48000", "-c:a", "aac", str(bed))
    info = ff.probe(bed)
    plan = narration.synthesize_plan(EspeakSpeech(), [vtt.VttCue(4.0, 7.0, text)], "en", [], info.duration, folder)
    clip = plan.clips[0]
    clip.local = str(folder / clip.name)
    return bed, clip, rd.mix_programme(bed, info, plan, folder / "mix.m4a")


def test_narration_sits_at_least_10_lu_above_the_ducked_programme(work):
    """A steady ambience bed with one description: in the description's window the narration is
    >= 10 LU above the programme, which outside the window is left at its level."""
    import math

    folder = work / "ducking"
    bed, clip, mixed = _mix_one_description(folder, "anoisesrc=d=12:c=pink:a=0.2", "The text ACME WIDGETS appears.")
    outside = _window_lufs(mixed, 0.5, 3.5)
    inside = _window_lufs(mixed, clip.start + 0.4, clip.start + clip.duration - 0.2)
    ducked = outside + rd.DUCK_DB
    narration_only = 10 * math.log10(10 ** (inside / 10) - 10 ** (ducked / 10))
    assert narration_only - ducked >= 10, (outside, inside, narration_only)
    print(f"programme {outside:.1f} LUFS, ducked {ducked:.1f}, narration {narration_only:.1f}")
    assert abs(ff.loudness(mixed)["integrated_lufs"] + 23) <= 1


def test_a_description_over_swelling_music_is_ducked_deeper_to_stay_15_lu_above_it(work):
    """Music that swells in a dialogue gap (where descriptions go) is louder there than the
    programme on average: the duck under that description goes deeper than DUCK_DB, so the
    narration stands about MARGIN_LU above the programme left under it (decision 0304)."""
    import math

    swell = "volume='if(between(t,3,10),1.0,0.2)':eval=frame"
    bed, clip, mixed = _mix_one_description(work / "swell", f"anoisesrc=d=12:c=pink:a=0.3,{swell}", "A crowd gathers.")
    end = clip.start + clip.duration
    swell_alone = _window_lufs(mixed, end + rd.RAMP + 0.3, 9.8)  # the swell, undescribed
    quiet = _window_lufs(mixed, 0.5, 2.5)
    inside = _window_lufs(mixed, clip.start, end)  # the window the depth was chosen for
    stem = bed.parent / "stem.wav"
    narration.write_stem_wav([clip], ff.probe(bed).duration, stem)
    depth = ducking.depths(
        [(clip.start, end)],
        rd._measure(bed),
        rd._gain_to(rd._measure(bed).integrated),
        rd._measure(stem),
        rd._gain_to(rd._measure(stem).integrated),
    )[0]
    ducked = swell_alone + depth
    narration_only = 10 * math.log10(10 ** (inside / 10) - 10 ** (ducked / 10))
    print(f"quiet {quiet:.1f}, swell {swell_alone:.1f}, depth {depth}, narration {narration_only:.1f} LUFS")
    assert swell_alone - quiet > 10  # the swell is the loud part of the programme
    assert depth < rd.DUCK_DB  # deeper than the fixed duck, which would leave ~12 LU here
    assert narration_only - ducked >= ducking.MARGIN_LU - 1.5, (swell_alone, inside, depth)
    assert abs(ff.loudness(mixed)["integrated_lufs"] + 23) <= 1


def test_cuts_to_black_and_white_are_described(work):
    clip = work / "cuts.mp4"
    ff.ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "color=c=orange:s=160x120:r=25:d=3[a];color=c=black:s=160x120:r=25:d=2[b];"
        "color=c=white:s=160x120:r=25:d=3[c];[a][b][c]concat=n=3:v=1:a=0",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        str(clip),
    )
    events = ad.LocalDescriber().describe(clip, Transcript("es", 8.0), work / "cuts", "es")
    assert [(round(e.time, 1), e.text) for e in events] == [
        (3.0, "La pantalla se funde a negro."),
        (5.0, "La pantalla se vuelve blanca."),
    ]


def test_quiet_source_keeps_its_words(wav, transcript, work):
    """The same speech 30 dB quieter: the silence floor follows the source, so no word is lost."""
    quiet = work / "quiet.wav"
    ff.ffmpeg("-i", str(wav), "-af", "volume=-30dB", "-c:a", "pcm_s16le", str(quiet))
    kept, dropped = tr.drop_over_silence(transcript.words, quiet)
    assert len(kept) == len(transcript.words) and dropped == []
    ghost = Word(7.0, 7.6, "Subscribe")
    assert tr.drop_over_silence([ghost], quiet)[0] == []


@pytest.mark.parametrize("engine", ["espeak-ng", "piper"])
def test_cue_text_starting_with_a_dash_is_spoken_not_parsed(engine, work):
    """Issue 13 item 1: a cue reading -f/etc/passwd must not make the voice read that file."""
    speech = EspeakSpeech() if engine == "espeak-ng" else PiperSpeech()
    seconds = speech.synthesize("-f/etc/passwd", "en", work / f"dash-{engine}.wav")
    assert 0.3 < seconds < 5.0  # /etc/passwd read aloud would last minutes
    assert speech.synthesize("--help -v", "en", work / f"dash2-{engine}.wav") < 5.0


def test_the_multilingual_model_is_joined_once_into_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("AVP_MODEL_CACHE", str(tmp_path / "cache"))
    first = Path(whisper_models.base_model_path())
    d1, d2 = whisper_models._base_parts()
    size = (d1 / "model.bin.part1").stat().st_size + (d2 / "model.bin.part2").stat().st_size
    assert (first / "model.bin").stat().st_size == size
    assert {"config.json", "tokenizer.json", "vocabulary.txt"} <= {p.name for p in first.iterdir()}
    mtime = (first / "model.bin").stat().st_mtime_ns
    assert Path(whisper_models.base_model_path()) == first and (first / "model.bin").stat().st_mtime_ns == mtime
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [first.name]  # no temporary folder left


def test_apertium_never_reads_caption_text_as_options():
    texts = ["-f /etc/passwd", "--help", "-u -f html eng-spa", "- Visit us today."]
    out = ApertiumTranslator().translate(texts, "en", "es")
    assert len(out) == 4
    assert not any("root:" in t or "USAGE" in t.upper() or "Usage" in t for t in out), out
    assert out[0].startswith("-f") and "passwd" in out[0]  # translated as text, not opened
    assert out[3].startswith("- ") and "hoy" in out[3].lower()


def test_the_tts_step_measures_every_standard_clip_in_the_stem(work):
    """A clip that is silent in the stem (what issue 12 saw: -70 LUFS under standard cues) is
    reported as inaudible."""
    folder = work / "levels"
    folder.mkdir()
    spoken = EspeakSpeech().synthesize("The screen goes black.", "en", folder / "ad-001.wav")
    with wave.open(str(folder / "ad-002.wav"), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(narration.SAMPLE_RATE)
        f.writeframes(b"\0\0" * narration.SAMPLE_RATE)
    plan = narration.Plan(
        "en",
        [
            narration.Clip("ad-001.wav", 1.0, spoken, 3.0, 1.0, "The screen goes black."),
            narration.Clip("ad-002.wav", 5.0, 1.0, 3.0, 1.0, "Silence."),
        ],
    )
    narration.write_stem(plan, folder, 8.0, folder / "narration.m4a")
    levels = narration.clip_levels(plan, folder / narration.STEM_WAV)
    assert [lv["audible"] for lv in levels] == [True, False]
    assert levels[0]["level_dbfs"] > -30 and levels[1]["level_dbfs"] == -120.0
    assert json.loads(json.dumps(levels)) == levels  # goes into the QC report as it is
