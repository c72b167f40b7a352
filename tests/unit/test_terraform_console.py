"""The console's site in Terraform (decision 0801): one load balancer routes the WebSockets, the
API and the console's files on one domain, and the console's responses carry its strict CSP."""

import json

from tests.support.terraform import MODULES, load, unquote


def _resources(kind: str) -> dict:
    found = {}
    for block in load(MODULES / "console" / "main.tf")["resource"]:
        for name, body in block.get(kind, {}).items():
            found[name] = body
    return found


def test_paths_route_websockets_api_assets_then_the_single_page():
    url_map = _resources("google_compute_url_map")["site"]
    rules = url_map["path_matcher"][0]["route_rules"]
    by_priority = {r["priority"]: r for r in rules}
    assert "websocket" in unquote(by_priority[1]["service"])
    assert [unquote(m["prefix_match"]) for m in by_priority[1]["match_rules"]] == ["/api/v1/ws/"]
    api = json.dumps(by_priority[2]["match_rules"])
    assert "backend_service.api" in unquote(by_priority[2]["service"])
    for path in ("/api/", "/health", "/openapi.json", "/docs"):
        assert path in api
    assert "/assets/" in json.dumps(by_priority[3]["match_rules"])
    fallback = by_priority[4]
    assert "backend_bucket.console" in unquote(fallback["service"])
    rewrite = fallback["route_action"][0]["url_rewrite"][0]
    assert unquote(rewrite["path_template_rewrite"]) == "/index.html"
    assert min(by_priority) == 1 and max(by_priority) == 4


def test_console_responses_carry_the_strict_csp():
    text = (MODULES / "console" / "main.tf").read_text()
    assert "Content-Security-Policy: ${local.csp}" in text
    assert "\"script-src 'self'\"" in text and "unsafe-inline" not in text and "\"object-src 'none'\"" in text


def test_platform_makes_the_console_only_with_a_domain():
    text = (MODULES / "platform" / "main.tf").read_text()
    assert 'count             = var.console_domain == "" ? 0 : 1' in text


def test_buckets_allow_the_console_origin_for_signed_url_reads_and_uploads():
    text = (MODULES / "platform" / "main.tf").read_text()
    assert '["https://${var.console_domain}"]' in text
    assert "cors_origins           = local.bucket_cors_origins" in text
    storage = (MODULES / "storage" / "main.tf").read_text()
    assert 'method          = ["GET", "HEAD"]' in storage and 'method          = ["PUT", "OPTIONS"]' in storage
