"""Walks every row of the route table whose function exists (so endpoints of later issues are
checked as they land) and checks the role gate of each non-public row:

- 401 without a token, with a tampered, an expired, an `alg: none` and a wrongly signed token;
- 403 (the dispatcher's role refusal) for every role the row does not list;
- every listed role passes the role check: not 401, not the role refusal, and no 5xx
  (dummy ids usually give 404/422, which is fine).
"""

import base64
import json
import re
import time

import jwt
import pytest

from shared import config
from shared.auth.tokens import issue_access_token
from shared.ids import new_id
from shared.routes import ALL_ROLES, ROUTES
from shared.timestamps import now_iso

PROTECTED = [r for r in ROUTES if not r.public]
DUMMY_ID = "0123456789abcdef01234567"
ROLE_REFUSAL = "Your role ("


def _path(route) -> str:
    path = route.path.replace("{path:path}", "captions/en.vtt")
    path = path.replace("{lang}", "en").replace("{name}", "x")
    return re.sub(r"\{\w+\}", DUMMY_ID, path)


def _call(client, route, headers=None):
    kwargs = {"headers": headers or {}}
    if route.body == "json":
        kwargs["json"] = {}
    elif route.body == "multipart":
        kwargs["data"] = {}
        kwargs["content_type"] = "multipart/form-data"
    return client.open(_path(route), method=route.method, **kwargs)


@pytest.fixture
def principals(platform):
    """One active user per role (stored without a password: only tokens are needed here)."""
    docs = platform.documents
    org = new_id()
    docs.create("organizations", org, {"name": "Walk", "created_at": now_iso()})
    out = {}
    for role in sorted(ALL_ROLES):
        uid = new_id()
        user = {
            "email": f"{role.lower()}@walk.example",
            "role": role,
            "org_id": None if role == "ADMIN" else org,
            "status": "active",
            "name": role,
            "password_hash": None,
            "created_at": now_iso(),
            "updated_at": now_iso(),
        }
        docs.create("users", uid, user)
        out[role] = {"id": uid, **user, "token": issue_access_token({"id": uid, **user})}
    return out


def _bad_tokens(principals) -> dict[str, str]:
    s = config.settings()
    client_user = principals["CLIENT"]
    now = int(time.time())
    claims = {
        "sub": principals["ADMIN"]["id"],
        "role": "ADMIN",
        "org_id": None,
        "iat": now,
        "exp": now + 600,
        "jti": "j" * 24,
        "iss": s.jwt_issuer,
        "aud": s.jwt_audience,
    }
    # tampered: a CLIENT's token with its payload rewritten to claim ADMIN, original signature kept
    header, payload, signature = client_user["token"].split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged.update(role="ADMIN", sub=principals["ADMIN"]["id"])
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    return {
        "tampered": f"{header}.{forged_payload}.{signature}",
        "expired": jwt.encode({**claims, "iat": now - 3600, "exp": now - 1800}, s.jwt_secret, algorithm="HS256"),
        "alg-none": jwt.encode(claims, None, algorithm="none"),
        "wrong-secret": jwt.encode(claims, "not-the-secret-" + "y" * 40, algorithm="HS256"),
        "garbage": "not.a.jwt",
    }


def test_walk_covers_this_issues_routes():
    names = {(r.function, r.handler) for r in PROTECTED}
    assert {("auth", "logout"), ("users", "invite"), ("admin", "audit_log"), ("admin", "update_user")} <= names


@pytest.mark.parametrize("route", PROTECTED, ids=[f"{r.method} {r.path}" for r in PROTECTED])
def test_route_role_gate(client, principals, route):
    missing = _call(client, route)
    assert missing.status_code == 401, (route.path, "no token", missing.status_code)
    for kind, token in _bad_tokens(principals).items():
        resp = _call(client, route, {"Authorization": f"Bearer {token}"})
        assert resp.status_code == 401, (route.path, kind, resp.status_code, resp.get_json())
        assert set(resp.get_json()) == {"detail"}
    for role in sorted(ALL_ROLES):
        resp = _call(client, route, {"Authorization": f"Bearer {principals[role]['token']}"})
        detail = (resp.get_json(silent=True) or {}).get("detail", "")
        if role in route.roles:
            assert resp.status_code != 401, (route.path, role, detail)
            assert not (resp.status_code == 403 and detail.startswith(ROLE_REFUSAL)), (route.path, role, detail)
            assert resp.status_code < 500, (route.path, role, resp.status_code, detail)
        else:
            assert resp.status_code == 403 and detail.startswith(ROLE_REFUSAL), (route.path, role, resp.status_code)
