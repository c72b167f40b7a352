"""Which paths the local platform leaves to the web console, and the console's CSP."""

from shared.local.console import content_security_policy, is_console_path


def test_api_and_platform_paths_are_never_console_routes():
    for path in ("/api/v1/jobs", "/api/v1/ws/org/x", "/health", "/metrics", "/openapi.json", "/docs", "/_files/a"):
        assert not is_console_path(path), path
    for path in ("/", "/jobs", "/jobs/abc/review/en", "/signin", "/assets/index-1.js", "/healthy-jobs"):
        assert is_console_path(path), path


def test_csp_forbids_inline_script_and_foreign_sources():
    csp = content_security_policy()
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp


def test_csp_adds_signed_url_origins_for_media_and_uploads():
    csp = content_security_policy(("https://storage.googleapis.com",))
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert "https://storage.googleapis.com" in directives["media-src"]
    assert "https://storage.googleapis.com" in directives["connect-src"]
    assert "https://storage.googleapis.com" not in directives["script-src"]
