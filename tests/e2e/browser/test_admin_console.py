"""The admin screens in Chromium against the real platform (no pipeline runs): organisations,
members and an invite with its copyable link, accepting that invite in a second browser,
users (role and status), the audit log with filters, glossaries with terms and CSV import and
export, and changing a password. axe runs on every screen; typed markup renders as text."""

import csv
import io

import requests
from playwright.sync_api import expect

from tests.e2e.browser.doc_shots import doc_shot
from tests.e2e.browser.support import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, axe_check, sign_in

XSS = '<img src=x onerror="window.__pwned=1">'


def test_admin_hub_orgs_and_invite_then_accept(page, new_context, admin, platform_url):
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
    page.get_by_role("heading", name="Administration").wait_for()
    axe_check(page, "admin hub")
    page.get_by_role("link", name="Organisations").click()
    page.get_by_role("heading", name="Organisations").wait_for()
    page.get_by_label("Name").fill("Harbour Studios")
    page.get_by_role("button", name="Create organisation").click()
    expect(page.get_by_role("status")).to_have_text("Organisation Harbour Studios created.")
    axe_check(page, "organisations")
    page.get_by_role("link", name="Harbour Studios").click()
    page.get_by_role("heading", name="Harbour Studios").wait_for()
    page.get_by_text("Settings", exact=True).click()
    page.get_by_label("Clients of this organisation see each other's jobs").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("Settings of Harbour Studios saved.")
    orgs = admin.call("GET", "/api/v1/organizations?limit=100").json()["items"]
    assert next(o for o in orgs if o["name"] == "Harbour Studios")["clients_share_jobs"] is True

    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_role("button", name="Create invite").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an email address")
    page.get_by_label("Email address").fill("new.linguist@example.com")
    page.get_by_label("Role").select_option("LINGUIST")
    page.get_by_role("button", name="Create invite").click()
    link_field = page.get_by_label("Invite link")
    link_field.wait_for()
    link = link_field.input_value()
    assert link.startswith(f"{platform_url}/accept-invite?token="), link
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status")).to_contain_text("Invite link")
    axe_check(page, "organisation members and invite")
    doc_shot(page, "invite")

    other = new_context().new_page()
    other.goto(link)
    other.get_by_role("heading", name="Accept your invite").wait_for()
    axe_check(other, "accept invite")
    other.get_by_label("Your name (optional)").fill(XSS)
    other.get_by_label("New password", exact=True).fill(PASSWORD)
    other.get_by_label("Type the password again").fill(PASSWORD + "x")
    other.get_by_role("button", name="Create account").click()
    expect(other.get_by_role("alert")).to_contain_text("The two passwords differ")
    other.get_by_label("Type the password again").fill(PASSWORD)
    other.get_by_role("button", name="Create account").click()
    other.get_by_role("heading", name="My assignments").wait_for()
    expect(other.get_by_text("new.linguist@example.com (LINGUIST)")).to_be_visible()
    assert requests.post(
        f"{platform_url}/api/v1/auth/login",
        json={"email": "new.linguist@example.com", "password": PASSWORD},
        timeout=30,
    ).ok

    again = new_context().new_page()  # the link works once: a second use says why, in words
    again.goto(link)
    again.get_by_label("New password", exact=True).fill(PASSWORD)
    again.get_by_label("Type the password again").fill(PASSWORD)
    again.get_by_role("button", name="Create account").click()
    expect(again.locator(".error-summary")).to_contain_text("nvite")
    assert "/accept-invite" in again.url

    page.reload()
    row = page.get_by_role("row").filter(has_text="new.linguist@example.com")
    expect(row).to_contain_text(XSS)  # the typed name is text, not an element
    assert page.evaluate("() => window.__pwned") is None
    assert other.evaluate("() => window.__pwned") is None


def test_users_role_and_status(page, admin):
    org = admin.create_org("Users Org")
    person = admin.add_member(org, "CLIENT")
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin/users")
    page.get_by_role("heading", name="Users").wait_for()
    page.get_by_label("Organisation").select_option(org)
    page.get_by_label("Role", exact=True).select_option("CLIENT")
    row = page.get_by_role("row").filter(has_text=person.email)
    row.wait_for()
    axe_check(page, "users")
    doc_shot(page, "users")
    page.get_by_label(f"Role of {person.email}").select_option("REVIEWER")
    page.get_by_label(f"Status of {person.email}").select_option("disabled")
    page.get_by_role("button", name=f"Save {person.email}").click()
    expect(page.get_by_role("status")).to_have_text(f"{person.email}: Reviewer, disabled.")
    stored = admin.call("GET", f"/api/v1/admin/users?org_id={org}").json()["items"]
    me = next(u for u in stored if u["email"] == person.email)
    assert (me["role"], me["status"]) == ("REVIEWER", "disabled")


def test_audit_log_filters(page, admin):
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin/audit")
    page.get_by_role("heading", name="Audit log").wait_for()
    page.locator("tbody tr").first.wait_for()
    axe_check(page, "audit log")
    doc_shot(page, "audit-log")
    page.get_by_label("Action (for example auth.login)").fill("auth.login")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr").filter(has_not_text="auth.login")).to_have_count(0)
    actions = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert actions and set(actions) == {"auth.login"}, actions
    page.get_by_label("From").fill("2999-01-01T00:00")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("No entries match.")).to_be_visible()


def test_glossary_terms_csv_import_and_export(page, admin, tmp_path):
    org = admin.create_org("Glossary Org")
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD, f"/admin/glossaries?org={org}")
    page.get_by_role("heading", name="Glossaries").wait_for()
    expect(page.get_by_label("Organisation")).to_have_value(org)
    axe_check(page, "glossaries")
    page.get_by_label("Name").fill("Product names")
    page.get_by_role("button", name="Create glossary").click()
    page.get_by_role("heading", name="Product names").wait_for()

    page.get_by_label("Source term").fill(XSS)
    page.get_by_label("Target language (for example es)").fill("es")
    page.get_by_label("Translation").fill("Widget")
    page.get_by_role("button", name="Add term").click()
    expect(page.get_by_role("cell", name=XSS, exact=True)).to_be_visible()
    assert page.evaluate("() => window.__pwned") is None

    upload = tmp_path / "terms.csv"
    upload.write_text(
        'source,target_language,target,case_sensitive,note\r\nfactory,es,fábrica,false,"plant, mill"\r\n'
        "Acme,fr,Acme,true,\r\n,es,missing source,false,\r\n",
        encoding="utf-8",
    )
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Import CSV").click()
    report = page.locator(".banner").filter(has_text="Added 2 terms.")
    expect(report).to_contain_text("Line 4: source, target_language and target are all needed.")
    expect(page.get_by_role("cell", name="fábrica")).to_be_visible()
    axe_check(page, "glossary")
    doc_shot(page, "glossary")

    gid = page.url.rsplit("/", 1)[-1]
    term = {"source": "=HYPERLINK(1)", "target_language": "es", "target": "x", "case_sensitive": False, "note": None}
    admin.call("POST", f"/api/v1/glossaries/{gid}/terms", expect=201, json=term)
    page.reload()
    page.get_by_role("cell", name="=HYPERLINK(1)", exact=True).wait_for()
    with page.expect_download() as dl:
        page.get_by_role("button", name="Export CSV").click()
    rows = list(csv.DictReader(io.StringIO(open(dl.value.path(), encoding="utf-8").read())))
    got = {(r["source"], r["target_language"], r["target"], r["case_sensitive"], r["note"]) for r in rows}
    assert ("factory", "es", "fábrica", "false", "plant, mill") in got
    assert ("Acme", "fr", "Acme", "true", "") in got
    assert any(r["target"] == "Widget" for r in rows)
    assert any(r["source"] == "'=HYPERLINK(1)" for r in rows)  # not a formula in a spreadsheet

    page.get_by_role("button", name="Delete factory (es)").click()
    expect(page.get_by_role("cell", name="fábrica")).to_have_count(0)

    page.get_by_role("button", name="Make default").click()
    expect(page.get_by_role("status").filter(has_text="default glossary")).to_have_text(
        "Product names is now the organisation's default glossary."
    )
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete glossary").click()
    page.get_by_role("heading", name="Glossaries").wait_for()
    expect(page.get_by_text("This organisation has no glossary yet.")).to_be_visible()
    assert admin.call("GET", f"/api/v1/glossaries?org_id={org}").json()["items"] == []


def test_change_password(page, admin, platform_url):
    org = admin.create_org("Password Org")
    person = admin.add_member(org, "REVIEWER")
    sign_in(page, person.email, PASSWORD, "/account/password")
    page.get_by_role("heading", name="Change password").wait_for()
    axe_check(page, "change password")
    new = "Another-Long-Passw0rd!"
    page.get_by_label("Current password").fill("wrong password here")
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("Type the new password again").fill(new)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("Current password is incorrect")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("Type the new password again").fill(new)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".banner.ok")).to_contain_text("Your password is changed")
    login = f"{platform_url}/api/v1/auth/login"
    assert requests.post(login, json={"email": person.email, "password": PASSWORD}, timeout=30).status_code == 401
    assert requests.post(login, json={"email": person.email, "password": new}, timeout=30).ok
    page.get_by_role("link", name="Jobs").first.click()  # still signed in with the fresh session
    page.get_by_role("heading", name="Jobs").wait_for()
