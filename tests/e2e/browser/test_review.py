"""The review screen in Chromium against the real platform and a job the real pipeline made
from a generated video: edit and save a cue (QC flags recomputed as you type, keyboard
shortcuts, help panel; the reading-speed advice the same as the saved report's),
split/merge/insert/delete/nudge, drafts surviving a reload and a network
error, a conflicting save from a second browser context resolved without loss, restoring a
version, bulk shift, a failed step shown while it is retried, and the approvals through to
COMPLETED. axe runs on each state."""

import re
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from shared.media import caption_rules, vtt
from tests.e2e.browser.doc_shots import doc_shot
from tests.e2e.browser.support import PASSWORD, axe_check, create_job, sign_in, wait_status
from tests.support import quality


def start_jobs(admin, video) -> dict:
    """Called by conftest when the session starts: the pipeline works on these jobs meanwhile."""
    org = admin.create_org("Review Org")
    # The clean quality case with its glossary (the made-up brand is heard right with it): the
    # recogniser runs two sentences together, and the pipeline adds the full stop from the
    # falling voice (decision 0331), which its QC report lists (as tests/integration/
    # test_caption_quality.py checks on the media steps alone).
    case = quality.cases()["clean"]
    clean = quality.generate(case, Path(video).parent / "quality").video
    glossary = admin.call("POST", "/api/v1/glossaries", expect=201, json={"name": "Brands", "org_id": org}).json()
    for term in case.glossary:
        body = {k: term[k] for k in ("source", "target", "target_language")}
        admin.call("POST", f"/api/v1/glossaries/{glossary['id']}/terms", expect=201, json=body)
    clean_job = create_job(admin, org, clean, ["en"], "Metal workshop", glossary_id=glossary["id"])
    # English speech, but the job says Spanish
    mismatch = create_job(admin, org, video, ["es"], "Wrong language", source_language="es")
    # Fast speech (230 words a minute): the report flags reading speed with how to fix each cue
    # (decision 0339), which the live check must repeat (0829).
    fast = quality.generate(quality.cases()["fast"], Path(video).parent / "quality").video
    fast_job = create_job(admin, org, fast, ["en"], "Fast talk")
    return {
        "org": org,
        "fast": fast_job,
        "job": create_job(admin, org, video, ["en"], "Review tour"),
        "translated": create_job(admin, org, video, ["en", "es"], "Translated tour"),
        "clean": clean_job,
        "mismatch": mismatch,
    }


@pytest.fixture(scope="module")
def scene(started_jobs, admin):
    org, job_id, translated = (started_jobs[__name__][k] for k in ("org", "job", "translated"))
    reviewer = admin.add_member(org, "REVIEWER")
    second = admin.add_member(org, "REVIEWER")
    pm = admin.add_member(org, "PM")
    wait_status(admin, job_id, "SOURCE_QC")
    jobs = started_jobs[__name__]
    return {
        "job": job_id,
        "translated": translated,
        "clean": jobs["clean"],
        "mismatch": jobs["mismatch"],
        "fast": jobs["fast"],
        "org": org,
        "reviewer": reviewer,
        "second": second,
        "pm": pm,
        "admin": admin,
    }


def captions(user, job_id) -> str:
    return user.call("GET", f"/api/v1/jobs/{job_id}/vtt/en?kind=captions").json()["content"]


def cue(page, n: int):
    return page.get_by_label(f"Cue {n} text", exact=True)


def open_review(page, user, job_id):
    sign_in(page, user.email, PASSWORD, f"/jobs/{job_id}/review/en")
    cue(page, 1).wait_for()


def test_edit_a_cue_with_flags_shortcuts_and_save(page, scene):
    job, reviewer = scene["job"], scene["reviewer"]
    open_review(page, reviewer, job)
    axe_check(page, "review")
    doc_shot(page, "review")
    first = cue(page, 1)
    first.click()
    first.press("End")
    first.type(" And this line is far too long for one caption line")
    flags = page.get_by_role("list", name="QC flags of cue 1")
    expect(flags).to_contain_text("characters (max 42)")
    first.fill("Welcome, everyone.")
    expect(flags).to_have_count(0)

    page.keyboard.press("Alt+KeyH")
    help_panel = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_panel).to_contain_text("Play or pause")
    axe_check(page, "review keyboard help")
    help_panel.get_by_role("button", name="Close").click()

    first.focus()
    page.keyboard.press("Alt+ArrowDown")  # next cue
    expect(cue(page, 2)).to_be_focused()
    # "Play" plays the cue from its start and pauses at its end (the video follows the cue).
    page.get_by_role("button", name="Play cue 2", exact=True).click()
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v.currentTime > 0 && v.paused; }", timeout=20_000
    )
    end = page.evaluate("() => document.querySelector('video').currentTime")
    second = [line for line in captions(reviewer, job).splitlines() if "-->" in line][1]
    cue_end = sum(float(x) * m for x, m in zip(second.split(" --> ")[1].split(":"), (3600, 60, 1)))
    assert cue_end - 0.05 <= end <= cue_end + 0.6, (end, second)
    expect(page.locator(".cue-selected textarea")).to_have_value(cue(page, 2).input_value())

    page.keyboard.press("Control+KeyS")
    expect(page.locator(".save-message")).to_have_text("Saved.")
    assert "Welcome, everyone." in captions(reviewer, job)


def test_the_pipeline_qc_report_in_words_with_a_jump_to_the_cue(page, scene):
    """What the pipeline wrote in qc-report.json, where the reviewer decides: the full stop it
    added from the voice (with a jump to that cue) and, on another job, the language it heard
    instead of the one the job claimed, with its confidence."""
    reviewer, admin = scene["reviewer"], scene["admin"]
    wait_status(admin, scene["clean"], "SOURCE_QC")
    open_review(page, reviewer, scene["clean"])
    page.get_by_role("link", name="What the pipeline noticed").click()
    report = page.get_by_role("region", name="What the pipeline noticed")
    expect(report).to_contain_text("Spoken language: Heard English (en) as expected")
    added = report.get_by_role("listitem").filter(has_text="A full stop was added after “sheet.” (before “And”)")
    expect(added).to_have_count(1)
    axe_check(page, "review with the QC report")
    doc_shot(page, "review-qc-report", page.locator(".review-tools"))
    added.get_by_role("button", name="Go to the caption at").click()
    focused = page.locator("textarea:focus")
    expect(focused).to_have_value("First we cut the metal sheet.")
    expect(page.locator(".cue-selected textarea")).to_have_value("First we cut the metal sheet.")

    wait_status(admin, scene["mismatch"], "SOURCE_QC")
    page.goto(f"/jobs/{scene['mismatch']}")  # the job page says it before anyone opens the review
    expect(page.get_by_text("Spanish (es): the speech sounds like English (en)")).to_be_visible()
    page.get_by_role("link", name="Review Spanish (es)").click()
    report.wait_for()
    expect(report).to_contain_text("The speech sounds like English (en)")
    expect(report).to_contain_text("not Spanish (es)")
    assert "% sure" in report.inner_text()
    expect(page.get_by_text("There are no caption cues")).to_be_visible()
    axe_check(page, "review of a job in the wrong language")


def _report(user, job_id, lang="en") -> dict:
    signed = user.call("GET", f"/api/v1/files/{job_id}/{lang}/qc-report.json").json()["url"]
    url = signed if signed.startswith("http") else f"{user.base}{signed}"
    return requests.get(url, timeout=30).json()


def test_reading_speed_help_is_the_reports_and_follows_the_edit(page, scene):
    """The live check of a cue that is too fast to read says what the saved report says, with the
    same figures (decision 0339: the time it needs, the free time, by how much to condense), and
    recomputes them as the reviewer types; the server's rule on the edited text agrees."""
    reviewer, admin, job = scene["reviewer"], scene["admin"], scene["fast"]
    wait_status(admin, job, "SOURCE_QC")
    issues = [i for i in _report(admin, job)["captions"]["issues"] if i["rule"] == "reading_speed"]
    assert issues, "the fast case's report flags reading speed"
    open_review(page, reviewer, job)
    for issue in issues:
        flags = page.get_by_role("list", name=f"QC flags of cue {issue['cue']}")
        expect(flags.get_by_role("listitem").filter(has_text="characters/s")).to_have_text(issue["detail"])
    axe_check(page, "review with reading-speed help")

    n = issues[0]["cue"]
    box = cue(page, n)
    box.click()
    box.press("End")
    box.type(" today")
    content = captions(reviewer, job)
    cues = [vtt.to_cue(c) for c in vtt.read(content)]
    cues[n - 1] = replace(cues[n - 1], text=cues[n - 1].text + " today")
    fps = admin.call("GET", f"/api/v1/jobs/{job}").json()["media"]["fps"]
    expected = [
        i["detail"]
        for i in caption_rules.check(cues, caption_rules.profile("default"), fps)
        if i["rule"] == "reading_speed" and i["cue"] == n
    ]
    assert expected and expected[0] != issues[0]["detail"], expected
    flags = page.get_by_role("list", name=f"QC flags of cue {n}")
    expect(flags.get_by_role("listitem").filter(has_text="characters/s")).to_have_text(expected[0])


def test_a_step_being_retried_says_so_until_it_succeeds(page, scene, platform_data):
    """A failed attempt that the pipeline will retry (decision 0829): the job page shows the
    attempt and the last error while the step is tried again, and goes on once the cause is gone.
    The narration step is made to fail by cutting the transcript it reads, then given it back."""
    reviewer, admin, job = scene["reviewer"], scene["admin"], scene["fast"]
    wait_status(admin, job, "SOURCE_QC")
    transcript = platform_data / "files" / "jobs" / job / "work" / "transcript.json"
    whole = transcript.read_bytes()
    transcript.write_bytes(whole[:100])
    try:
        sign_in(page, reviewer.email, PASSWORD, f"/jobs/{job}")
        admin.call("POST", f"/api/v1/jobs/{job}/actions/approve", json={})
        banner = page.locator(".retrying")
        expect(banner).to_contain_text(re.compile(r"Retrying: attempt [2-5] of 5\."), timeout=30_000)
        retrying = admin.call("GET", f"/api/v1/jobs/{job}").json()["retrying"]
        assert retrying["step"] == "tts" and retrying["max_attempts"] == 5, retrying
        expect(banner).to_contain_text(f"Last error: {retrying['last_error']}")
        axe_check(page, "job page while a step is retried")
    finally:
        transcript.write_bytes(whole)
    expect(banner).to_have_count(0, timeout=60_000)  # the next attempt recorded the narration
    after = admin.call("GET", f"/api/v1/jobs/{job}").json()
    assert after["status"] in ("RENDERING", "FINAL_QC") and after["retrying"] is None, after["status"]


def test_split_merge_insert_delete_and_nudge(page, scene):
    job, reviewer = scene["job"], scene["reviewer"]
    open_review(page, reviewer, job)
    before = page.locator(".cue-list > li").count()
    second = cue(page, 2)
    second.click()
    second.evaluate("el => el.setSelectionRange(5, 5)")  # "Today| we will build ..."
    page.get_by_role("button", name="Split", exact=True).click()
    expect(page.locator(".cue-list > li")).to_have_count(before + 1)
    expect(cue(page, 2)).to_have_value("Today")
    cue(page, 2).focus()
    page.get_by_role("button", name="Merge with next").click()
    expect(page.locator(".cue-list > li")).to_have_count(before)
    expect(cue(page, 2)).to_have_value("Today\nwe will build a new widget together.")

    start = page.get_by_label("Start", exact=True).input_value()
    page.get_by_role("button", name="Start +1 frame").click()
    page.get_by_role("button", name="Start +1 frame").click()
    assert page.get_by_label("Start", exact=True).input_value() != start

    page.get_by_role("button", name="Insert after").click()
    expect(page.locator(".cue-list > li")).to_have_count(before + 1)
    cue(page, 3).fill("An inserted cue.")
    page.get_by_role("button", name="Save captions").click()
    expect(page.locator(".save-message")).to_have_text("Saved.")
    saved = captions(reviewer, job)
    assert "An inserted cue." in saved and "Today\nwe will build a new widget together." in saved

    cue(page, 3).focus()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.locator(".cue-list > li")).to_have_count(before)
    page.get_by_role("button", name="Save captions").click()
    expect(page.locator(".save-message")).to_have_text("Saved.")
    assert "An inserted cue." not in captions(reviewer, job)


def test_drafts_survive_a_reload_and_a_network_error(page, scene):
    job, reviewer = scene["job"], scene["reviewer"]
    open_review(page, reviewer, job)
    cue(page, 1).fill("Typed before the reload.")
    page.wait_for_timeout(400)  # the draft is written 250 ms after the last keystroke
    page.reload()
    cue(page, 1).wait_for()
    expect(cue(page, 1)).to_have_value("Typed before the reload.")
    expect(page.get_by_text("restored from this device")).to_be_visible()

    page.context.set_offline(True)
    page.get_by_role("button", name="Save captions").click()
    expect(page.locator(".save-message")).to_contain_text("could not be reached")
    expect(cue(page, 1)).to_have_value("Typed before the reload.")
    page.context.set_offline(False)
    page.get_by_role("button", name="Save captions").click()
    expect(page.locator(".save-message")).to_have_text("Saved.")
    assert "Typed before the reload." in captions(reviewer, job)
    page.reload()
    cue(page, 1).wait_for()
    expect(page.get_by_text("restored from this device")).to_have_count(0)


def test_conflicting_save_from_a_second_context_is_resolved_without_loss(new_context, scene):
    job, reviewer, second = scene["job"], scene["reviewer"], scene["second"]
    mine = new_context().new_page()
    theirs = new_context().new_page()
    open_review(mine, reviewer, job)
    open_review(theirs, second, job)

    theirs_text = "Their edit <b>of</b> the last cue."
    cue(theirs, 3).fill(theirs_text)
    theirs.get_by_role("button", name="Save captions").click()
    expect(theirs.locator(".save-message")).to_have_text("Saved.")

    cue(mine, 1).fill("My edit of the first cue.")
    mine.get_by_role("button", name="Save captions").click()
    dialog = mine.get_by_role("dialog", name="Someone else saved these captions first")
    expect(dialog).to_contain_text(theirs_text)  # their change, shown as text in the diff
    axe_check(mine, "review conflict dialog")
    dialog.get_by_role("button", name="Re-apply my changes on their version").click()
    expect(cue(mine, 1)).to_have_value("My edit of the first cue.")
    expect(cue(mine, 3)).to_have_value(theirs_text)
    mine.get_by_role("button", name="Save captions").click()
    expect(mine.locator(".save-message")).to_have_text("Saved.")
    saved = captions(reviewer, job)
    assert "My edit of the first cue." in saved and theirs_text in saved


def test_restore_a_version_and_bulk_shift(page, scene):
    job, reviewer = scene["job"], scene["reviewer"]
    versions = reviewer.call("GET", f"/api/v1/jobs/{job}/vtt-versions/en?kind=captions&limit=50").json()["items"]
    oldest = min(versions, key=lambda v: v["seq"])
    original = reviewer.call("GET", f"/api/v1/jobs/{job}/vtt-versions/en/{oldest['id']}").json()["content"]
    open_review(page, reviewer, job)
    page.get_by_text("Versions of the captions").click()
    page.get_by_role("button", name=f"Compare version {oldest['seq']} with the current one").click()
    region = page.get_by_role("region", name=f"Changes from version {oldest['seq']} to the current version")
    expect(region).to_contain_text("My edit of the first cue.")
    axe_check(page, "review versions")
    page.get_by_role("button", name=f"Restore version {oldest['seq']}").click()
    expect(page.get_by_role("status").filter(has_text="restored")).to_have_count(1)
    assert captions(reviewer, job).strip() == original.strip()
    expect(cue(page, 1)).to_have_value("Welcome to the widget factory.")

    page.get_by_label("By (seconds)").fill("0.5")
    page.get_by_role("button", name="Shift and save").click()
    expect(page.locator(".save-message")).to_contain_text("Shifted by 0.5 s")
    shifted = captions(reviewer, job)
    first_start = next(line for line in original.split("\n") if "-->" in line).split(" --> ")[0]
    h, m, sec = first_start.split(":")
    expected = int(h) * 3600 + int(m) * 60 + float(sec) + 0.5
    assert f"00:00:{expected:06.3f} -->" in shifted


def _cue_time(user, job_id, n, edge):
    """Start (edge 0) or end (edge 1) of caption n, in seconds, as stored."""
    blocks = [b for b in captions(user, job_id).split("\n\n") if "-->" in b]
    line = next(line for line in blocks[n - 1].split("\n") if "-->" in line)
    h, m, sec = line.split("-->")[edge].strip().split(" ")[0].split(":")
    return int(h) * 3600 + int(m) * 60 + float(sec)


def _cue_end(user, job_id, n):
    return _cue_time(user, job_id, n, 1)


def test_timeline_lanes_zoom_nudge_and_drag(page, scene):
    job, reviewer = scene["job"], scene["reviewer"]
    # On a phone the closest zoom shows a few seconds of the programme: zoom out and back in.
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, reviewer.email, PASSWORD, f"/jobs/{job}/timeline")
    page.locator(".peaks-zoom canvas").first.wait_for()
    expect(page.get_by_role("button", name="Zoom in")).to_be_disabled()  # the closest already
    showing = page.get_by_text("Showing").inner_text()
    page.get_by_role("button", name="Zoom out").click()
    expect(page.get_by_text("Showing")).not_to_have_text(showing)
    page.get_by_role("button", name="Zoom in").click()
    expect(page.get_by_text("Showing")).to_have_text(showing)
    axe_check(page, "timeline at 390 px")

    # At 1280 px the whole programme is in view: zooming out further would only add empty waveform.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.locator(".peaks-zoom canvas").first.wait_for()
    expect(page.get_by_role("group", name="Spoken words")).to_contain_text("Welcome")
    expect(page.get_by_role("group", name="Dialogue gaps")).to_contain_text(" s")
    expect(page.get_by_role("button", name="Zoom out")).to_be_disabled()
    axe_check(page, "timeline")
    doc_shot(page, "timeline")

    end = _cue_end(reviewer, job, 1)
    page.get_by_role("button", name="Caption 1,").click()
    page.get_by_role("button", name="End +1 frame").click()
    page.get_by_role("button", name="End +1 frame").click()
    page.get_by_role("button", name="Save caption timings").click()
    expect(page.locator(".save-message")).to_have_text("Saved.")
    assert abs(_cue_end(reviewer, job, 1) - (end + 0.08)) < 0.002

    # Drag the start handle of the last caption on the waveform to the left (into the gap).
    start = _cue_time(reviewer, job, 3, 0)
    box = page.locator(".peaks-zoom").bounding_box()
    view_start, view_end = (
        float(x)
        for x in page.evaluate(
            "() => document.querySelector('.timeline-controls p').textContent.match(/[0-9.:]+/g).slice(0, 2)"
            ".map(t => { const [m, s] = t.split(':'); return 60 * +m + +s })"
        )
    )
    x = box["x"] + (start - view_start) / (view_end - view_start) * box["width"]
    y = box["y"] + box["height"] / 2
    page.mouse.move(x + 2, y)
    page.mouse.down()
    for dx in range(0, 41, 5):
        page.mouse.move(x + 2 - dx, y)
    page.mouse.up()
    expect(page.get_by_role("status").filter(has_text="Caption 3:")).to_have_count(1)
    page.get_by_role("button", name="Save caption timings").click()
    expect(page.locator(".save-message")).to_have_text("Saved.")
    assert _cue_time(reviewer, job, 3, 0) < start - 0.2


def test_assigned_linguist_edits_their_language(page, new_context, scene):
    """The VTT endpoint serves reviewers; the console reads a linguist's language through its
    signed file URL and computes the ETag itself, so the If-Match save works for them too."""
    admin, job = scene["admin"], scene["translated"]
    wait_status(admin, job, "SOURCE_QC")
    admin.call("POST", f"/api/v1/jobs/{job}/actions/approve")
    wait_status(admin, job, "LANGUAGE_QC")
    linguist = admin.add_member(scene["org"], "LINGUIST")
    admin.call("POST", f"/api/v1/jobs/{job}/language-qc/es/assign", json={"linguist_id": linguist.user["id"]})
    sign_in(page, linguist.email, PASSWORD, f"/jobs/{job}")
    page.get_by_role("link", name="Review Spanish (es)").click()
    cue(page, 1).wait_for()
    # The programme plays for the linguist (decision 0822) and the English said at the same
    # time shows under each Spanish cue.
    video = page.get_by_label("Programme video")
    video.wait_for()
    page.wait_for_function("() => document.querySelector('video').readyState >= 1", timeout=20_000)
    english = captions(admin, job).splitlines()
    first_en = english[next(i for i, line in enumerate(english) if "-->" in line) + 1]
    expect(page.locator(".cue-ref").first).to_contain_text(f"English (en): {first_en}")
    expect(page.get_by_role("heading", name="What the pipeline noticed")).to_be_visible()
    report = page.get_by_role("region", name="What the pipeline noticed")
    expect(report).to_contain_text("Glossary: The job has no glossary.")
    axe_check(page, "review as linguist")
    doc_shot(page, "review-linguist")
    page.get_by_role("button", name="Descriptions").click()
    expect(page.locator(".cue-placement").first).to_have_text("Standard: spoken in a gap in the dialogue.")
    page.get_by_role("button", name="Captions").click()
    cue(page, 1).fill("Bienvenidos a la fábrica.")
    page.get_by_role("button", name="Save captions").click()
    expect(page.locator(".save-message")).to_have_text("Saved.")
    saved = admin.call("GET", f"/api/v1/jobs/{job}/vtt/es?kind=captions").json()["content"]
    assert "Bienvenidos a la fábrica." in saved
    expect(page.get_by_text("Versions of the captions")).to_have_count(0)
    # The timeline opens for the linguist too (the English files, read-only).
    page.goto(f"/jobs/{job}/timeline")
    expect(page.get_by_text("You can see the timeline here")).to_be_visible()
    expect(page.get_by_role("group", name="Caption cues").get_by_role("button").first).to_be_visible()
    expect(page.get_by_role("button", name="Save caption timings")).to_have_count(0)
    axe_check(page, "timeline as linguist")
    # ... and their own language's, one link away (only the languages they may read are offered),
    # in the same page (no load) and with the playhead where it was.
    page.locator("video").evaluate("v => new Promise(r => v.readyState >= 1 ? r() : v.onloadedmetadata = r)")
    page.evaluate("() => { window.sameDocument = true; document.querySelector('video').currentTime = 3 }")
    nav = page.get_by_role("navigation", name="Other languages")
    expect(nav.get_by_role("link")).to_have_count(1)
    nav.get_by_role("link", name="Spanish (es)").click()
    expect(page.get_by_role("heading", name="Timeline, Spanish: Translated tour")).to_be_visible()
    expect(page.get_by_role("group", name="Caption cues").get_by_role("button").first).to_contain_text("Bienvenidos")
    assert page.evaluate("() => window.sameDocument === true"), "the language link loaded the page again"
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v && Math.abs(v.currentTime - 3) < 0.2 }"
    )
    axe_check(page, "timeline as linguist, their language")
    page.goto(f"/jobs/{job}/review/es")
    cue(page, 1).wait_for()

    # A PM reads the cues (read-only: the VTT GET is REVIEWER/ADMIN) and could decide here too.
    pm = new_context().new_page()
    sign_in(pm, scene["pm"].email, PASSWORD, f"/jobs/{job}/review/es")
    cue(pm, 1).wait_for()
    expect(cue(pm, 1)).not_to_be_editable()
    expect(pm.get_by_role("button", name="Approve Spanish (es)")).to_be_visible()
    expect(pm.get_by_role("button", name="Save captions")).to_have_count(0)
    axe_check(pm, "review as PM")

    page.get_by_role("button", name="Approve Spanish (es)").click()
    expect(page.get_by_text("Spanish (es) is approved: nothing more to do here.")).to_be_visible()
    expect(cue(page, 1)).not_to_be_editable()


def _lengthen_first_description(admin, job):
    """Make the first description too long for its gap: the narration step makes it extended."""
    doc = admin.call("GET", f"/api/v1/jobs/{job}/vtt/en?kind=descriptions").json()
    blocks = doc["content"].split("\n\n")
    at = next(i for i, block in enumerate(blocks) if "-->" in block)
    lines = blocks[at].split("\n")
    timing = next(n for n, line in enumerate(lines) if "-->" in line)
    blocks[at] = "\n".join(lines[: timing + 1] + [LONG_DESCRIPTION])
    content = "\n\n".join(blocks)
    headers = {"If-Match": doc["etag"]}
    admin.call("PATCH", f"/api/v1/jobs/{job}/vtt/en?kind=descriptions", json={"content": content}, headers=headers)


LONG_DESCRIPTION = (
    'The text "ACME WIDGETS" appears in large white letters over a blue background, while a worker '
    "in grey overalls walks slowly across the factory floor carrying a cardboard box."
)
MEDIA_STATE = """() => { const a = document.getElementById('extended-narration'), v = document.querySelector('video');
    return {clip: a.currentTime, clipPaused: a.paused, video: v.currentTime, videoPaused: v.paused}; }"""


def test_source_then_final_approval(page, scene):
    """Through both approvals; a description lengthened at source review becomes extended, and the
    final review plays it from its own clip while the picture holds (the stem leaves it out)."""
    job, reviewer, admin = scene["job"], scene["reviewer"], scene["admin"]
    _lengthen_first_description(admin, job)
    open_review(page, reviewer, job)
    page.get_by_role("button", name="Approve source review").click()
    expect(page.get_by_role("status").filter(has_text="Approved: Source review.")).to_have_count(1)
    page.goto(f"/jobs/{job}")
    page.locator('[data-status="FINAL_QC"]').wait_for(timeout=240_000)  # live over the job WebSocket
    page.get_by_role("link", name="Review English (en)").click()
    cue(page, 1).wait_for()
    axe_check(page, "final review")
    page.get_by_role("button", name="Descriptions (", exact=False).click()
    expect(page.get_by_text("1 description is extended")).to_be_visible()
    expect(page.locator(".cue-extended").first).to_have_text("Extended: the programme pauses while this is spoken.")
    page.get_by_role("button", name="Play cue 1 with its extended narration (the picture holds)").click()
    page.wait_for_function(
        "() => { const a = document.getElementById('extended-narration'); return a && !a.paused && a.currentTime > 0.3; }"
    )
    state = page.evaluate(MEDIA_STATE)
    assert state["videoPaused"], state  # the picture holds while the clip is spoken
    expect(page.get_by_role("status").filter(has_text="Playing the extended description at")).to_have_count(1)
    axe_check(page, "final review, an extended description playing")
    doc_shot(page, "review-extended", page.locator(".review-media"))
    page.get_by_role("button", name="Stop the extended description").click()
    assert page.evaluate(MEDIA_STATE)["clipPaused"]
    page.get_by_role("button", name="Approve final review").click()
    expect(page.get_by_role("status").filter(has_text="Approved: Final review.")).to_have_count(1)
    assert wait_status(admin, job, "COMPLETED", 60)["status"] == "COMPLETED"
