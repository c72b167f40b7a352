"""A tiny OpenID Connect issuer for tests, laid out like Microsoft Entra ID v2:

    https://127.0.0.1:<port>/<tenant>/v2.0/.well-known/openid-configuration
    https://127.0.0.1:<port>/<tenant>/discovery/v2.0/keys
    https://127.0.0.1:<port>/<tenant>/oauth2/v2.0/authorize   (signs in `issuer.next_user` at once)
    https://127.0.0.1:<port>/<tenant>/oauth2/v2.0/token       (authorization_code grant, PKCE S256)

It serves HTTPS (msal accepts only https authorities) with a certificate from its own throwaway
CA (`ca_path`), signs ID tokens with a real RSA key (RS256), checks the client secret, the
redirect URI and the PKCE verifier, and issues each code once. `tamper` lets a test make the
next ID token wrong in one specific way. Threaded http.server on a random loopback port.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import ipaddress
import json
import secrets
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.support import servers


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@functools.cache
def _rsa_key(purpose: str):
    """RSA keys are slow to make; one per purpose per test process is enough."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _tls_material(folder: Path) -> tuple[Path, Path, Path]:
    """A CA certificate and a server certificate for 127.0.0.1 signed by it."""
    now = dt.datetime.now(dt.UTC)
    ca_key = _rsa_key("ca")
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "avp test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = _rsa_key("tls")
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return ca_path, cert_path, key_path


class OidcIssuer:
    def __init__(
        self,
        tenant: str = "11111111-2222-3333-4444-555555555555",
        client_id: str = "avp-test-client",
        client_secret: str = "avp-test-secret-0123456789abcdef0123",
        folder: Path | None = None,
    ):
        self.tenant = tenant
        self.client_id = client_id
        self.client_secret = client_secret
        self._tmp = None
        if folder is None:
            self._tmp = tempfile.TemporaryDirectory()
            folder = Path(self._tmp.name)
        self.ca_path, cert_path, key_path = _tls_material(Path(folder))
        self.signing_key = _rsa_key("signing")
        self.kid = secrets.token_hex(8)
        self.other_key = _rsa_key("other")  # never published
        self.next_user: dict = {}
        self.tamper: dict = {}
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.authorize_requests: list[dict] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(cert_path), str(key_path))
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]

    # --- lifecycle -----------------------------------------------------------------------
    def __enter__(self):
        servers.start(self.server, "oidc-issuer")
        return self

    def __exit__(self, *exc):
        servers.stop(self.server)
        if self._tmp is not None:
            self._tmp.cleanup()

    @property
    def authority(self) -> str:
        return f"https://127.0.0.1:{self.port}/{self.tenant}"

    @property
    def issuer(self) -> str:
        return f"{self.authority}/v2.0"

    def jwks(self) -> dict:
        pub = self.signing_key.public_key().public_numbers()
        return {
            "keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid, "n": _b64(pub.n), "e": _b64(pub.e)}]
        }

    def metadata(self) -> dict:
        base = self.authority
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
        }

    # --- tokens ----------------------------------------------------------------------------
    def make_id_token(self, *, nonce: str, email: str, oid: str, name: str = "Test User", **overrides) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": "sub-" + oid,
            "oid": oid,
            "tid": self.tenant,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "nonce": nonce,
            "preferred_username": email,
            "email": email,
            "name": name,
            "ver": "2.0",
        }
        key, kid, alg = self.signing_key, self.kid, "RS256"
        t = dict(self.tamper)
        if t.pop("sign_with_other_key", False):
            key = self.other_key
        if "alg" in t:
            alg = t.pop("alg")
            key = {"HS256": self.client_secret, "none": None}[alg]
        if "kid" in t:
            kid = t.pop("kid")
        claims.update(t)
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})

    def _handler(self):
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: dict | None = None, headers: dict | None = None):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                parts = urlsplit(self.path)
                prefix = f"/{issuer.tenant}"
                if parts.path == f"{prefix}/v2.0/.well-known/openid-configuration":
                    return self._send(200, issuer.metadata())
                if parts.path == f"{prefix}/discovery/v2.0/keys":
                    return self._send(200, issuer.jwks())
                if parts.path == f"{prefix}/oauth2/v2.0/authorize":
                    return self._authorize({k: v[0] for k, v in parse_qs(parts.query).items()})
                return self._send(404, {"error": "not_found"})

            def _authorize(self, q: dict):
                issuer.authorize_requests.append(q)
                if q.get("client_id") != issuer.client_id or q.get("response_type") != "code":
                    return self._send(400, {"error": "invalid_request"})
                if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
                    return self._send(400, {"error": "invalid_request", "error_description": "PKCE required"})
                code = secrets.token_urlsafe(24)
                with issuer._lock:
                    issuer.codes[code] = {
                        "challenge": q["code_challenge"],
                        "redirect_uri": q.get("redirect_uri"),
                        "nonce": q.get("nonce", ""),
                        "user": dict(issuer.next_user),
                    }
                location = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", "")})
                return self._send(302, None, {"Location": location})

            def do_POST(self):
                if urlsplit(self.path).path != f"/{issuer.tenant}/oauth2/v2.0/token":
                    return self._send(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                issuer.token_requests.append(form)
                if form.get("client_id") != issuer.client_id or form.get("client_secret") != issuer.client_secret:
                    return self._send(401, {"error": "invalid_client"})
                if form.get("grant_type") != "authorization_code":
                    return self._send(400, {"error": "unsupported_grant_type"})
                with issuer._lock:
                    grant = issuer.codes.pop(form.get("code", ""), None)
                if grant is None:
                    return self._send(400, {"error": "invalid_grant", "error_description": "unknown or used code"})
                if form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._send(400, {"error": "invalid_grant", "error_description": "redirect_uri mismatch"})
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if challenge != grant["challenge"]:
                    return self._send(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})
                user = grant["user"]
                id_token = issuer.make_id_token(
                    nonce=grant["nonce"],
                    email=user.get("email", ""),
                    oid=user.get("oid", "oid-1"),
                    name=user.get("name", "Test User"),
                )
                return self._send(
                    200,
                    {
                        "token_type": "Bearer",
                        "scope": "openid profile email",
                        "expires_in": 3600,
                        "access_token": secrets.token_urlsafe(32),
                        "id_token": id_token,
                    },
                    {"Cache-Control": "no-store"},
                )

        return Handler
