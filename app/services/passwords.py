"""Password rules (NIST SP 800-63B) and hashing (Argon2id via argon2-cffi)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app import resources
from app.domain.errors import ValidationError

MIN_LENGTH = 15
MAX_LENGTH = 128  # NIST asks that at least 64 be allowed
CONTEXT_WORDS = ("platedesk", "plate desk", "glendora", "alpr")


@lru_cache(maxsize=1)
def _blocklist() -> frozenset[str]:
    lines = resources.text("passwords/common-passwords.txt").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _is_repetition(text: str) -> bool:
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return True
    return False


def _is_sequence(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:])}
    return len(steps) == 1 and steps.pop() in (-1, 1)


def check_new_password(password: str, username: str = "") -> None:
    """Raise ValidationError with the reason when `password` may not be used.

    Length and a blocklist, no composition rules: any printable character counts, spaces
    and Unicode included, so a long passphrase is the easy way through.
    """
    password = unicodedata.normalize("NFKC", password)
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"Use at least {MIN_LENGTH} characters; a phrase of several words works well.")
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"Use at most {MAX_LENGTH} characters.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in password):
        raise ValidationError("The password holds a control or unprintable character.")
    folded = password.lower()
    compact = re.sub(r"[\W_]+", "", folded)
    if folded in _blocklist() or compact in _blocklist():
        raise ValidationError("That password is on the list of commonly used passwords; choose another.")
    if _is_repetition(compact or folded) or _is_sequence(compact or folded):
        raise ValidationError("A repeated or sequential run of characters is too easy to guess.")
    remainder = compact
    for word in (username.lower(), *CONTEXT_WORDS):
        word = re.sub(r"[\W_]+", "", word)
        if len(word) >= 3:
            remainder = remainder.replace(word, "")
    if len(remainder) < 8:
        raise ValidationError("The password is mostly your user name or the system's name; choose another.")


class PasswordHashing:
    """Argon2id. The default parameters (RFC 9106 low-memory: t=3, m=64 MiB, p=4) exceed
    OWASP's minimum (t=2, m=19 MiB, p=1); a hash made with weaker ones is redone at login."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy = self._hasher.hash("timing-equaliser-for-unknown-users")

    def hash(self, password: str) -> str:
        return self._hasher.hash(unicodedata.normalize("NFKC", password))

    def verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, unicodedata.normalize("NFKC", password))
        except (VerificationError, InvalidHashError):
            return False

    def burn(self, password: str) -> None:
        """Spend the time of a real check, so an unknown user answers as slowly as a known one."""
        self.verify(self._dummy, password)

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)
