"""The PM's language-review board, a linguist's assignments and the downloads page in
Chromium against the real platform, on one job the real pipeline carries from a generated
video to COMPLETED: the PM assigns Spanish, the linguist finds it under "My assignments" and
approves it on the review page, and after final approval the downloads page lists every
deliverable with the accessible MP4 playable in the page. axe runs on each screen."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser.doc_shots import doc_shot
from tests.e2e.browser.support import PASSWORD, ApiUser, axe_check, create_job, sign_in, wait_status


def start_jobs(admin, video) -> dict:
    """Called by conftest when the session starts: the pipeline works on this job meanwhile."""
    org = admin.create_org("Board Org")
    client = admin.add_member(org, "CLIENT")
    return {"org": org, "client": client.email, "job": create_job(client, org, video, ["en", "es"], "Board tour")}


@pytest.fixture(scope="module")
def scene(started_jobs, admin):
    org, job = started_jobs[__name__]["org"], started_jobs[__name__]["job"]
    client = ApiUser.sign_in(admin.base, started_jobs[__name__]["client"], PASSWORD)
    pm = admin.add_member(org, "PM")
    linguist = admin.add_member(org, "LINGUIST")
    spare = admin.add_member(org, "LINGUIST")
    wait_status(admin, job, "SOURCE_QC")
    admin.call("POST", f"/api/v1/jobs/{job}/actions/approve")
    wait_status(admin, job, "LANGUAGE_QC")
    return {"org": org, "pm": pm, "linguist": linguist, "spare": spare, "client": client, "job": job, "admin": admin}


def test_pm_assigns_and_reassigns_then_linguist_approves(page, new_context, scene):
    pm, linguist, spare, job = scene["pm"], scene["linguist"], scene["spare"], scene["job"]
    asked: list[str] = []
    page.on("request", lambda r: asked.append(f"{r.method} {r.url}"))
    sign_in(page, pm.email, PASSWORD, "/language-qc")
    page.get_by_role("heading", name="Language review board").wait_for()
    row = page.locator(f'tr[data-job-id="{job}"][data-lang="es"]')
    expect(row).to_contain_text("Waiting for a linguist")
    # The board reads the languages from the job list: no request per job.
    assert not [a for a in asked if a.startswith("GET ") and a.endswith("/language-qc")], asked
    axe_check(page, "language review board")
    # A busy board: find a job's languages by title, show only those waiting for a linguist.
    page.get_by_label("Job title or language").fill("board tour")
    page.get_by_label("Show").select_option("PENDING")
    expect(row).to_be_visible()
    expect(page.get_by_text("Showing 1 of", exact=False)).to_be_visible()
    page.get_by_label("Show").select_option("APPROVED")
    expect(page.get_by_text("No language matches the filter.")).to_be_visible()
    page.get_by_label("Show").select_option("")
    page.get_by_label("Job title or language").fill("")
    choose = page.get_by_label("Linguist for Spanish (es) of Board tour")
    choose.select_option(label=spare.email)
    page.get_by_role("button", name="Assign Spanish (es) of Board tour").click()
    expect(page.get_by_role("status")).to_have_text(f"Spanish (es) of Board tour assigned to {spare.email}.")
    expect(row).to_contain_text(spare.email)
    lp = new_context().new_page()
    sign_in(lp, linguist.email, PASSWORD, "/assignments")
    lp.get_by_role("heading", name="My assignments").wait_for()
    expect(lp.get_by_text("Nothing is waiting for you.")).to_be_visible()

    choose.select_option(label=linguist.email)
    page.get_by_role("button", name="Reassign Spanish (es) of Board tour").click()
    expect(row).to_contain_text(linguist.email)
    expect(row).to_contain_text("Assigned")
    doc_shot(page, "language-qc-board")

    other = new_context().new_page()
    sign_in(other, spare.email, PASSWORD, "/assignments")
    expect(other.get_by_text("Nothing is waiting for you.")).to_be_visible()

    review = lp.get_by_role("link", name="Review Spanish (es) of Board tour")
    review.wait_for()  # arrived live over the organisation stream, without a reload
    expect(lp.get_by_role("status")).to_have_text("Your assignments changed.")
    axe_check(lp, "my assignments")
    doc_shot(lp, "assignments")
    review.click()
    lp.wait_for_url(f"**/jobs/{job}/review/es")
    lp.get_by_role("button", name="Approve Spanish (es)").click()
    expect(lp.get_by_role("status").filter(has_text="Approved: Spanish (es) language review.")).to_have_count(1)
    expect(row).to_have_count(0)  # the job left LANGUAGE_QC: the board updates live
    state = scene["admin"].call("GET", f"/api/v1/jobs/{job}").json()["language_qc"]["es"]
    assert (state["status"], state["assignee"]) == ("APPROVED", linguist.user["id"])


def test_downloads_with_the_accessible_mp4_in_the_page(page, scene):
    admin, client, job = scene["admin"], scene["client"], scene["job"]
    wait_status(admin, job, "FINAL_QC", 300)
    admin.call("POST", f"/api/v1/jobs/{job}/actions/approve")
    wait_status(admin, job, "COMPLETED", 60)
    sign_in(page, client.email, PASSWORD, "/downloads")
    page.get_by_role("link", name="Downloads of Board tour").click()
    page.get_by_role("heading", name="Downloads: Board tour").wait_for()
    for lang in ("English (en)", "Spanish (es)"):
        expect(page.get_by_role("heading", name=lang)).to_be_visible()
    links = page.get_by_role("link", name="Download Captions (WebVTT), Spanish (es)")
    expect(links).to_have_count(1)
    body = page.request.get(links.get_attribute("href"))
    assert body.ok and body.text().startswith("WEBVTT")
    video = page.locator("video").first
    video.wait_for()
    duration = page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v && v.readyState >= 1 && v.duration; }"
    ).json_value()
    assert duration > 1
    # Every player shows its length before anyone presses play (not "0:00 / 0:00").
    lengths = page.wait_for_function(
        "() => { const m = [...document.querySelectorAll('audio, video')];"
        " return m.length >= 4 && m.every((x) => x.readyState >= 1) && m.map((x) => x.duration); }"
    ).json_value()
    assert all(d > 1 for d in lengths), lengths
    page.evaluate("() => document.querySelector('video').play()")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.2")
    axe_check(page, "downloads")
    doc_shot(page, "downloads")
