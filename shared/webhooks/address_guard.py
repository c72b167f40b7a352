"""Refuses webhook URLs that would make the platform call into a private network (SSRF):
every address the host resolves to must be public. Loopback, private (RFC 1918, fc00::/7),
link-local (169.254/16 with the metadata server, fe80::/10), carrier-grade NAT, multicast,
reserved and unspecified addresses are refused unless the local setting
AVP_WEBHOOK_ALLOW_PRIVATE=1 allows them (development and tests only)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from shared.errors import Invalid

CGNAT = ipaddress.ip_network("100.64.0.0/10")


def _public(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if isinstance(addr, ipaddress.IPv4Address) and addr in CGNAT:
        return False
    return not (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
        or not addr.is_global
    )


def check_url_form(url: str, allow_private: bool) -> tuple[str, int]:
    """The URL's host and port, or Invalid (400) with what to fix (no DNS lookup)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Invalid("url: not a valid URL") from None
    if parts.scheme not in ("https", "http"):
        raise Invalid("url: use an https:// URL")
    if parts.scheme == "http" and not allow_private:
        raise Invalid("url: use https:// (plain http is allowed only on a local platform)")
    if not parts.hostname:
        raise Invalid("url: it has no host name")
    if parts.username or parts.password:
        raise Invalid("url: credentials in the URL are not allowed; verify the webhook-signature instead")
    if parts.fragment:
        raise Invalid("url: remove the #fragment")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Invalid(f"url: the host {host} does not resolve") from None
    return sorted({str(info[4][0]) for info in infos})


def check_url(url: str, allow_private: bool) -> list[str]:
    """Check form and every resolved address; returns the addresses."""
    host, port = check_url_form(url, allow_private)
    addresses = resolve(host, port)
    if allow_private:
        return addresses
    for raw in addresses:
        addr = ipaddress.ip_address(raw.split("%")[0])
        if not _public(addr):
            raise Invalid(
                f"url: {host} resolves to {raw}, a private, loopback or link-local address; webhooks "
                "only call public addresses"
            )
    return addresses
