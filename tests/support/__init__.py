"""Test helpers shared by the identity tests (a local OIDC issuer, cookie helpers)."""

from __future__ import annotations


def refresh_cookie(resp) -> str | None:
    """The avp_refresh value a response sets (None if it sets none)."""
    for header in resp.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        if name == "avp_refresh":
            return rest.split(";", 1)[0]
    return None


def set_cookie_header(resp, name: str) -> str:
    for header in resp.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    raise AssertionError(f"no Set-Cookie for {name}: {resp.headers.getlist('Set-Cookie')}")


def with_cookie(app, method: str, path: str, token: str | None, **kwargs):
    """One request from a cookie-less client carrying exactly this refresh cookie."""
    client = app.test_client(use_cookies=False)
    headers = dict(kwargs.pop("headers", {}) or {})
    if token is not None:
        headers["Cookie"] = f"avp_refresh={token}"
    return client.open(path, method=method, headers=headers, **kwargs)
