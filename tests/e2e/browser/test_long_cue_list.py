"""A long cue list on a phone, in Chromium against the real platform: a five-minute programme
(a generated silent video, so the pipeline takes seconds) whose reviewer saved 250 captions
through the VTT API. At 390 px the review page lists all 250 in the long-list mode (rows off
screen skip layout: `content-visibility`, console-2's keystroke work), and axe-core, target-size
included, finds nothing serious with the top, the middle or the end of the list in view
(sessions 3 and 4 reported target-size failures for lists over 200 cues; decision 0831). The jobs
list on the same phone stacks each row (decision 0832)."""

import subprocess
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.browser.doc_shots import doc_shot
from tests.e2e.browser.support import PASSWORD, axe_check, create_job, sign_in, wait_status
from tests.support.media import LONG_PARAGRAPHS

CUES = 250
SECONDS = 300


def _silent_programme(folder: Path) -> Path:
    """Five minutes of a plain picture without sound (320x240, 25 fps)."""
    out = folder / "five-minutes-silent.mp4"
    if not out.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", f"color=c=navy:s=320x240:r=25:d={SECONDS}"]
            + ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(out)],
            check=True,
        )
    return out


def _ts(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def _captions(n: int) -> str:
    """n two-line captions across the programme, 1.0 s each with gaps, from the factory talk."""
    words = " ".join(LONG_PARAGRAPHS).split()
    step = (SECONDS - 2) / n
    cues = []
    for i in range(n):
        said = [words[(i * 6 + k) % len(words)] for k in range(6)]
        start = 1 + i * step
        cues.append(f"{i + 1}\n{_ts(start)} --> {_ts(start + step * 0.85)}\n{' '.join(said[:3])}\n{' '.join(said[3:])}")
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def start_jobs(admin, video) -> dict:
    """Called by conftest when the session starts: the pipeline works on this job meanwhile."""
    org = admin.create_org("Long List Org")
    programme = _silent_programme(Path(video).parent / "long-list")
    return {"org": org, "job": create_job(admin, org, programme, ["en"], "Five-minute programme")}


def test_250_cues_at_390_px_pass_axe(page, started_jobs, admin):
    org, job = started_jobs[__name__]["org"], started_jobs[__name__]["job"]
    reviewer = admin.add_member(org, "REVIEWER")
    wait_status(admin, job, "SOURCE_QC")
    current = reviewer.call("GET", f"/api/v1/jobs/{job}/vtt/en?kind=captions")
    reviewer.call(
        "PATCH",
        f"/api/v1/jobs/{job}/vtt/en?kind=captions",
        json={"content": _captions(CUES), "message": "Captioned by hand"},
        headers={"If-Match": current.headers["ETag"]},
    )

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, reviewer.email, PASSWORD, f"/jobs/{job}/review/en")
    rows = page.locator(".cue-list > li")
    expect(rows).to_have_count(CUES, timeout=30_000)
    expect(page.locator(".cue-list.cue-list-long")).to_have_count(1)  # rows off screen skip layout
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    axe_check(page, "review, 250 cues at 390 px (top)")
    doc_shot(page, "review-phone")
    for n in (CUES // 2, CUES):
        page.locator(f'[data-cue="{n}"]').scroll_into_view_if_needed()
        expect(page.get_by_label(f"Cue {n} text", exact=True)).to_be_visible()
        axe_check(page, f"review, 250 cues at 390 px (cue {n} in view)")
    # The last row's buttons are big enough to hit with a thumb.
    for button in page.locator(f'[data-cue="{CUES}"] button').all():
        box = button.bounding_box()
        assert box is not None and box["height"] >= 24 and box["width"] >= 24, box

    # The jobs list on the same phone: each row stacked, every cell in view (decision 0832).
    page.goto("/jobs?find=Five-minute")  # (a reviewer sees every organisation's jobs: find it)
    row = page.locator("tbody tr", has=page.get_by_role("link", name="Five-minute programme"))
    updated = row.get_by_role("cell").last
    expect(updated).to_have_attribute("data-label", "Updated")
    box = updated.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390, box
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    axe_check(page, "jobs list at 390 px")
