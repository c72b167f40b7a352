"""shared.gateway: the API Gateway's OpenAPI 2.0 document generated from the route table."""

from __future__ import annotations

from pathlib import Path

from shared import gateway
from shared.routes import ROUTES, WEBSOCKET_PATHS

TEMPLATE = Path(__file__).resolve().parents[2] / "terraform" / "modules" / "gateway" / "openapi.json.tftpl"


def test_committed_template_matches_the_route_table():
    assert TEMPLATE.read_text() == gateway.template_text(), (
        "terraform/modules/gateway/openapi.json.tftpl is stale: run "
        "`.venv/bin/python -m shared.gateway --template terraform/modules/gateway/openapi.json.tftpl`"
    )


def test_every_route_has_one_operation_with_its_backend():
    urls = {fn: f"https://europe-west1-p.cloudfunctions.net/avp-dev-{fn}" for fn in gateway.backend_functions()}
    doc = gateway.document(urls)
    assert doc["swagger"] == "2.0"
    ops = [(p, m) for p, item in doc["paths"].items() for m in item if m != "options"]
    assert len(ops) == len(gateway.public_routes()) == len(set(ops))
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    for route in gateway.public_routes():
        op = doc["paths"][gateway.gateway_path(route.path)][route.method.lower()]
        assert op["x-google-backend"]["address"] == urls[route.function]
        assert op["x-google-backend"]["jwt_audience"] == urls[route.function]
        assert op["responses"]


def test_every_path_passes_cors_preflight_to_its_function():
    doc = gateway.document()
    for route in gateway.public_routes():
        item = doc["paths"][gateway.gateway_path(route.path)]
        preflight = item["options"]
        assert preflight["x-google-backend"]["address"] == gateway.placeholder(route.function)
        assert [p["name"] for p in preflight.get("parameters", [])] == gateway.path_params(route.path)


def test_path_parameters_are_declared():
    doc = gateway.document()
    op = doc["paths"]["/api/v1/jobs/{id}/vtt-versions/{lang}/{version_id}"]["get"]
    assert [p["name"] for p in op["parameters"] if p["in"] == "path"] == ["id", "lang", "version_id"]
    assert all(p["required"] and p["type"] == "string" for p in op["parameters"] if p["in"] == "path")
    files = doc["paths"]["/api/v1/files/{job_id}/{path=**}"]["get"]
    assert [p["name"] for p in files["parameters"] if p["in"] == "path"] == ["job_id", "path"]
    listing = doc["paths"]["/api/v1/jobs"]["get"]
    assert {p["name"]: p["type"] for p in listing["parameters"]}["limit"] == "integer"


def test_uploads_get_a_longer_deadline_and_multipart():
    op = gateway.document()["paths"]["/api/v1/jobs"]["post"]
    assert op["x-google-backend"]["deadline"] == 300.0
    assert op["consumes"] == ["multipart/form-data"]
    assert gateway.document()["paths"]["/health"]["get"]["x-google-backend"]["deadline"] == gateway.DEFAULT_DEADLINE


def test_websocket_paths_are_not_routed_by_the_gateway():
    doc = gateway.document()
    assert not any(p in doc["paths"] for p in WEBSOCKET_PATHS)


def test_internal_metrics_are_not_published_on_the_gateway():
    doc = gateway.document()
    assert "/metrics" not in doc["paths"]
    assert any(r.path == "/metrics" for r in ROUTES)  # still served by the health function
    assert "/health" in doc["paths"]
