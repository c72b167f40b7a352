"""Security settings and local file modes: the JWT secret's minimum strength on gcp, the
private data folder, and the bounded argon2 verifications (decision 0901)."""

from __future__ import annotations

import os
import secrets
import stat
import threading

import pytest
from argon2 import PasswordHasher

from shared import config
from shared.auth import passwords
from shared.errors import Unavailable
from shared.file_modes import private_dir, private_file
from shared.persistence.sqlite_documents import SqliteDocuments


@pytest.mark.parametrize(
    "secret",
    ["", "changeme", "x" * 64, "ab" * 40, secrets.token_hex(16), secrets.token_urlsafe(24), "0123456789abcdef" * 3],
    # ids, not the values: random values would give each xdist worker other test names
    ids=["empty", "word", "one-char", "two-chars", "hex-16-bytes", "urlsafe-24-bytes", "repeated-pattern"],
)
def test_gcp_refuses_a_jwt_secret_below_32_random_bytes(monkeypatch, secret):
    monkeypatch.setenv("AVP_BACKEND", "gcp")
    monkeypatch.setenv("AVP_JWT_SECRET", secret)
    with pytest.raises(RuntimeError, match="AVP_JWT_SECRET"):
        config.from_env()


@pytest.mark.parametrize(
    "secret",
    [secrets.token_hex(32), secrets.token_urlsafe(48), secrets.token_urlsafe(32)],
    ids=["hex-32-bytes", "urlsafe-48-bytes", "urlsafe-32-bytes"],
)
def test_gcp_accepts_a_random_secret_of_32_bytes(monkeypatch, secret):
    monkeypatch.setenv("AVP_BACKEND", "gcp")
    monkeypatch.setenv("AVP_JWT_SECRET", secret)
    assert config.from_env().jwt_secret == secret


def test_local_backend_keeps_its_generated_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("AVP_JWT_SECRET")
    monkeypatch.setenv("AVP_DATA_DIR", str(tmp_path / "d"))
    cfg = config.from_env()
    assert config.secret_strength_bits(cfg.jwt_secret) >= config.MIN_JWT_SECRET_BITS
    assert stat.S_IMODE((tmp_path / "d").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "d" / "jwt-secret").stat().st_mode) == 0o600


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_data_folder_and_sqlite_files_are_private(tmp_path):
    old = os.umask(0o022)
    try:
        data = tmp_path / "data"
        data.mkdir(mode=0o755)
        docs = SqliteDocuments(data / "documents.sqlite3")
        docs.create("things", "a", {"v": 1})
        assert _mode(data) == 0o700
        files = sorted(p.name for p in data.iterdir())
        assert "documents.sqlite3" in files
        for name in files:
            assert _mode(data / name) == 0o600, name
    finally:
        os.umask(old)


def test_private_helpers_tighten_existing_paths(tmp_path):
    d = tmp_path / "d"
    d.mkdir(mode=0o755)
    f = d / "f"
    f.write_text("x")
    os.chmod(f, 0o644)
    private_dir(d)
    private_file(f)
    assert _mode(d) == 0o700 and _mode(f) == 0o600 and f.read_text() == "x"


def test_hash_parameters_match_the_decision():
    config.configure(insecure_fast_password_hashing=False)  # the suite's default is the fast profile
    h = passwords.hash_password("Correct-Horse-9")
    assert f"m={passwords.MEMORY_KIB},t={passwords.TIME_COST},p={passwords.PARALLELISM}" in h
    assert passwords.MEMORY_KIB == 19 * 1024


def test_old_64mib_hashes_still_verify_and_ask_for_a_rehash():
    config.configure(insecure_fast_password_hashing=False)
    old = PasswordHasher().hash("Correct-Horse-9")  # the library default the platform used before
    assert "m=65536" in old
    assert passwords.verify_password(old, "Correct-Horse-9")
    assert passwords.needs_rehash(old)
    assert not passwords.needs_rehash(passwords.hash_password("Correct-Horse-9"))


def test_fast_test_hashing_is_refused_by_the_gcp_backend(monkeypatch):
    monkeypatch.setenv("AVP_BACKEND", "gcp")
    monkeypatch.setenv("AVP_JWT_SECRET", secrets.token_urlsafe(48))
    monkeypatch.setenv("AVP_INSECURE_FAST_PASSWORD_HASHING", "1")
    with pytest.raises(RuntimeError, match="AVP_INSECURE_FAST_PASSWORD_HASHING"):
        config.from_env()
    # and settings that carry it anyway (configure() in a test) still get decision 0901's cost
    config.configure(backend="gcp", insecure_fast_password_hashing=True)
    assert f"m={passwords.MEMORY_KIB},t={passwords.TIME_COST}" in passwords.hash_password("Correct-Horse-9")


def test_the_fast_test_profile_still_hashes_with_argon2id_and_verifies():
    config.configure(insecure_fast_password_hashing=True)
    h = passwords.hash_password("Correct-Horse-9")
    assert h.startswith("$argon2id$") and "m=8,t=1,p=1" in h
    assert passwords.verify_password(h, "Correct-Horse-9") and not passwords.verify_password(h, "Wrong-Horse-9")
    assert not passwords.verify_password(None, "Correct-Horse-9")


def test_verifications_beyond_the_per_instance_bound_get_503(monkeypatch):
    config.configure(password_concurrency=2)
    monkeypatch.setattr(passwords, "WAIT_SECONDS", 0.2)
    release = threading.Event()
    held = threading.Barrier(3)

    def hold():
        with passwords.verification_slot():
            held.wait()
            release.wait(5)

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for t in threads:
        t.start()
    held.wait()
    try:
        with pytest.raises(Unavailable) as exc:
            passwords.verify_password(None, "anything")
        assert exc.value.status == 503 and exc.value.headers["Retry-After"]
    finally:
        release.set()
        for t in threads:
            t.join()
    assert passwords.verify_password(None, "anything") is False  # slots free again
