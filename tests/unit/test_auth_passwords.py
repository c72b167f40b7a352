"""argon2id hashing and the minimum password strength."""

import pytest

from shared.auth.passwords import hash_password, strength_problem, verify_password


def test_argon2id_hash_and_verify():
    h = hash_password("Correct-Horse-9")
    assert h.startswith("$argon2id$") and "Correct-Horse-9" not in h
    assert verify_password(h, "Correct-Horse-9")
    assert not verify_password(h, "correct-horse-9")
    assert not verify_password(None, "anything")
    assert not verify_password("not-a-hash", "anything")


@pytest.mark.parametrize(
    "password,problem",
    [
        ("Sh0rt!", "at least 10"),
        ("alllowercaseletters", "three of"),
        ("ALLUPPER12345", "three of"),
        ("Password123!", "too common"),
        ("Jane.Doe-2026!", "email"),
        ("x" * 300, "at most"),
    ],
)
def test_weak_passwords_are_explained(password, problem):
    reason = strength_problem(password, "jane.doe@example.com")
    assert reason is not None and problem in reason


@pytest.mark.parametrize("password", ["Correct-Horse-9", "tr0ub4dor&three", "Ünïcödé-Pässwört-7"])
def test_strong_passwords_pass(password):
    assert strength_problem(password, "someone@example.com") is None
