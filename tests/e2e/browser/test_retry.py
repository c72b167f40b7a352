"""A step that really fails, seen live and retried, in Chromium against the real platform
(decisions 0827, 0829, 0830): the render step cannot read the captions it exports (the file is
gone from the store), so each of its five attempts fails. The ADMIN's job page follows every
failed attempt over the job WebSocket, without re-reading the job; a REVIEWER whose WebSocket
cannot connect (a proxy that refuses WebSockets) is told so and follows by re-reading the job
every 5 s. The ADMIN's jobs list shows the attempt in the job's row. Both see RENDER_FAILED;
only the ADMIN has Retry. With the file back, the ADMIN's Retry
takes the job on to FINAL_QC."""

import re

from playwright.sync_api import expect

from tests.e2e.browser.doc_shots import doc_shot
from tests.e2e.browser.support import PASSWORD, axe_check, create_job, sign_in, wait_status

# A WebSocket that never connects, as behind a proxy that refuses them: closed (1006) at once.
REFUSE_WEBSOCKETS = """
window.WebSocket = class {
  constructor(url) {
    this.url = url;
    this.readyState = 3;
    setTimeout(() => this.onclose && this.onclose({ code: 1006, reason: "" }), 20);
  }
  close() {}
  send() {}
};
"""


def start_jobs(admin, video) -> dict:
    """Called by conftest when the session starts: the pipeline works on this job meanwhile."""
    org = admin.create_org("Retry Org")
    return {"org": org, "job": create_job(admin, org, video, ["en"], "Harbour tour")}


def test_admin_retries_a_failed_render_and_the_job_goes_on(new_context, started_jobs, admin, platform_data):
    org, job = started_jobs[__name__]["org"], started_jobs[__name__]["job"]
    reviewer = admin.add_member(org, "REVIEWER")
    wait_status(admin, job, "SOURCE_QC")
    captions = platform_data / "files" / "jobs" / job / "en" / "captions.vtt"
    kept = captions.read_bytes()

    admin_page = new_context().new_page()
    sign_in(admin_page, admin.email, admin.password, f"/jobs/{job}")
    job_reads: list[str] = []
    admin_page.on(
        "request",
        lambda r: job_reads.append(r.url) if r.method == "GET" and r.url.endswith(f"/api/v1/jobs/{job}") else None,
    )
    reviewer_ctx = new_context()
    reviewer_ctx.add_init_script(REFUSE_WEBSOCKETS)
    reviewer_page = reviewer_ctx.new_page()
    sign_in(reviewer_page, reviewer.email, PASSWORD, f"/jobs/{job}")

    # The ADMIN's jobs list, in another window, follows the retries too.
    jobs_page = new_context().new_page()
    sign_in(jobs_page, admin.email, admin.password, "/jobs?find=Harbour%20tour")  # among every organisation's
    row = jobs_page.locator("tbody tr", has=jobs_page.get_by_role("link", name="Harbour tour"))

    captions.unlink()
    try:
        admin.call("POST", f"/api/v1/jobs/{job}/actions/approve", json={})
        # Each failed attempt arrives live, with when the next one starts.
        banner = admin_page.locator(".retrying")
        expect(banner).to_contain_text("Retrying: attempt 2 of 5.", timeout=120_000)
        reads_at_first_retry = len(job_reads)
        expect(banner).to_contain_text("Retrying: attempt 5 of 5.", timeout=60_000)
        expect(banner).to_contain_text(re.compile(r"tries again by itself at .+ \(in about [2-8] seconds\)"))
        expect(banner).to_contain_text(
            "Last error: Making the accessible videos stopped on an error inside the platform"
        )
        axe_check(admin_page, "job page while the render is retried (live)")
        expect(row).to_contain_text(re.compile(r"retrying: attempt [2-5] of 5"))
        # Three failed attempts came over the socket: not one re-read of the job for them.
        assert len(job_reads) == reads_at_first_retry, job_reads

        # The reviewer's socket is refused: the page says so and re-reads the job instead.
        expect(reviewer_page.locator(".live-fallback")).to_have_text(
            "Live updates are not connected: this page checks the job every 5 seconds until they are back."
        )
        expect(reviewer_page.locator(".retrying")).to_contain_text(re.compile(r"Retrying: attempt [2-5] of 5\."))

        failure = admin_page.get_by_role("alert")
        expect(failure).to_contain_text("The accessible video could not be rendered.", timeout=60_000)
        expect(failure).to_contain_text("It was tried 5 times.")
        retry = admin_page.get_by_role("button", name="Retry rendering video")
        expect(retry).to_be_visible()
        axe_check(admin_page, "job page after the render failed (ADMIN)")
        doc_shot(admin_page, "job-retry")

        expect(row).to_contain_text("Rendering failed")
        expect(row.locator(".retry-note")).to_have_count(0)

        reviewer_failure = reviewer_page.get_by_role("alert")
        expect(reviewer_failure).to_contain_text("The accessible video could not be rendered.", timeout=15_000)
        expect(reviewer_failure).to_contain_text(
            f"Only an administrator can retry this step. When you ask, quote the job id {job}."
        )
        expect(reviewer_page.get_by_role("button", name=re.compile("^Retry"))).to_have_count(0)
        axe_check(reviewer_page, "job page after the render failed (REVIEWER)")
    finally:
        captions.write_bytes(kept)

    retry.click()
    expect(admin_page.get_by_role("heading", name="Progress")).to_be_focused()
    expect(admin_page.locator('.title-row [data-status="FINAL_QC"]')).to_be_visible(timeout=180_000)
    assert admin.call("GET", f"/api/v1/jobs/{job}").json()["status"] == "FINAL_QC"
    expect(admin_page.get_by_role("alert")).to_have_count(0)
    # The reviewer's page gets there by re-reading, and offers the final review.
    expect(reviewer_page.get_by_role("link", name="Review English")).to_be_visible(timeout=15_000)
