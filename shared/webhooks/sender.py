"""Sends one webhook POST to the address the guard checked, not to whatever the host name
resolves to a moment later (DNS rebinding): the request goes to that IP, with the URL's host in
the Host header and, for https, in SNI and certificate verification. No redirects are followed
and no proxy from the environment is used (a proxy would resolve the name again)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit


def pinned_target(url: str, address: str) -> tuple[str, str, str]:
    """(URL naming `address` instead of the host, Host header value, host name for TLS)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    ip = ipaddress.ip_address(address.split("%")[0])
    netloc = f"[{ip}]" if ip.version == 6 else str(ip)
    host_header = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
        host_header += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host_header, host


def post(url: str, address: str, body: bytes, headers: dict, timeout: float, verify: bool | str = True):
    """POST `body` to `url` through `address`; returns the requests Response."""
    import requests  # only delivery tasks send; keeps the API functions' cold import small
    from requests.adapters import HTTPAdapter

    target, host_header, tls_name = pinned_target(url, address)

    class PinnedTls(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["server_hostname"] = tls_name
            kwargs["assert_hostname"] = tls_name
            super().init_poolmanager(*args, **kwargs)

    with requests.Session() as session:
        session.trust_env = False
        session.mount("https://", PinnedTls())
        return session.post(
            target,
            data=body,
            headers={**headers, "Host": host_header},
            timeout=timeout,
            allow_redirects=False,
            verify=verify,
        )
