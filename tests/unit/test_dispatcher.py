"""The dispatcher's error contract: every error is {"detail": ...}, never exception text."""

import pytest
from flask import Flask, request
from pydantic import BaseModel

from shared.errors import Conflict
from shared.http import Dispatcher
from shared.routes import Route


class Body(BaseModel):
    name: str
    count: int


def _boom(ctx):
    raise RuntimeError("secret internal detail /etc/passwd")


def _echo(ctx):
    return {"got": ctx.json(Body).model_dump()}


def _conflict(ctx, id):
    raise Conflict(f"Job {id} is at SOURCE_QC")


ROUTES = [
    Route("GET", "/boom", "t", "boom", None, "Boom"),
    Route("POST", "/echo", "t", "echo", None, "Echo"),
    Route("POST", "/things/{id}", "t", "conflict", None, "Conflict"),
    Route("GET", "/admin-only", "t", "echo", frozenset({"ADMIN"}), "Read admin things"),
]
HANDLERS = {"boom": _boom, "echo": _echo, "conflict": _conflict}


@pytest.fixture
def call():
    app = Flask("t")
    dispatcher = Dispatcher(ROUTES, lambda r: HANDLERS[r.handler])

    @app.route("/<path:p>", methods=["GET", "POST", "PUT", "DELETE"])
    def any_(p):
        return dispatcher(request)

    client = app.test_client()
    return client


def test_unexpected_exception_is_generic_500(call, caplog):
    resp = call.get("/boom")
    assert resp.status_code == 500
    body = resp.get_json()
    assert set(body) == {"detail"}
    assert "secret" not in body["detail"] and "RuntimeError" not in body["detail"]
    assert resp.headers["X-Request-ID"] in body["detail"]


def test_validation_is_422_readable(call):
    resp = call.post("/echo", json={"name": "x", "count": "many"})
    assert resp.status_code == 422
    assert resp.get_json()["detail"].startswith("Invalid request: count:")


def test_malformed_json_is_422(call):
    resp = call.post("/echo", data="{nope", content_type="application/json")
    assert resp.status_code == 422
    assert resp.get_json() == {"detail": "Request body is not valid JSON"}


def test_wrong_media_type_is_415(call):
    resp = call.post("/echo", data="name=x", content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 415
    assert "application/json" in resp.get_json()["detail"]


def test_oversize_body_is_413(call):
    resp = call.post("/echo", data=b"x" * (33 * 1024 * 1024), content_type="application/json")
    assert resp.status_code == 413
    assert "upload-url" in resp.get_json()["detail"]


def test_domain_error_maps_status(call):
    resp = call.post("/things/6650f3a2c0ffee00deadbeef")
    assert resp.status_code == 409
    assert resp.get_json() == {"detail": "Job 6650f3a2c0ffee00deadbeef is at SOURCE_QC"}


def test_missing_token_401_and_wrong_role_403(call, users):
    assert call.get("/admin-only").status_code == 401
    client_user = users.user("CLIENT", users.org())
    resp = call.get("/admin-only", headers=client_user["headers"])
    assert resp.status_code == 403
    assert "CLIENT" in resp.get_json()["detail"]


def test_unknown_and_wrong_method(call):
    assert call.get("/nothing").get_json()["detail"].startswith("No such endpoint")
    resp = call.put("/echo")
    assert resp.status_code == 405 and resp.headers["Allow"] == "POST"


def test_path_id_that_cannot_name_a_resource_is_404_before_the_handler(call):
    resp = call.post("/things/abc")
    assert resp.status_code == 404
    assert "24-character hex id" in resp.get_json()["detail"]
