"""Everything a person typed reaches other people's screens as text: markup in a job title, a
cue, a description and a feedback message is shown literally and never runs. The browser
context bypasses the CSP, so this checks the rendering itself, not only the policy."""

import pytest

from tests.e2e.browser.support import PASSWORD, axe_check, create_job, sign_in, wait_status

IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'
SCRIPT = "<script>window.__xss=(window.__xss||0)+1</script>"
PAYLOAD = f"{IMG} {SCRIPT}"


def start_jobs(admin, video) -> dict:
    """Called by conftest when the session starts: the pipeline works on this job meanwhile."""
    org = admin.create_org("XSS Org")
    return {"org": org, "job": create_job(admin, org, video, ["en"], f"Title {PAYLOAD}")}


@pytest.fixture(scope="module")
def job(started_jobs, admin):
    org, job_id = started_jobs[__name__]["org"], started_jobs[__name__]["job"]
    wait_status(admin, job_id, "SOURCE_QC")
    for kind in ("captions", "descriptions"):
        doc = admin.call("GET", f"/api/v1/jobs/{job_id}/vtt/en?kind={kind}").json()
        blocks = doc["content"].split("\n\n")
        for i, block in enumerate(blocks):
            if "-->" in block:
                lines = block.split("\n")
                at = next(n for n, line in enumerate(lines) if "-->" in line)
                blocks[i] = "\n".join(lines[: at + 1] + [f"Cue {PAYLOAD}"])
                break
        admin.call(
            "PATCH",
            f"/api/v1/jobs/{job_id}/vtt/en?kind={kind}",
            json={"content": "\n\n".join(blocks)},
            headers={"If-Match": doc["etag"]},
        )
    admin.call("POST", f"/api/v1/jobs/{job_id}/actions/feedback", json={"message": f"Feedback {PAYLOAD}"})
    reviewer = admin.add_member(org, "REVIEWER")
    return {"id": job_id, "reviewer": reviewer}


def _nothing_ran(page):
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("main script").count() == 0


def test_markup_in_title_cue_description_and_feedback_is_shown_as_text(new_context, job):
    ctx = new_context(bypass_csp=True)
    page = ctx.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # The jobs list at Source review (the platform is shared: other modules' jobs fill page 1).
    sign_in(page, job["reviewer"].email, PASSWORD, "/jobs?status=SOURCE_QC")

    page.get_by_role("link", name=f"Title {PAYLOAD}").wait_for()  # the jobs list
    _nothing_ran(page)

    page.get_by_role("link", name=f"Title {PAYLOAD}").click()
    page.get_by_role("heading", name=f"Title {PAYLOAD}").wait_for()  # the job page
    page.get_by_text(f"Feedback {PAYLOAD}").wait_for()
    _nothing_ran(page)
    axe_check(page, "job page with markup in user text")

    page.get_by_role("link", name="Review English (en)").click()
    cue = page.get_by_label("Cue 1 text", exact=True)
    cue.wait_for()
    assert cue.input_value() == f"Cue {PAYLOAD}"
    page.get_by_role("button", name="Descriptions (1)").click()
    page.get_by_role("button", name="go to cue 1").click()  # seeks into the description
    page.locator(".now-description").get_by_text(f"Cue {PAYLOAD}").wait_for()
    _nothing_ran(page)
    assert dialogs == [] and ctx.page_errors == []
