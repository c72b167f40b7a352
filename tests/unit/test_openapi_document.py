"""The OpenAPI document is valid OpenAPI 3.1 (openapi-spec-validator) and exact: the status
codes each handler answers, its headers, the multipart `file` part, the security schemes, the
`{detail}` error schema and the job's media and qc_report fields."""

from __future__ import annotations

from openapi_spec_validator import validate

from shared.openapi import document, error_codes
from shared.routes import ROUTES, spec_path

DOC = document()


def op(method: str, path: str) -> dict:
    return DOC["paths"][path][method]


def codes(method: str, path: str) -> set[str]:
    return set(op(method, path)["responses"])


def test_valid_openapi_31():
    assert DOC["openapi"] == "3.1.0"
    validate(DOC)


def test_every_route_is_an_operation_with_its_status_codes():
    for r in ROUTES:
        if r.path.startswith("/docs") or r.path == "/openapi.json":
            continue
        operation = op(r.method.lower(), spec_path(r.path))
        assert set(operation["responses"]) == {str(r.status)} | {str(c) for c in error_codes(r)}, r.path
        assert operation["operationId"] == f"{r.function}_{r.handler}"


def test_creations_answer_201_deletions_204():
    assert "201" in codes("post", "/api/v1/jobs") and "200" not in codes("post", "/api/v1/jobs")
    for path in ("/api/v1/glossaries", "/api/v1/organizations", "/api/v1/files/upload-url"):
        assert "201" in codes("post", path), path
    assert "201" in codes("post", "/api/v1/glossaries/{id}/terms")
    assert "201" in codes("post", "/api/v1/organizations/{id}/invite")
    for method, path in [
        ("delete", "/api/v1/jobs/{id}"),
        ("delete", "/api/v1/glossaries/{id}"),
        ("delete", "/api/v1/glossaries/{id}/terms/{term_id}"),
        ("delete", "/api/v1/organizations/{id}/members/{user_id}"),
        ("post", "/api/v1/auth/logout"),
    ]:
        responses = op(method, path)["responses"]
        assert "204" in responses and "content" not in responses["204"], path
    assert "302" in codes("get", "/api/v1/auth/microsoft/login")


def test_errors_share_the_detail_schema_with_examples():
    assert DOC["components"]["schemas"]["ErrorResponse"]["required"] == ["detail"]
    for name, resp in DOC["components"]["responses"].items():
        media = resp["content"]["application/json"]
        assert media["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
        assert media["example"]["detail"], name
    assert "Retry-After" in DOC["components"]["responses"]["E429"]["headers"]
    assert {"401", "403", "404", "422"} <= codes("get", "/api/v1/jobs/{id}") | {"422"}
    assert "401" not in codes("get", "/health")


def test_headers():
    patch = op("patch", "/api/v1/jobs/{id}/vtt/{lang}")
    if_match = [p for p in patch["parameters"] if p["in"] == "header"]
    assert [(p["name"], p["required"]) for p in if_match] == [("If-Match", True)]
    assert {"412", "428"} <= set(patch["responses"])
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert "ETag" in op("get", "/api/v1/jobs/{id}/vtt/{lang}")["responses"]["200"]["headers"]
    create = op("post", "/api/v1/jobs")
    assert [p["name"] for p in create["parameters"] if p["in"] == "header"] == ["Idempotency-Key"]
    assert "Idempotent-Replayed" in create["responses"]["201"]["headers"]
    login = op("post", "/api/v1/auth/login")["responses"]["200"]["headers"]
    assert "Set-Cookie" in login
    assert "Location" in op("get", "/api/v1/auth/microsoft/login")["responses"]["302"]["headers"]


def test_multipart_job_upload_has_the_file_part():
    content = op("post", "/api/v1/jobs")["requestBody"]["content"]
    form = DOC["components"]["schemas"]["JobCreateForm"]
    assert content["multipart/form-data"]["schema"] == {"$ref": "#/components/schemas/JobCreateForm"}
    assert form["properties"]["file"] == {
        "type": "string",
        "format": "binary",
        "contentMediaType": "video/mp4",
        "description": "The video",
    }
    assert form["required"] == ["requested_outputs"]  # file or upload_id; source_language may be detected
    assert "upload_id" in DOC["components"]["schemas"]["JobCreate"]["properties"]


def test_security_schemes():
    schemes = DOC["components"]["securitySchemes"]
    assert schemes["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": schemes["bearer"]["description"],
    }
    assert schemes["refreshCookie"]["in"] == "cookie"
    assert op("get", "/api/v1/jobs")["security"] == [{"bearer": []}]
    assert op("post", "/api/v1/auth/login")["security"] == []
    assert op("post", "/api/v1/auth/refresh")["security"] == [{"refreshCookie": []}]


def test_job_schema_has_media_and_qc_report():
    job = DOC["components"]["schemas"]["Job"]["properties"]
    assert "_id" in job and "media" in job and "qc_report" in job
    media = DOC["components"]["schemas"]["JobMedia"]["properties"]
    assert {"duration", "width", "height", "fps"} <= set(media)


def test_creation_links_feed_the_operations_that_use_the_id():
    links = op("post", "/api/v1/jobs")["responses"]["201"]["links"]
    assert links["jobs_get_job"] == {"operationId": "jobs_get_job", "parameters": {"id": "$response.body#/_id"}}
    assert "language_qc_assign" in links and "vtt_patch_vtt" in links
    assert "glossaries_add_term" in op("post", "/api/v1/glossaries")["responses"]["201"]["links"]
