"""The review screen's live reading-speed check (web/src/screens/review/qc.ts) against the
server's rule (shared.media.caption_rules, decisions 0339 and 0829): qc.ts bundled as the console
bundles it (rolldown from web/node_modules) and run in Node on random cue lists of every profile
and frame rate; every reading_speed flag must read exactly as caption_rules.check writes it."""

import json
import random
import subprocess
from pathlib import Path

from shared.media import caption_rules
from shared.media.types import Cue

ROOT = Path(__file__).resolve().parents[3]
WEB = ROOT / "web"
WORDS = (
    "we the a quarterly report shows strong growth in every region sales by 12% compared with last year naïve".split()
)
RUN = """
import { captionFlags, PROFILES } from "%s";
import fs from "fs";
const out = JSON.parse(fs.readFileSync(0, "utf8")).map((c) => {
  const got = [];
  c.cues.forEach((_, i) =>
    captionFlags(c.cues, i, PROFILES[c.profile], c.fps, "en", "en", [])
      .filter((f) => f.rule === "reading_speed")
      .forEach((f) => got.push([i + 1, f.text])),
  );
  return got;
});
process.stdout.write(JSON.stringify(out));
"""


def _cues(rng: random.Random) -> list[Cue]:
    t, cues = rng.uniform(0, 2), []
    for _ in range(rng.randint(1, 6)):
        t += rng.choice([0.0, 0.08, 0.3, rng.uniform(0, 1.5)])
        d = rng.choice([round(rng.uniform(0.3, 4), 3), rng.randint(1, 16) / 4])
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 14))]
        half = len(words) // 2
        text = " ".join(words) if len(words) < 6 else " ".join(words[:half]) + "\n" + " ".join(words[half:])
        cues.append(Cue(round(t, 3), round(t + d, 3), text))
        t += d
    return cues


def test_the_live_reading_speed_flag_is_the_servers(tmp_path):
    bundle = tmp_path / "qc.mjs"
    subprocess.run(
        [
            str(WEB / "node_modules" / ".bin" / "rolldown"),
            "src/screens/review/qc.ts",
            "--format",
            "esm",
            "--file",
            str(bundle),
        ],
        cwd=WEB,
        check=True,
        capture_output=True,
    )
    rng = random.Random(829)
    cases = []
    for _ in range(3000):
        name, fps, cues = rng.choice(["default", "bbc", "dcmp"]), rng.choice([24.0, 25.0, 29.97, 30.0]), _cues(rng)
        expected = [
            [i["cue"], i["detail"]]
            for i in caption_rules.check(cues, caption_rules.profile(name), fps)
            if i["rule"] == "reading_speed"
        ]
        cases.append({"profile": name, "fps": fps, "cues": [vars(c) for c in cues], "expected": expected})
    script = tmp_path / "run.mjs"
    script.write_text(RUN % bundle.as_posix())
    run = subprocess.run(["node", str(script)], input=json.dumps(cases), capture_output=True, text=True, check=True)
    got = json.loads(run.stdout)
    wrong = [(c, g) for c, g in zip(cases, got) if g != c["expected"]]
    assert sum(len(c["expected"]) for c in cases) > 3000  # the cases do exercise the rule
    assert not wrong, json.dumps(wrong[:3], indent=1)
