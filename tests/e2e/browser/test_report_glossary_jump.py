"""The QC report panel's "Go to" for a glossary term the translation did not keep
(web/src/screens/review/report.ts, decisions 0826 and 0831), bundled as the console bundles it
(rolldown from web/node_modules) and run in Node: with the report's `kind` and `at` (where the
text with the term starts, as the translate step writes them) the jump lands on the cue of that
sentence that says the term, even where the term is said more often than the report has entries;
a report from before has only `cue` and is still found by rank."""

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WEB = ROOT / "web"
RUN = """
import { reportSections } from "%s";
import fs from "fs";
const c = JSON.parse(fs.readFileSync(0, "utf8"));
const out = c.reports.map((r) => {
  const g = reportSections(r, "es", false, c.source).find((s) => s.id === "glossary");
  return g.notes.map((n) => [n.kind ?? null, n.at ?? null]);
});
process.stdout.write(JSON.stringify(out));
"""


def _cue(start: float, text: str) -> dict:
    return {"id": "", "start": start, "end": start + 1.5, "text": text}


SOURCE = {
    "captions": [
        _cue(0.0, "Zentrix opened in 1990."),
        _cue(2.0, "Today the team"),  # a sentence over three cues, the term in its last
        _cue(3.6, "at the plant builds"),
        _cue(5.2, "the new Zentrix mixer."),
        _cue(7.0, "Zentrix and Zentrix again."),  # said twice, one entry
        _cue(9.0, "Nothing here."),
    ],
    "descriptions": [_cue(1.0, "The Zentrix logo fills the screen.")],
}


def _report(entries: list[dict]) -> dict:
    return {"glossary": {"glossary_id": "g1", "terms": 1, "enforced": [], "unenforced": entries}}


def test_the_glossary_jump_goes_where_the_term_is_said(tmp_path):
    bundle = tmp_path / "report.mjs"
    subprocess.run(
        [str(WEB / "node_modules" / ".bin" / "rolldown"), "src/screens/review/report.ts", "--format", "esm"]
        + ["--file", str(bundle)],
        cwd=WEB,
        check=True,
        capture_output=True,
    )
    term = {"source": "Zentrix", "target": "Zentrix", "reason": "the translator changed it"}
    reports = [
        # As the translate step writes them now: the texts' starts.
        _report(
            [
                {**term, "cue": 2, "kind": "captions", "at": 2.0},
                {**term, "cue": 3, "kind": "captions", "at": 7.0},
                {**term, "cue": 5, "kind": "descriptions", "at": 1.0},
            ]
        ),
        # The sentence no longer says it (edited after translation): its start.
        _report([{**term, "cue": 4, "kind": "captions", "at": 9.0}]),
        # A report from before decision 0831: by rank over every cue that says the term.
        _report([{**term, "cue": 1}, {**term, "cue": 2}]),
    ]
    script = tmp_path / "run.mjs"
    script.write_text(RUN % bundle.as_posix())
    run = subprocess.run(
        ["node", str(script)],
        input=json.dumps({"reports": reports, "source": SOURCE}),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(run.stdout) == [
        [["captions", 5.2], ["captions", 7.0], ["descriptions", 1.0]],
        [["captions", 9.0]],
        [["captions", 0.0], ["captions", 5.2]],
    ]
