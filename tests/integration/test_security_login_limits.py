"""Login throttling (decision 0900): per (account, client), per client, and a slower global
per-account limit that still lets the owner in from a browser they used before."""

from __future__ import annotations

from argon2 import PasswordHasher

from shared import config
from shared.auth import devices
from shared.bootstrap import platform
from shared.services.rate_limit import client_key

V1 = "/api/v1"
WRONG = "Wrong-Password-1"


def _login(app, user, password=None, addr="198.51.100.1", device=None):
    c = app.test_client(use_cookies=False)
    headers = {"Cookie": f"avp_device={device}"} if device else {}
    return c.post(
        f"{V1}/auth/login",
        json={"email": user["email"], "password": password or user["password"]},
        headers=headers,
        environ_base={"REMOTE_ADDR": addr},
    )


def _device_cookie(resp) -> str:
    for header in resp.headers.getlist("Set-Cookie"):
        if header.startswith("avp_device="):
            assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/api/v1/auth" in header
            return header.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError("no device cookie")


def test_guessing_from_one_address_does_not_lock_the_owner_out(app, users):
    config.configure(login_max_per_account=5, login_max_per_address=100, login_window_seconds=600)
    admin = users.user("ADMIN")
    codes = [_login(app, admin, WRONG, addr="203.0.113.66").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    # The ADMIN, from their own address, still signs in (today's code locked the account).
    assert _login(app, admin, addr="192.0.2.10").status_code == 200
    # The attacker's address stays locked for this account, even with the right password.
    assert _login(app, admin, addr="203.0.113.66").status_code == 429


def test_global_account_limit_spares_known_devices(app, users):
    config.configure(
        login_max_per_account=3, login_max_per_address=100, login_max_per_account_global=6, login_window_seconds=600
    )
    org = users.org()
    owner = users.user("PM", org)
    first = _login(app, owner, addr="192.0.2.10")
    assert first.status_code == 200
    device = _device_cookie(first)
    # A distributed guess: two tries from each of many addresses.
    codes = [_login(app, owner, WRONG, addr=f"203.0.113.{i // 2}").status_code for i in range(8)]
    assert codes[:6] == [401] * 6 and codes[6:] == [429, 429]
    resp = _login(app, owner, addr="192.0.2.99")  # right password, new client: refused
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1
    assert "browser you used before" in resp.get_json()["detail"]
    # The owner's browser, known by its device cookie, gets in from anywhere.
    again = _login(app, owner, addr="192.0.2.99", device=device)
    assert again.status_code == 200 and _device_cookie(again) == device


def test_a_device_cookie_of_another_account_is_no_bypass(app, users):
    config.configure(login_max_per_account=100, login_max_per_address=100, login_max_per_account_global=2)
    org = users.org()
    victim, mallory = users.user("PM", org), users.user("CLIENT", org)
    mallory_device = _device_cookie(_login(app, mallory))
    forged = devices.issue("someone-else")
    codes = [_login(app, victim, WRONG, device=d).status_code for d in (mallory_device, forged, "x.y.z")]
    assert codes == [401, 401, 429]


def test_a_known_device_that_guesses_locks_only_itself(app, users):
    config.configure(login_max_per_account=2, login_max_per_address=100, login_window_seconds=600)
    owner = users.user("CLIENT", users.org())
    device = _device_cookie(_login(app, owner))
    codes = [_login(app, owner, WRONG, device=device).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    assert _login(app, owner, addr="192.0.2.77").status_code == 200


def test_changing_the_password_lifts_the_global_lock(app, users):
    config.configure(login_max_per_account=100, login_max_per_address=100, login_max_per_account_global=2)
    owner = users.user("CLIENT", users.org())
    token = _login(app, owner).get_json()["access_token"]
    for _ in range(2):
        _login(app, owner, WRONG, addr="203.0.113.5")
    assert _login(app, owner, addr="192.0.2.3").status_code == 429
    resp = app.test_client(use_cookies=False).post(
        f"{V1}/auth/change-password",
        json={"current_password": owner["password"], "new_password": "Brand-New-Pass-42"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 200
    assert _login(app, owner, "Brand-New-Pass-42", addr="192.0.2.3").status_code == 200


def test_ipv6_clients_are_counted_by_their_64():
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:192.0.2.1") == "192.0.2.1" and client_key("192.0.2.1") == "192.0.2.1"


def test_rotating_ipv6_addresses_in_one_64_shares_the_address_limit(app, users):
    config.configure(login_max_per_account=100, login_max_per_address=3)
    user = users.user("CLIENT", users.org())
    codes = [_login(app, user, WRONG, addr=f"2001:db8:0:7::{i + 1:x}").status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]


def test_login_upgrades_an_old_hash(app, users):
    config.configure(insecure_fast_password_hashing=False)  # decision 0901's cost, not the suite's
    user = users.user("CLIENT", users.org())
    docs = platform().documents
    doc = docs.get("users", user["id"])
    old = PasswordHasher().hash(user["password"])
    docs.update(
        "users",
        user["id"],
        {**{k: v for k, v in doc.items() if k not in ("id", "_version")}, "password_hash": old},
        expected_version=doc["_version"],
    )
    assert _login(app, user).status_code == 200
    stored = docs.get("users", user["id"])["password_hash"]
    assert stored != old and "m=19456,t=2,p=1" in stored
    assert _login(app, user).status_code == 200
