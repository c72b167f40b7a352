"""The skeleton's HTTP behaviour through the local app: health, errors as JSON, OpenAPI, docs."""

from shared.config import configure, settings
from shared.routes import ROUTES, spec_path


def test_health_exact(client):
    resp = client.get("/health")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "healthy", "version": "1.0.0"}


def test_unknown_path_is_json_404(client):
    resp = client.get("/api/v1/nope")
    assert resp.status_code == 404
    assert set(resp.get_json()) == {"detail"}
    assert "nope" in resp.get_json()["detail"]


def test_wrong_method_is_json_405(client):
    resp = client.delete("/health")
    assert resp.status_code == 405
    assert resp.get_json()["detail"].startswith("Method DELETE is not allowed")
    assert "GET" in resp.headers["Allow"]


def test_metrics_prometheus_text(client):
    client.get("/health")
    resp = client.get("/metrics")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/plain")
    assert 'avp_http_requests_total{method="GET",route="/health",status="200"}' in resp.get_data(as_text=True)
    assert "avp_http_request_duration_seconds_bucket" in resp.get_data(as_text=True)


def test_openapi_lists_every_route(client):
    doc = client.get("/openapi.json").get_json()
    for r in ROUTES:
        if not r.path.startswith("/docs") and r.path != "/openapi.json":
            assert r.method.lower() in doc["paths"][spec_path(r.path)], r.path


def test_docs_served_without_cdn(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "swagger-ui-bundle.js" in html and "http" not in html.split("<body>")[1].split("</script>")[0]
    asset = client.get("/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000


def test_cors_preflight_only_for_configured_origins(client):
    configure(cors_origins=("https://app.example.com",))
    ok = client.options(
        "/api/v1/jobs", headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"}
    )
    assert ok.status_code == 204
    assert ok.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in ok.headers["Access-Control-Allow-Headers"]
    other = client.options("/api/v1/jobs", headers={"Origin": "https://evil.example.com"})
    assert other.status_code == 405 and "Access-Control-Allow-Origin" not in other.headers


def test_empty_idempotency_key_is_refused(client, users):
    org = users.org()
    client_user = users.user("CLIENT", org)
    resp = client.post(
        "/api/v1/jobs",
        json={"source_language": "en", "requested_outputs": ["es"], "upload_id": "0" * 24},
        headers={**client_user["headers"], "Idempotency-Key": " "},
    )
    assert resp.status_code == 422 and "Idempotency-Key" in resp.get_json()["detail"]


def test_openapi_server_is_the_public_base_path(client):
    local = settings()
    assert client.get("/openapi.json").get_json()["servers"] == [{"url": "/"}]
    try:
        configure(public_base_url="https://ai-sandbox.oliver.solutions/video-accessibility-back/")
        doc = client.get("/openapi.json").get_json()
        assert doc["servers"] == [{"url": "/video-accessibility-back"}]
    finally:
        configure(local)
