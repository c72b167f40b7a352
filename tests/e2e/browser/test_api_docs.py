"""/docs in a real browser (Debian's Chromium): Swagger UI 5 renders the OpenAPI 3.1 document
served by the platform itself (no CDN, strict CSP), lists every operation, shows no render
error, and "Authorize" with a bearer token makes "Try it out" calls authenticated."""

from __future__ import annotations

from shared.openapi import document

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _operations() -> set[tuple[str, str]]:
    return {(m.upper(), path) for path, item in document()["paths"].items() for m in item if m in HTTP_METHODS}


def _open_docs(page, platform_url):
    outside, violations = [], []
    page.on(
        "request",
        lambda r: None if r.url.startswith(platform_url) or r.url.startswith("data:") else outside.append(r.url),
    )
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    resp = page.goto("/docs")
    assert resp.status == 200
    assert "script-src 'self'" in resp.headers["content-security-policy"]
    page.wait_for_selector(".opblock", timeout=30_000)
    return outside, violations


def test_docs_render_every_operation_without_error(page, platform_url):
    outside, violations = _open_docs(page, platform_url)
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("Accessible Video Processing Platform")
    assert "OAS 3.1" in page.locator(".swagger-ui .info").inner_text()
    # no "Unable to render this definition", no parser errors panel
    assert page.locator(".swagger-ui .errors-wrapper").count() == 0
    assert "Unable to render" not in page.content()
    listed = set()
    for block in page.locator(".opblock").all():
        method = block.locator(".opblock-summary-method").inner_text().strip().upper()
        path = block.locator(".opblock-summary-path").get_attribute("data-path")
        listed.add((method, path))
    assert listed == _operations()
    assert outside == [], f"requests left the platform: {outside}"
    assert violations == [], "\n".join(violations)
    assert page.context.page_errors == []


def test_authorize_with_bearer_token_then_try_it_out(page, platform_url, admin):
    _open_docs(page, platform_url)
    page.get_by_role("button", name="Authorize").first.click()
    bearer = page.locator(".dialog-ux .auth-container").filter(has_text="(http, Bearer)")
    bearer.locator("#auth-bearer-value").fill(admin.token)
    bearer.locator("button.authorize").click()
    assert bearer.get_by_role("button", name="Remove authorization").or_(bearer.get_by_text("Logout")).count() >= 1
    page.locator(".dialog-ux button.close-modal").click()

    op = page.locator("#operations-users-users_me")
    op.locator(".opblock-summary").click()
    op.get_by_role("button", name="Try it out").click()
    op.get_by_role("button", name="Execute").click()
    live = op.locator(".live-responses-table .response .response-col_status").first
    live.wait_for(timeout=15_000)
    assert live.inner_text().strip() == "200"
    assert admin.user["email"] in op.locator(".live-responses-table").inner_text()
    assert "Authorization: Bearer" in op.locator(".curl-command").inner_text()
