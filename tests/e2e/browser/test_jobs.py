"""Jobs in the console, in Chromium against the real platform: a CLIENT creates a job by
uploading a generated video through the signed URL (the progress bar moves on a throttled
connection), the job page follows the pipeline live to SOURCE_QC; the jobs list filters by status,
pages with the cursor and updates live, and says when live updates pause; axe runs on every
screen."""

import re
import time

from playwright.sync_api import expect

from tests.e2e.browser.doc_shots import doc_shot
from tests.e2e.browser.support import PASSWORD, axe_check, sign_in
from tests.support.media import session_video


def _progress_values(page, seconds: float) -> list[int]:
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        v = page.evaluate("() => { const p = document.querySelector('#upload-progress'); return p ? p.value : null }")
        if v is not None and (not seen or seen[-1] != v):
            seen.append(int(v))
        if "/jobs/new" not in page.url:
            break
        time.sleep(0.05)
    return seen


def test_upload_with_progress_then_follow_the_job_live_to_source_qc(page, admin, tmp_path_factory):
    video = session_video(tmp_path_factory)
    org = admin.create_org("Upload Org")
    client = admin.add_member(org, "CLIENT")
    sign_in(page, client.email, PASSWORD)

    page.get_by_role("link", name="New job").first.click()
    page.get_by_role("heading", name="New job").wait_for()
    page.get_by_label("English (en)").wait_for()
    axe_check(page, "new job")
    doc_shot(page, "new-job")

    page.get_by_role("button", name="Create job").click()  # nothing chosen yet
    page.get_by_role("link", name="Choose the video to upload (MP4 or QuickTime)").wait_for()
    axe_check(page, "new job with errors")

    page.get_by_label("Title (optional)").fill("Widget factory tour")
    page.get_by_label("Video", exact=True).set_input_files(str(video.path))
    page.get_by_label("Extended audio description").check()
    page.get_by_label("BBC").check()
    cdp = page.context.new_cdp_session(page)
    size = video.path.stat().st_size
    # About three seconds of upload, so the bar has values between 0 and 100 to show.
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": max(size // 3, 20_000)},
    )
    page.get_by_role("button", name="Create job").click()
    values = _progress_values(page, 30)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    assert any(0 < v < 100 for v in values), f"the progress bar never showed a partial upload: {values}"
    assert values == sorted(values)

    page.wait_for_url("**/jobs/*")
    job_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.get_by_role("heading", name="Widget factory tour").wait_for()
    axe_check(page, "job page (processing)")
    job = client.call("GET", f"/api/v1/jobs/{job_id}").json()
    assert job["options"] == {"delivery_profile": "bbc", "extended_ad": True, "burn_in": False}
    assert job["title"] == "Widget factory tour"

    # The page follows the pipeline over the job WebSocket, without a reload.
    page.locator('[data-status="SOURCE_QC"]').wait_for(timeout=240_000)
    assert page.locator(".timeline [aria-current=step]").inner_text().startswith("Source review")
    axe_check(page, "job page (source review)")
    doc_shot(page, "job")


def test_jobs_list_filters_pages_and_updates_live(page, admin):
    org = admin.create_org("List Org")
    client = admin.add_member(org, "CLIENT")
    for i in range(22):
        r = client.call(
            "POST",
            "/api/v1/files/upload-url",
            json={"filename": f"v{i}.mp4", "content_type": "video/mp4", "size": 10},
            expect=201,
        ).json()
        client.call(
            "POST",
            "/api/v1/jobs",
            json={
                "source_language": "en",
                "requested_outputs": ["en"],
                "title": f"Job {i:02d}",
                "upload_id": r["upload_id"],
            },
            expect=201,
        )
    sign_in(page, client.email, PASSWORD)
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(20)
    page.get_by_role("button", name="Next page").click()
    page.get_by_text("Page 2", exact=True).wait_for()
    expect(rows).to_have_count(2)
    page.get_by_role("button", name="Previous page").click()
    expect(rows).to_have_count(20)

    # Finding a job by title (every page is searched, not just the one on screen) or by its id;
    # the search is in the address, so a reload keeps it.
    page.get_by_label("Title or job id").fill("job 1")
    expect(page.get_by_text("10 jobs match “job 1”.")).to_be_visible()
    expect(rows).to_have_count(10)
    expect(page.get_by_role("button", name="Next page")).to_have_count(0)
    page.reload()
    expect(page.get_by_label("Title or job id")).to_have_value("job 1")
    expect(rows).to_have_count(10)
    axe_check(page, "jobs list, a search")
    first = client.call("GET", "/api/v1/jobs?limit=100").json()["items"][-1]
    page.get_by_label("Title or job id").fill(first["_id"])
    expect(page.get_by_text("1 job matches")).to_be_visible()
    expect(page.get_by_role("link", name=first["title"])).to_be_visible()
    page.get_by_label("Title or job id").fill("nothing like it")
    expect(page.get_by_text("No job's title or id contains “nothing like it”.")).to_be_visible()
    page.get_by_role("button", name="Clear the search").click()
    expect(rows).to_have_count(20)
    expect(page.get_by_label("Title or job id")).to_be_focused()

    page.get_by_label("Status").select_option("COMPLETED")
    page.get_by_text("No jobs with status").wait_for()
    page.get_by_label("Status").select_option("CREATED")
    expect(rows).to_have_count(20)
    axe_check(page, "jobs list filtered")
    doc_shot(page, "jobs")

    # A job created elsewhere appears without a reload (org WebSocket).
    page.get_by_label("Status").select_option("")
    expect(rows).to_have_count(20)
    r = client.call(
        "POST",
        "/api/v1/files/upload-url",
        json={"filename": "late.mp4", "content_type": "video/mp4", "size": 10},
        expect=201,
    ).json()
    client.call(
        "POST",
        "/api/v1/jobs",
        json={
            "source_language": "en",
            "requested_outputs": ["en"],
            "title": "Arrived live",
            "upload_id": r["upload_id"],
        },
        expect=201,
    )
    page.get_by_role("link", name="Arrived live").wait_for(timeout=20_000)

    # When the list cannot load: the reason and "Try again", no empty table.
    page.route("**/api/v1/jobs?*", lambda route: route.abort())
    page.get_by_label("Status").select_option("COMPLETED")
    alert = page.get_by_role("alert").filter(has_text="could not be reached")
    expect(alert).to_be_visible()
    expect(page.locator("table")).to_have_count(0)
    axe_check(page, "jobs list that could not load")
    page.unroute("**/api/v1/jobs?*")
    alert.get_by_role("button", name="Try again").click()
    page.get_by_text("No jobs with status").wait_for()


def test_a_failed_job_explains_itself_in_plain_words(page, admin, tmp_path):
    org = admin.create_org("Broken Org")
    client = admin.add_member(org, "CLIENT")
    bogus = tmp_path / "holiday.mp4"
    bogus.write_bytes(b"this is not a video at all" * 100)
    with open(bogus, "rb") as fh:
        job_id = client.call(
            "POST",
            "/api/v1/jobs",
            expect=201,
            files={"file": ("holiday.mp4", fh, "video/mp4")},
            data={"source_language": "en", "requested_outputs": "en", "title": "Holiday"},
        ).json()["_id"]
    sign_in(page, client.email, PASSWORD, f"/jobs/{job_id}")
    page.locator('[data-status="UPLOAD_INVALID"]').wait_for(timeout=60_000)
    alert = page.get_by_role("alert").filter(has_text="could not be used as a video")
    expect(alert).to_be_visible()
    assert client.call("GET", f"/api/v1/jobs/{job_id}").json()["error"] in alert.inner_text()
    assert page.locator(".timeline [aria-current=step]").inner_text().startswith("Checking the video")
    expect(page.get_by_role("button", name="Retry")).to_have_count(0)  # nothing to retry: a new file is needed
    expect(page.locator("code.job-id")).to_have_text(job_id)  # what support asks for
    axe_check(page, "failed job")


def test_the_console_says_when_live_updates_pause_and_come_back(page, admin):
    """Every WebSocket the screen uses dropped (the server closes them and refuses new ones): after
    a few seconds the console says live updates are paused; once a reconnect succeeds it says
    nothing again (and announces that they are back)."""
    org = admin.create_org("Live Org")
    client = admin.add_member(org, "CLIENT")
    accepted, refuse = [], {"on": False}

    def route(ws):
        if refuse["on"]:
            ws.close()
            return
        ws.connect_to_server()
        accepted.append(ws)

    page.route_web_socket(re.compile(r".*/api/v1/ws/.*"), route)
    sign_in(page, client.email, PASSWORD)
    page.get_by_role("heading", name="Jobs").wait_for()
    paused = page.get_by_role("status").filter(has_text="Live updates are paused")
    expect(paused).to_have_count(0)
    refuse["on"] = True
    for ws in accepted:
        ws.close()
    expect(paused).to_be_visible(timeout=15_000)
    expect(paused.get_by_role("button", name="Reload the page")).to_be_visible()
    axe_check(page, "jobs with live updates paused")
    refuse["on"] = False
    expect(paused).to_have_count(0, timeout=40_000)
