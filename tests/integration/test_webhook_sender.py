"""The webhook sender connects to the address the guard checked (no second DNS lookup) while
TLS still verifies the certificate against the URL's host name: a real HTTPS receiver on
loopback with a certificate for `localhost`, made by the test."""

import datetime
import ssl
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from shared.webhooks import sender
from tests.support import servers


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class Receiver:
    def __init__(self, tls=None):
        self.seen: list[dict] = []
        seen = self.seen

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                seen.append({"host": self.headers.get("Host"), "path": self.path, "body": body})
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        servers.start(self.server, "webhook-sender-receiver")

    def close(self):
        servers.stop(self.server)


def test_https_goes_to_the_checked_address_and_verifies_the_host_name(certificate):
    receiver = Receiver(tls=certificate)
    try:
        resp = sender.post(
            f"https://localhost:{receiver.port}/hooks?x=1", "127.0.0.1", b"{}", {}, 5, verify=str(certificate[0])
        )
        assert resp.status_code == 204
        assert receiver.seen == [{"host": f"localhost:{receiver.port}", "path": "/hooks?x=1", "body": b"{}"}]
        # the same address under a name the certificate does not cover: refused by TLS
        with pytest.raises(requests.exceptions.SSLError):
            sender.post(
                f"https://other.invalid:{receiver.port}/hooks", "127.0.0.1", b"{}", {}, 5, verify=str(certificate[0])
            )
        assert len(receiver.seen) == 1
    finally:
        receiver.close()


def test_http_needs_no_dns_answer_for_the_name():
    receiver = Receiver()
    try:
        resp = sender.post(f"http://pinned.invalid:{receiver.port}/x", "127.0.0.1", b"hi", {"X-A": "1"}, 5)
        assert resp.status_code == 204
        assert receiver.seen[0]["host"] == f"pinned.invalid:{receiver.port}"
    finally:
        receiver.close()


def test_pinned_target_forms():
    assert sender.pinned_target("https://h.example/p", "93.184.216.34") == (
        "https://93.184.216.34/p",
        "h.example",
        "h.example",
    )
    assert sender.pinned_target("https://h.example:8443", "2606:2800::1") == (
        "https://[2606:2800::1]:8443/",
        "h.example:8443",
        "h.example",
    )
