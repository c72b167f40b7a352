"""Fixtures every test layer shares: an isolated environment and data folder per test, the
local platform's app, and helpers that create organisations and users of each role."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from xdist.scheduler import LoadFileScheduling

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from shared import bootstrap, config  # noqa: E402
from shared.auth import session  # noqa: E402
from shared.auth.passwords import hash_password  # noqa: E402
from shared.auth.tokens import issue_access_token  # noqa: E402
from shared.ids import new_id  # noqa: E402
from shared.local.app import create_app  # noqa: E402
from shared.timestamps import now_iso  # noqa: E402


class ModulesAndBrowserTests(LoadFileScheduling):
    """--dist loadfile (scripts/test), except that every browser test goes to the same process:
    they share one platform process and a pipeline warmed up with every module's jobs
    (tests/e2e/browser/conftest.py), which two processes would each start."""

    def _split_scope(self, nodeid: str) -> str:
        if nodeid.startswith("tests/e2e/browser/"):
            return "tests/e2e/browser"
        return super()._split_scope(nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    return ModulesAndBrowserTests(config, log) if config.getvalue("dist") == "loadfile" else None


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Each test gets its own data folder and settings; AVP_* variables are cleared."""
    for key in list(os.environ):
        if key.startswith("AVP_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AVP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AVP_JWT_SECRET", "test-secret-" + "x" * 40)
    config.reset()
    bootstrap.reset()
    session._cache.clear()  # noqa: SLF001
    # argon2 at its lowest cost (decision 1320); the tests of decision 0901's cost configure it back
    cfg = config.configure(task_backoff_seconds=0.05, insecure_fast_password_hashing=True)
    yield cfg
    config.reset()
    bootstrap.reset()


@pytest.fixture
def platform(isolated_settings):
    return bootstrap.platform()


@pytest.fixture
def app(isolated_settings):
    application = create_app()
    application.testing = True
    return application


@pytest.fixture
def client(app):
    return app.test_client()


class Users:
    """Creates organisations and users straight in the document store, and their tokens."""

    def __init__(self, platform):
        self.platform = platform

    def org(self, name: str = "Acme") -> str:
        org_id = new_id()
        self.platform.documents.create("organizations", org_id, {"name": name, "created_at": now_iso()})
        return org_id

    def user(
        self,
        role: str,
        org_id: str | None = None,
        email: str | None = None,
        password: str = "Correct-Horse-9",
        status: str = "active",
    ) -> dict:
        uid = new_id()
        email = email or f"{role.lower()}-{uid[-6:]}@example.com"
        now = now_iso()
        doc = {
            "email": email,
            "role": role,
            "org_id": org_id,
            "status": status,
            "name": role.title(),
            "password_hash": hash_password(password),
            "created_at": now,
            "updated_at": now,
        }
        self.platform.documents.create("users", uid, doc)
        user = {"id": uid, "email": email, "role": role, "org_id": org_id, "password": password}
        user["token"] = issue_access_token(user)
        user["headers"] = {"Authorization": f"Bearer {user['token']}"}
        return user


@pytest.fixture
def users(platform):
    return Users(platform)
