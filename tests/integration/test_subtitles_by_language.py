"""Burnt-in subtitles that translate the speech are for the listeners who do not follow it
(decision 0371): Spanish voices with English subtitles, run through the real transcribe,
describe and translate steps (faster-whisper, ffmpeg, RapidOCR, Apertium). The Spanish track
(the speech's language) leaves the subtitles out; the English track quotes them."""

import copy

import pytest

from shared.media import vtt
from shared.pipeline.media_steps import STEPS
from tests.support import description_cases as dc
from tests.support import quality as q

pytestmark = pytest.mark.slow


def test_the_speechs_own_track_leaves_its_subtitles_to_the_other_languages(tmp_path, platform):
    case = dc.foreign_subtitles(tmp_path / "media")
    job = {"id": "subs", "source_language": "es", "requested_outputs": ["es", "en"], "outputs": {}, "options": {}}
    store = tmp_path / "store"
    (store / "jobs" / "subs").mkdir(parents=True)
    (store / "jobs" / "subs" / "source.mp4").write_bytes(case.path.read_bytes())
    for step in ("transcribe", "describe", "translate"):
        result = STEPS[step](q.FolderIO(copy.deepcopy(job), store, tmp_path / "work" / step))
        q._merge(job, result)

    def track(lang: str) -> list[vtt.VttCue]:
        return vtt.read((store / job["outputs"][lang]["descriptions_vtt"]).read_text())

    spanish, english = track("es"), track("en")
    assert not [c.text for c in spanish if "Subtítulo" in c.text or "Subtitle" in c.text], spanish
    quoted = [c.text for c in english if c.text.startswith("Subtitle:")]
    assert quoted, [c.text for c in english]
    good, bad, garbage = dc.quotes(quoted, case.on_screen)
    assert good >= 1 and bad == 0, garbage
    assert [c.identifier for c in english] == [
        f"ad-{i + 1}" + ("-extended" if c.extended else "") for i, c in enumerate(english)
    ]
    starts = [c.start for c in english]
    assert starts == sorted(starts)
