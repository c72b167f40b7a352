"""Deployment-side security controls in the Terraform configuration."""

from __future__ import annotations

import pytest

from shared import config
from shared.auth import tokens
from tests.support.terraform import MODULES, load, platform_functions, unquote


def _iam_locals() -> dict:
    merged: dict = {}
    for block in load(MODULES / "iam" / "main.tf")["locals"]:
        merged.update(block)
    return merged


def test_the_pipeline_worker_has_its_own_account_and_no_jwt_secret():
    fns = platform_functions()
    worker, trigger = fns["pipeline_worker"], fns["upload_trigger"]
    assert "worker" in unquote(worker["service_account"]) and worker["service_account"] != trigger["service_account"]
    assert worker["secrets"] == []
    assert unquote(worker["env"]["AVP_TOKENLESS"]) == "1"
    roles = {k: [unquote(r) for r in v] for k, v in _iam_locals()["project_roles"].items()}
    # the media APIs only for the worker; the upload trigger keeps documents and logs
    assert "roles/aiplatform.user" in roles["worker"] and "roles/aiplatform.user" not in roles["pipeline"]
    assert not any("owner" in r or "editor" in r or "secretmanager" in r for r in roles["worker"])
    secrets_text = (MODULES / "platform" / "main.tf").read_text()
    jwt_line = next(line for line in secrets_text.splitlines() if '"jwt-secret"' in line and "members" in line)
    assert 'members["worker"]' not in jwt_line


def test_api_functions_read_the_caller_token_behind_the_gateway():
    text = (MODULES / "platform" / "functions.tf").read_text()
    api_block = text[text.index("api_function = {") : text.index("functions = {")]
    assert 'AVP_BEHIND_GATEWAY     = "1"' in api_block and "AVP_TRUSTED_PROXY_HOPS" in api_block


def test_a_tokenless_process_cannot_sign_or_verify(monkeypatch):
    monkeypatch.setenv("AVP_BACKEND", "gcp")
    monkeypatch.delenv("AVP_JWT_SECRET")
    monkeypatch.setenv("AVP_TOKENLESS", "1")
    cfg = config.configure(config.from_env())
    assert cfg.jwt_secret == ""
    with pytest.raises(RuntimeError, match="no JWT secret"):
        tokens.issue_access_token({"id": "u", "role": "ADMIN"})
    with pytest.raises(RuntimeError, match="no JWT secret"):
        tokens.decode_access_token("a.b.c")
