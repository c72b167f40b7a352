"""Channel access rules, token classification and `since` parsing (no sockets)."""

from __future__ import annotations

import time

import jwt
import pytest

from shared.auth.tokens import Principal
from shared.domain.jobs import assignees
from shared.realtime import access
from shared.realtime import protocol as P
from shared.realtime.access import Refused


def principal(role, org_id=None, user_id="u1", exp=None):
    return Principal(user_id=user_id, role=role, org_id=org_id, exp=exp or int(time.time()) + 600)


def job(org_id="o1", assignee=None, assignees=None, created_by="u1"):
    doc = {"id": "j1", "org_id": org_id, "status": "LANGUAGE_QC", "language_qc": {}, "created_by": created_by}
    if assignee:
        doc["language_qc"] = {"es": {"state": "ASSIGNED", "assignee": assignee}}
    if assignees is not None:
        doc["assignees"] = assignees
    return doc


@pytest.mark.parametrize(
    "who, doc, visible",
    [
        (principal("CLIENT", "o1"), job("o1"), True),
        (principal("CLIENT", "o1"), job("o1", created_by="someone-else"), False),
        (principal("CLIENT", "o2"), job("o1"), False),
        (principal("CLIENT", None), job(None), False),
        (principal("PM", "o1"), job("o1"), True),
        (principal("PM", "o2"), job("o1"), False),
        (principal("REVIEWER"), job("o1"), True),
        (principal("ADMIN"), job("o9"), True),
        (principal("LINGUIST", user_id="ling"), job("o1", assignee="ling"), True),
        (principal("LINGUIST", user_id="ling"), job("o1", assignee="someone"), False),
        (principal("LINGUIST", user_id="ling"), job("o1"), False),
        (principal("UNKNOWN", "o1"), job("o1"), False),
    ],
)
def test_job_visibility_is_the_rest_rule(who, doc, visible):
    assert access.can_see_job(who, doc) is visible


def test_assignees_are_read_from_language_qc():
    assert assignees(job(assignee="a", assignees=["a"])) == ["a"]


def test_missing_token_is_4401():
    with pytest.raises(Refused) as info:
        access.authenticate(None)
    assert info.value.code == P.UNAUTHENTICATED


def test_expired_genuine_token_is_4408_and_a_forged_expired_one_is_4401(isolated_settings):
    cfg = isolated_settings
    claims = {
        "sub": "u",
        "role": "ADMIN",
        "iat": 1,
        "exp": int(time.time()) - 10,
        "jti": "x",
        "iss": cfg.jwt_issuer,
        "aud": cfg.jwt_audience,
    }
    genuine = jwt.encode(claims, cfg.jwt_secret, algorithm="HS256")
    forged = jwt.encode(claims, "not-the-secret-" + "z" * 40, algorithm="HS256")
    assert access.token_expired(genuine) and not access.token_expired(forged)
    with pytest.raises(Refused) as a:
        access.authenticate(genuine)
    with pytest.raises(Refused) as b:
        access.authenticate(forged)
    assert (a.value.code, b.value.code) == (P.TOKEN_EXPIRED, P.UNAUTHENTICATED)


def test_since_is_normalised_to_the_stored_timestamp_format():
    assert access.parse_since(None) is None
    assert access.parse_since("2026-05-01T10:00:00Z") == "2026-05-01T10:00:00.000000Z"
    assert access.parse_since("2026-05-01T12:00:00.5+02:00") == "2026-05-01T10:00:00.500000Z"
    for bad in ("yesterday", "2026-05-01T10:00:00", "2026-13-01T00:00:00Z"):
        with pytest.raises(Refused) as info:
            access.parse_since(bad)
        assert info.value.code == P.BAD_REQUEST


def test_close_codes_are_distinct_and_in_the_application_range():
    codes = [P.BAD_REQUEST, P.UNAUTHENTICATED, P.FORBIDDEN, P.NOT_FOUND, P.TOKEN_EXPIRED, P.TOO_SLOW]
    assert len(set(codes)) == len(codes) and all(4000 <= c <= 4999 for c in codes)
    assert set(P.CLOSE_CODES) >= set(codes)
