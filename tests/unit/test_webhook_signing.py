"""Standard Webhooks signatures and the address guard's classification (no I/O)."""

import ipaddress

import pytest

from shared.errors import Invalid
from shared.webhooks import address_guard, signing

# The test vector of the Standard Webhooks specification's reference libraries.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'


def test_signature_matches_the_standard_webhooks_vector():
    assert signing.signature(SECRET, MSG_ID, TIMESTAMP, BODY) == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_headers_carry_one_signature_per_secret_and_verify():
    other = signing.new_secret()
    headers = signing.headers([SECRET, other], MSG_ID, TIMESTAMP, BODY)
    assert headers["webhook-id"] == MSG_ID and headers["webhook-timestamp"] == str(TIMESTAMP)
    assert len(headers["webhook-signature"].split(" ")) == 2
    signing.verify(SECRET, headers, BODY, now=TIMESTAMP + 10)
    signing.verify(other, headers, BODY, now=TIMESTAMP + 10)


@pytest.mark.parametrize(
    ("change", "now"),
    [
        ({"body": BODY + b" "}, TIMESTAMP),
        ({"secret": signing.new_secret()}, TIMESTAMP),
        ({}, TIMESTAMP + signing.TOLERANCE_SECONDS + 1),
        ({}, TIMESTAMP - signing.TOLERANCE_SECONDS - 1),
    ],
)
def test_verify_refuses_tampering_wrong_secret_and_stale_timestamps(change, now):
    headers = signing.headers([SECRET], MSG_ID, TIMESTAMP, BODY)
    with pytest.raises(signing.InvalidSignature):
        signing.verify(change.get("secret", SECRET), headers, change.get("body", BODY), now=now)


def test_new_secrets_are_distinct_32_byte_keys():
    a, b = signing.new_secret(), signing.new_secret()
    assert a != b and a.startswith("whsec_") and len(signing._key(a)) == 32  # noqa: SLF001


@pytest.mark.parametrize(
    "addr",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_non_public_addresses(addr):
    assert not address_guard._public(ipaddress.ip_address(addr))  # noqa: SLF001


@pytest.mark.parametrize("addr", ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses(addr):
    assert address_guard._public(ipaddress.ip_address(addr))  # noqa: SLF001


@pytest.mark.parametrize(
    ("url", "allow", "detail"),
    [
        ("http://example.com/x", False, "use https://"),
        ("gopher://example.com/x", True, "use an https:// URL"),
        ("https:///x", False, "no host"),
        ("https://a:b@example.com/x", False, "credentials"),
        ("https://example.com/x#frag", False, "fragment"),
        ("https://example.com:99999/x", False, "not a valid URL"),
    ],
)
def test_url_form(url, allow, detail):
    with pytest.raises(Invalid) as err:
        address_guard.check_url_form(url, allow)
    assert detail in err.value.detail


def test_url_form_ports():
    assert address_guard.check_url_form("https://example.com/x", False) == ("example.com", 443)
    assert address_guard.check_url_form("http://localhost:8080/x", True) == ("localhost", 8080)
