"""The web console's speed: first render of the review page for a one-hour job (~900 caption
cues), the time one keystroke in a cue takes to reach the screen, and the bundle size.

Starts the local platform (temp data folder), seeds a one-hour job at SOURCE_QC with
`--cues` caption cues and a description track through the platform's own document and file
ports, signs in as the ADMIN in Debian's Chromium (Playwright) and measures in the page:

- first render: from navigation start to the last cue row in the DOM (performance.now()),
  and to the first paint after it (requestAnimationFrame);
- keystroke: an `input` event on cue N/2's text box, Preact's re-render (all rows' QC flags
  recomputed) and a forced layout, per keystroke (median and p95 of `--keys`);
- bundle: the built web/dist/assets files, raw and gzipped.

Figures are printed, not asserted (targets from issue 11: < 1000 ms, < 16 ms, < 300 kB gz).
Usage: .venv/bin/python bench/console.py [--cues 900] [--keys 60] [--runs 3]
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _platform import ADMIN_EMAIL, ADMIN_PASSWORD, LocalPlatform  # noqa: E402

from shared import bootstrap, config  # noqa: E402
from shared.ids import new_id  # noqa: E402
from shared.timestamps import now_iso  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "web" / "dist"
WORDS = "the team checks every widget before it leaves the factory floor today and then".split()


def ts(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def vtt(n: int, kind: str, step: float) -> str:
    out = ["WEBVTT", f"Kind: {kind}"]
    for i in range(n):
        start = 0.5 + i * step
        words = [WORDS[(i + k) % len(WORDS)] for k in range(7 if kind == "captions" else 10)]
        text = " ".join(words[:4]) + "\n" + " ".join(words[4:]) if kind == "captions" else " ".join(words)
        out.append(f"{i + 1}\n{ts(start)} --> {ts(start + step * 0.8)}\n{text.capitalize()}.")
    return "\n\n".join(out) + "\n"


def seed(data_dir: str, cues: int) -> str:
    """A one-hour job at SOURCE_QC with `cues` captions and cues/10 descriptions."""
    os.environ["AVP_DATA_DIR"] = data_dir
    config.reset()
    bootstrap.reset()
    p = bootstrap.platform()
    org, job = new_id(), new_id()
    now = now_iso()
    p.documents.create("organizations", org, {"name": "Bench", "created_at": now})
    p.documents.create(
        "jobs",
        job,
        {
            "org_id": org,
            "created_by": "bench",
            "title": "One-hour programme",
            "status": "SOURCE_QC",
            "source_language": "en",
            "requested_outputs": ["en"],
            "options": {"delivery_profile": "default", "extended_ad": False, "burn_in": False},
            "outputs": {},
            "language_qc": {},
            "media": {"duration": 3600.0, "fps": 25.0},
            "feedback": [],
            "created_at": now,
            "updated_at": now,
            "step_attempts": {},
            "vtt_changed_since_render": False,
        },
    )
    step = 3590.0 / cues
    p.files.put_bytes(f"jobs/{job}/en/captions.vtt", vtt(cues, "captions", step).encode(), "text/vtt")
    p.files.put_bytes(
        f"jobs/{job}/en/descriptions.vtt", vtt(cues // 10, "descriptions", step * 10).encode(), "text/vtt"
    )
    return job


FIRST_RENDER_JS = """(n) => new Promise((resolve) => {
  const done = () => requestAnimationFrame(() => resolve({
    rows: performance.now(), painted: performance.now()}));
  const check = () => document.querySelector(`[data-cue="${n}"]`) ? done() : setTimeout(check, 5);
  check();
})"""

KEYSTROKE_JS = """async ([n, keys]) => {
  const el = document.getElementById(document.querySelector(`[data-cue="${n}"] textarea`).id);
  el.focus();
  const times = [];
  for (let k = 0; k < keys; k++) {
    const t0 = performance.now();
    el.value = el.value + (k % 5 === 4 ? ' ' : 'x');
    el.dispatchEvent(new InputEvent('input', {bubbles: true, data: 'x', inputType: 'insertText'}));
    await Promise.resolve();                      // Preact renders in a microtask
    await new Promise((r) => setTimeout(r, 0));   // and any follow-up effects
    void document.body.offsetHeight;              // layout of what changed
    times.push(performance.now() - t0);
  }
  return times;
}"""


def measure(base: str, job: str, cues: int, keys: int, runs: int) -> None:
    from playwright.sync_api import sync_playwright  # heavy: only this bench needs it

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        ctx = browser.new_context(base_url=base, viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        page.goto("/signin")
        page.get_by_label("Email address").fill(ADMIN_EMAIL)
        page.get_by_label("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.get_by_role("button", name="Sign out").wait_for()
        first, painted, strokes = [], [], []
        for _ in range(runs):
            page.goto(f"/jobs/{job}/review/en")
            r = page.evaluate(FIRST_RENDER_JS, cues)
            first.append(r["rows"])
            painted.append(r["painted"])
            strokes += page.evaluate(KEYSTROKE_JS, [cues // 2, keys])
            page.evaluate("() => localStorage.clear()")
        browser.close()
    strokes.sort()
    print(f"review page, {cues} caption cues + {cues // 10} descriptions (Chromium {runs} runs):")
    print(
        f"  first render: rows in DOM median {statistics.median(first):.0f} ms, painted {statistics.median(painted):.0f} ms"
    )
    print(f"    (navigation start -> last cue row; all runs: {', '.join(f'{x:.0f}' for x in first)} ms)")
    p95 = strokes[int(0.95 * (len(strokes) - 1))]
    print(
        f"  keystroke in cue {cues // 2}: median {statistics.median(strokes):.1f} ms, p95 {p95:.1f} ms, max {strokes[-1]:.1f} ms"
    )


def bundle() -> None:
    files = sorted(p for p in (DIST / "assets").glob("*") if p.suffix in (".js", ".css"))
    raw = sum(p.stat().st_size for p in files)
    gz = sum(len(gzip.compress(p.read_bytes(), 9)) for p in files)
    print(f"bundle: {len(files)} files, {raw / 1024:.1f} kB raw, {gz / 1024:.1f} kB gzipped")
    for p in files:
        print(
            f"  {p.name}: {p.stat().st_size / 1024:.1f} kB raw, {len(gzip.compress(p.read_bytes(), 9)) / 1024:.1f} kB gz"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cues", type=int, default=900)
    ap.add_argument("--keys", type=int, default=60)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not (DIST / "index.html").is_file():
        print("web/dist is not built: run ./scripts/setup")
        return 1
    bundle()
    with LocalPlatform({"AVP_COOKIE_SECURE": "0"}) as platform:
        job = seed(platform.data, args.cues)
        measure(platform.base.replace("127.0.0.1", "localhost"), job, args.cues, args.keys, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
