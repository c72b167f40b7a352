"""Microsoft sign-in completed by the console, in Chromium, against the local OIDC test issuer
(tests/support/oidc_issuer.py, laid out like Entra ID): the platform's redirect URI is the
console's /auth/microsoft/callback page, which relays the authorization response to
POST /api/v1/auth/microsoft/callback. An invited person accepts with Microsoft, signs out and
signs in again with "Sign in with Microsoft"; a person signed in with a password links their
Microsoft account from "Your account" and then signs in with it; an identity already linked
elsewhere, or nobody invited, is refused in words."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser.doc_shots import doc_shot
from tests.e2e.browser.support import PASSWORD, axe_check, sign_in
from tests.support.oidc_issuer import OidcIssuer


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    with OidcIssuer(folder=tmp_path_factory.mktemp("oidc")) as idp:
        yield idp


@pytest.fixture(scope="module")
def extra_platform_env(issuer):
    return {
        "AVP_MS_CLIENT_ID": issuer.client_id,
        "AVP_MS_CLIENT_SECRET": issuer.client_secret,
        "AVP_MS_TENANT_ID": issuer.tenant,
        "AVP_MS_AUTHORITY": issuer.authority,
        "AVP_MS_CA_BUNDLE": str(issuer.ca_path),
        "AVP_MS_REDIRECT_URI": "http://localhost:{port}/auth/microsoft/callback",
    }


@pytest.fixture
def sso_page(new_context):
    # The test issuer's certificate comes from its own throwaway CA.
    return new_context(ignore_https_errors=True).new_page()


def test_invited_person_accepts_with_microsoft_then_signs_in_again(sso_page, admin, issuer):
    page = sso_page
    org = admin.create_org("SSO Org")
    invite = admin.call(
        "POST", f"/api/v1/organizations/{org}/invite", expect=None, json={"email": "ana@example.com", "role": "PM"}
    ).json()
    issuer.next_user = {"email": "ana@contoso.example", "oid": "oid-ana", "name": "Ana"}
    page.goto(f"/api/v1/auth/microsoft/login?invite={invite['token']}")
    page.wait_for_url("**/jobs")
    page.get_by_role("heading", name="Jobs").wait_for()
    assert "(Project manager)" in page.locator(".who").inner_text()
    assert "code=" not in page.url
    axe_check(page, "jobs after Microsoft sign-in")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    page.goto("/signin?next=%2Fjobs%3Fstatus%3DCOMPLETED")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.wait_for_url("**/jobs?status=COMPLETED")
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_an_identity_nobody_invited_is_refused_in_words(sso_page, issuer):
    page = sso_page
    issuer.next_user = {"email": "mallory@example.com", "oid": "oid-mallory", "name": "Mallory"}
    page.goto("/signin")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.get_by_role("heading", name="Signing in with Microsoft").wait_for()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "You are not signed in." in alert.inner_text()
    assert "invite" in alert.inner_text()
    assert "code=" not in page.url
    axe_check(page, "Microsoft sign-in refused")


def test_the_callback_page_opened_by_hand_explains_itself(page):
    page.goto("/auth/microsoft/callback")
    page.get_by_role("alert").wait_for()
    assert "without a sign-in response" in page.get_by_role("alert").inner_text()


def test_a_signed_in_person_links_their_microsoft_account_then_signs_in_with_it(sso_page, admin, issuer):
    page = sso_page
    org = admin.create_org("Link Org")
    person = admin.add_member(org, "REVIEWER")
    sign_in(page, person.email, PASSWORD, "/account")
    page.get_by_role("heading", name="Your account").wait_for()
    axe_check(page, "your account")
    microsoft = {"email": "rev@contoso.example", "oid": "oid-rev-link", "name": "Rev"}
    issuer.next_user = microsoft
    page.get_by_role("button", name="Link Microsoft account").click()
    page.wait_for_url("**/account?linked=microsoft")  # through the issuer and the callback page
    expect(page.locator(".banner.ok")).to_contain_text("Your Microsoft account is linked")
    assert "code=" not in page.url
    axe_check(page, "your account, linked")
    doc_shot(page, "account")

    # Signed out, "Sign in with Microsoft" now opens the same account.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    page.goto("/signin?next=%2Fjobs")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.wait_for_url("**/jobs")
    assert person.email in page.locator(".who").inner_text()

    # The same Microsoft account cannot be linked to a second account here.
    other = admin.add_member(org, "CLIENT")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    sign_in(page, other.email, PASSWORD, "/account")
    page.get_by_role("button", name="Link Microsoft account").click()
    page.get_by_role("heading", name="Linking your Microsoft account").wait_for()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Your Microsoft account was not linked.")
    expect(alert).to_contain_text("already linked")
    page.get_by_role("link", name="Back to your account").click()
    page.get_by_role("heading", name="Your account").wait_for()
    assert other.email in page.locator(".who").inner_text()  # still signed in as themselves
    axe_check(page, "Microsoft link refused")
