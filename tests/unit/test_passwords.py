import pytest

from app.domain.errors import ValidationError
from app.services.passwords import PasswordHashing, check_new_password


@pytest.mark.parametrize("password", [
    "correct staple horse battery",
    "x" * 3 + "Ω≈ç√ unicode is fine here",
    "no-composition-rules-needed",
    "a" * 20 + "b" * 44,  # 64 characters must be allowed
])
def test_long_uncommon_passwords_are_accepted(password):
    check_new_password(password, "jdoe")


@pytest.mark.parametrize("password, reason", [
    ("short but ok!", "at least 15"),
    ("passwordpassword", "commonly used"),
    ("Password Password", "commonly used"),
    ("qwertyuiopasdfghjkl", "commonly used"),
    ("aaaaaaaaaaaaaaaaaaa", "repeated"),
    ("abcabcabcabcabcabc", "repeated"),
    ("bcdefghijklmnopqr", "sequential"),
    ("jdoejdoejdoe-glendora", "user name"),
    ("x" * 129, "at most"),
    ("line\nbreaks are control chars", "control"),
])
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    with pytest.raises(ValidationError, match=reason):
        check_new_password(password, "jdoe")


def test_argon2id_hash_verifies_and_flags_weaker_parameters_for_rehash():
    from argon2 import PasswordHasher

    weak = PasswordHashing(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    strong = PasswordHashing()
    stored = weak.hash("correct staple horse battery")
    assert stored.startswith("$argon2id$")
    assert strong.verify(stored, "correct staple horse battery")
    assert not strong.verify(stored, "correct staple horse batterY")
    assert strong.needs_rehash(stored)
    assert not strong.needs_rehash(strong.hash("x" * 16))
