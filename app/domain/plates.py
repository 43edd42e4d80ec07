"""Plate text rules shared by search, recognition, hotlists and imports."""
from __future__ import annotations

import re

_NOT_PLATE_CHAR = re.compile(r"[^A-Z0-9]")

# Characters an OCR engine (or a witness) confuses with one another. Each group is a
# set of look-alikes; a character outside every group only matches itself.
CONFUSABLE_GROUPS: tuple[frozenset[str], ...] = (
    frozenset("O0DQ"),
    frozenset("I1LT"),
    frozenset("B8"),
    frozenset("S5"),
    frozenset("Z2"),
    frozenset("G6"),
    frozenset("A4"),
    frozenset("U V".replace(" ", "")),
)


def normalise_plate(text: str) -> str:
    """Upper-case letters and digits only: '7abc 123' and '7ABC-123' are both '7ABC123'."""
    return _NOT_PLATE_CHAR.sub("", (text or "").upper())


def confusables(char: str) -> frozenset[str]:
    """Every character that may be read for `char`, itself included."""
    for group in CONFUSABLE_GROUPS:
        if char in group:
            return group
    return frozenset(char)
