"""Signing in and out of the console in Chromium: the sign-in form (errors summarised and linked
to their fields), the session surviving a reload (refresh cookie), the silent refresh before the
access token's 15-minute expiry, signing out, the console's CSP, and axe on each screen."""

import requests

from tests.e2e.browser.doc_shots import doc_shot
from tests.e2e.browser.support import ADMIN_EMAIL, ADMIN_PASSWORD, axe_check, sign_in


def test_console_is_served_with_a_strict_csp_and_api_paths_keep_precedence(platform_url):
    page = requests.get(f"{platform_url}/jobs/some-job", timeout=10)
    assert page.status_code == 200 and '<div id="app">' in page.text
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp
    api = requests.get(f"{platform_url}/api/v1/no-such-thing", timeout=10)
    assert api.status_code == 404 and api.json()["detail"].startswith("No such endpoint")
    assert requests.get(f"{platform_url}/health", timeout=10).json()["status"] == "healthy"
    missing = requests.get(f"{platform_url}/assets/missing.js", timeout=10)
    assert missing.status_code == 404


def test_sign_in_errors_then_success_reload_and_sign_out(page):
    page.goto("/jobs")
    page.wait_for_url("**/signin?next=%2Fjobs")
    axe_check(page, "sign in")
    doc_shot(page, "sign-in")

    page.get_by_role("button", name="Sign in", exact=True).click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    assert summary.is_visible()
    summary.get_by_role("link", name="Enter your email address").click()
    assert page.evaluate("document.activeElement.id") == "email"
    axe_check(page, "sign in with errors")

    page.get_by_label("Email address").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("alert").filter(has_text="password").wait_for()

    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/jobs")
    page.get_by_role("heading", name="Jobs", level=1).wait_for()
    assert page.get_by_text(ADMIN_EMAIL).is_visible()
    axe_check(page, "jobs")

    page.reload()  # the access token was only in memory: the refresh cookie brings the session back
    page.get_by_role("heading", name="Jobs", level=1).wait_for()
    assert page.get_by_role("button", name="Sign out").is_visible()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    assert page.get_by_role("status").inner_text() == "You are signed out."
    page.goto("/jobs")
    page.wait_for_url("**/signin?next=%2Fjobs")


def test_silent_refresh_before_the_access_token_expires(page):
    page.clock.install()
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    with page.expect_response("**/api/v1/auth/refresh") as refreshed:
        page.clock.fast_forward("14:30")  # the timer fires a minute before the 15-minute expiry
    assert refreshed.value.status == 200
    with page.expect_response("**/api/v1/jobs?*") as listed:
        page.get_by_label("Status").select_option("COMPLETED")
    assert listed.value.status == 200
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_unknown_console_page_says_so(page):
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto("/no/such/page")
    page.get_by_role("heading", name="Page not found").wait_for()
    axe_check(page, "not found")
