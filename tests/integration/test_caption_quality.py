"""Caption quality on generated cases (tests/support/quality.py), through the real media steps:
clean speech with a made-up brand name and music intro + music bed + two voices at 29.97 fps
meet the issue's aims; fast speech (espeak-ng and Piper) is decoded again slowed down, meets
them too, and its numbers follow the house style; Spanish speech is caught when the job claims English and detected when
the job leaves the language out. bench/quality.py prints the same figures for more cases."""

import json

import pytest

from shared.media import sound_tags, vtt
from shared.pipeline.media_steps import STEPS
from tests.support import quality as q

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("quality")


@pytest.fixture
def documents(platform):
    return platform.documents


def run(name, folder, documents, steps=("transcribe", "translate"), **changes):
    case = q.cases()[name]
    for key, value in changes.items():
        setattr(case, key, value)
    gid = None
    if case.glossary:
        gid = f"g-{name}"
        documents.create("glossaries", gid, {"org_id": "o", "name": name, "terms": case.glossary})
    gen = q.generate(case, folder / "media")
    job, _ = q.run_steps(gen, folder / "work" / f"{name}-{case.claimed}", list(steps), gid)
    return gen, job


def assert_every_cue_within_profile_or_flagged(figures):
    assert figures["unflagged_crossings"] == 0, figures["crossing"]


def test_clean_speech_meets_the_aims(folder, documents):
    gen, job = run("clean", folder, documents)
    f = q.measure(gen, job, folder / "work" / "clean-en")
    assert f["language"]["status"] == "match"
    assert f["wer"] <= 0.08, f
    assert f["suber"] <= 10.0, f
    # Every sentence end ends a cue: the one the recogniser runs together ("sheet. Then we"
    # heard as "sheet and we") is found again from the pause and the falling pitch, and listed.
    assert f["crossing"]["sentence_end"] == 0 and f["crossing"]["pause"] == 0, f
    report = q.qc_report(folder / "work" / "clean-en", job, "en")["captions"]
    assert not any(i["rule"] == "sentence_end" for i in report["issues"])
    assert f["unflagged_crossings"] == 0, f
    assert [(a["after"], a["before"]) for a in report["sentence_ends_added"]] == [("sheet.", "And")]
    assert f["ends_added"] == {"added": 1, "right": 1}
    assert f["sentence_ends"]["recall"] == 1.0 and f["sentence_ends"]["precision"] == 1.0, f
    assert f["chrf_es"] >= 45.0, f
    assert f["tags"]["found"] == 0 and f["tags"]["false"] == 0, f["tags"]  # pauses are silence, not music
    es = " ".join(c.text for c in q.read_cues(folder / "work" / "clean-en", job, "es"))
    assert "Zentrix" in es  # heard right with the glossary hint, and kept by the glossary


def test_music_and_two_voices_meet_the_aims(folder, documents):
    gen, job = run("music_two_voices", folder, documents)
    root = folder / "work" / "music_two_voices-en"
    f = q.measure(gen, job, root)
    assert f["wer"] <= 0.12, f
    assert f["crossing"]["speaker_change"] == 0 and f["crossing"]["pause"] == 0, f
    # one to one: a second dash next to a true change counts as false
    assert f["speakers"]["strict_recall"] >= 0.75 and f["speakers"]["strict_precision"] >= 0.75, f["speakers"]
    assert_every_cue_within_profile_or_flagged(f)
    cues = q.read_cues(root, job, "en")
    assert any(c.text.startswith("- ") for c in cues)  # speaker changes marked
    # The music intro is told as music (0354), clear of the first speech cue, and nothing else is.
    assert f["tags"]["found"] == 1 and f["tags"]["false"] == 0, f["tags"]
    assert cues[0].text == "[music]" and cues[0].start == 0.0 and cues[0].end >= 3.0, cues[0]
    speech = [c for c in cues if not sound_tags.is_tag(c.text)]
    assert speech[0].start >= 4.0 and cues[0].end < speech[0].start  # nothing else over the intro
    assert f["suber"] <= 10.0, f  # against the reference with the tag a captioner writes
    # The Spanish question opens with its mark, which Apertium leaves out (target_text).
    es = [c.text for c in q.read_cues(root, job, "es")]
    assert any("¿" in t and t.rstrip().endswith("?") for t in es), es
    assert es[0] == "[música]" and f["tags_es"]["found"] == 1, es  # the language's own word, alone
    assert not any("música" in t for t in es[1:]), es

    # A reviewer changes the tag at SOURCE_QC: the new words go to Spanish alone, in brackets;
    # deleted, no tag is left in Spanish.
    src = root / "store" / job["outputs"]["en"]["captions_vtt"]
    original = src.read_text()
    src.write_text(original.replace("[music]", "[upbeat music]"))
    STEPS["translate"](q.FolderIO(dict(job), root / "store", root / "work" / "retranslate"))
    es = [c.text for c in q.read_cues(root, job, "es")]
    assert es[0].startswith("[") and es[0].endswith("]") and "música" in es[0], es
    assert not es[1].startswith("["), es
    cues = vtt.read(original)
    src.write_text(vtt.write(cues[1:]))
    STEPS["translate"](q.FolderIO(dict(job), root / "store", root / "work" / "retranslate-2"))
    es = [c.text for c in q.read_cues(root, job, "es")]
    assert not any(sound_tags.is_tag(t) for t in es), es
    src.write_text(original)


def test_fast_speech_is_decoded_again_slowed_down_and_numbers_follow_the_house_style(folder, documents):
    # espeak-ng at 230 words per minute: one pass at full speed mishears a sixth of the words
    # (17 %); decoded again slowed to about 165 words per minute (sox) and combined with the
    # first pass word by word, with the numbers written the profile's way ("12%", "40",
    # "two"), it meets the aims (0330, 0334, 0337).
    gen, job = run("fast", folder, documents, steps=("transcribe",))
    root = folder / "work" / "fast-en"
    f = q.measure(gen, job, root)
    assert f["wer"] <= 0.08, f
    assert f["suber"] <= 10.0, f
    assert f["crossing"]["sentence_end"] == 0 and f["unflagged_crossings"] == 0, f
    text = " ".join(c.text.replace("\n", " ") for c in q.read_cues(root, job, "en"))
    assert "12%" in text and " 40 " in text, text
    assert "twelve" not in text.lower() and "forty" not in text.lower(), text
    assert text.endswith("."), text
    # Every cue that goes over the reading speed (230 words per minute is faster than anyone
    # reads) is flagged for the reviewer, saying how to fix it (0339).
    assert f["reading"]["over_speed_unflagged"] == 0, f["reading"]
    flags = [i["detail"] for i in q.qc_report(root, job, "en")["captions"]["issues"] if i["rule"] == "reading_speed"]
    assert flags and all("condense it by" in d or "extend it into the gap" in d for d in flags), flags


def test_fast_speech_said_by_a_neural_voice_meets_the_aims(folder, documents):
    # The same script said by Piper's en_US-joe-medium at the same pace (about 236 words per
    # minute of speech): the misheard words of the espeak-ng case are espeak-ng's (0337).
    gen, job = run("fast_piper", folder, documents, steps=("transcribe",))
    f = q.measure(gen, job, folder / "work" / "fast_piper-en")
    assert f["wer"] <= 0.08, f
    assert f["suber"] <= 10.0, f


def test_two_fast_presenters_without_pauses_are_told_apart_and_every_cue_is_readable_or_flagged(folder, documents):
    # The first 16 sentences of the long fast case (about a minute at 230 words per minute, two
    # voices handing over with no pause the VAD sees): speaker changes come from sentence-by-
    # sentence voice prints (0335), and whatever a viewer cannot read in time is flagged.
    case = q.cases()["long_fast"]
    gen, job = run("long_fast", folder, documents, steps=("transcribe",), sentences=case.sentences[:16])
    root = folder / "work" / "long_fast-en"
    f = q.measure(gen, job, root)
    assert f["speakers"]["strict_recall"] >= 0.5 and f["speakers"]["strict_precision"] >= 0.75, f["speakers"]
    assert f["unflagged_crossings"] == 0, f["crossing"]
    assert f["reading"]["over_speed_unflagged"] == 0 and f["reading"]["too_many_lines"] == 0, f["reading"]
    assert f["reading"]["longest"] <= 7.0, f["reading"]
    cues = q.read_cues(root, job, "en")
    assert any(c.text.startswith("- ") for c in cues)
    text = " ".join(c.text.replace("\n", " ") for c in cues)
    assert "percent" not in text and " %" not in text, text  # "4%", "15%" (0334)
    assert text.endswith("."), text
    for prev, cue in zip(cues, cues[1:]):  # a sentence starts with a capital
        if prev.text.rstrip().endswith((".", "?", "!")):
            assert cue.text.removeprefix("- ")[:1].isupper(), (prev.text, cue.text)


def test_spanish_speech_in_an_english_job_is_flagged_not_captioned(folder, documents):
    gen, job = run("spanish_claimed_english", folder, documents, steps=("transcribe",))
    root = folder / "work" / "spanish_claimed_english-en"
    report = q.qc_report(root, job, "en")
    assert report["language"]["status"] == "mismatch" and report["language"]["heard"] == "es"
    assert report["language"]["probability"] >= 0.5
    assert report["captions"]["issues"][0]["rule"] == "language"
    assert q.read_cues(root, job, "en") == []
    assert job["qc_report"]["en"]["language"]["heard"] == "es"


def test_spanish_speech_is_detected_when_the_job_leaves_the_language_out(folder, documents):
    gen, job = run("spanish_claimed_english", folder, documents, steps=("transcribe",), source_language="und")
    root = folder / "work" / "spanish_claimed_english-und"
    assert job["source_language"] == "es"
    report = json.loads((root / "store" / job["outputs"]["es"]["qc_report"]).read_text())
    assert report["language"]["status"] == "detected"
    assert len(q.read_cues(root, job, "es")) >= 2
