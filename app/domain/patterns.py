"""Partial-plate patterns (424.3(c)): `?` is one unknown character, `*` any run of them.

`PlatePattern.parse("7AB?12*")` validates, says in words what it will match, and turns
itself into bound SQL: LIKE with an escape character (so a typed `%`, `_` or `\\` is
literal), GLOB with character classes for SQLite's OCR-confusable search, and a regular
expression for PostgreSQL and for marking which characters of a fuzzy hit differed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.errors import ValidationError
from app.domain.plates import confusables

ONE, ANY = "?", "*"
LIKE_ESCAPE = "\\"
_SEPARATORS = re.compile(r"[\s\-·.]+")
MAX_PATTERN = 16


@dataclass(frozen=True)
class FuzzyMatch:
    """How a plate matched: exactly, or with look-alike characters (expected, found, position)."""

    fuzzy: bool
    differences: tuple[tuple[str, str, int], ...] = ()

    def describe(self) -> str:
        return ", ".join(f"{found} for {expected} at {pos + 1}" for expected, found, pos in self.differences)


@dataclass(frozen=True)
class PlatePattern:
    tokens: tuple[str, ...]  # each a literal character, ONE or ANY
    fuzzy: bool = False

    @classmethod
    def parse(cls, text: str, fuzzy: bool = False) -> "PlatePattern":
        cleaned = _SEPARATORS.sub("", (text or "").upper())
        if not cleaned:
            raise ValidationError("Enter a plate or a partial plate, e.g. 7ABC123, 7AB*, *4X2*, 7?B??23.")
        tokens: list[str] = []
        for char in cleaned:
            if char == ANY and tokens and tokens[-1] == ANY:
                continue  # "**" says no more than "*"
            tokens.append(char)
        known = sum(1 for t in tokens if t not in (ONE, ANY))
        if known == 0:
            raise ValidationError(
                "The pattern has no known character, so it would match every plate. "
                "Give at least one letter or digit, e.g. 7AB* or *4X2*."
            )
        if len(tokens) > MAX_PATTERN:
            raise ValidationError(f"A plate pattern is at most {MAX_PATTERN} characters.")
        return cls(tuple(tokens), fuzzy)

    # --- facts ----------------------------------------------------------------------

    @property
    def text(self) -> str:
        return "".join(self.tokens)

    @property
    def known_characters(self) -> int:
        return sum(1 for t in self.tokens if t not in (ONE, ANY))

    @property
    def is_exact(self) -> bool:
        return ONE not in self.tokens and ANY not in self.tokens

    @property
    def literal_prefix(self) -> str:
        prefix = []
        for token in self.tokens:
            if token in (ONE, ANY):
                break
            prefix.append(token)
        return "".join(prefix)

    @property
    def longest_known_run(self) -> str:
        """The longest run of known characters, e.g. "4X2" in *4X2*: what a trigram index looks up."""
        runs = "".join(t if t not in (ONE, ANY) else " " for t in self.tokens).split()
        return max(runs, key=len, default="")

    def describe(self) -> str:
        """The pattern in words, for the search form and the audit record."""
        parts: list[str] = []
        run = ""
        for token in self.tokens:
            if token in (ONE, ANY):
                if run:
                    parts.append(run)
                    run = ""
                parts.append("one unknown character" if token == ONE else "any characters")
            else:
                run += token
        if run:
            parts.append(run)
        words = " then ".join(parts)
        if self.is_exact:
            words = f"exactly {self.text}"
        return words + (" (look-alike characters too)" if self.fuzzy else "")

    # --- SQL and matching -----------------------------------------------------------

    def like(self) -> str:
        """A LIKE pattern to bind, with ESCAPE LIKE_ESCAPE; typed % _ \\ stay literal."""
        out = []
        for token in self.tokens:
            if token == ONE:
                out.append("_")
            elif token == ANY:
                out.append("%")
            elif token in ("%", "_", LIKE_ESCAPE):
                out.append(LIKE_ESCAPE + token)
            else:
                out.append(token)
        return "".join(out)

    def glob(self) -> str:
        """An SQLite GLOB pattern to bind; with fuzzy, each known character is a class of look-alikes."""
        out = []
        for token in self.tokens:
            if token in (ONE, ANY):
                out.append(token)
            elif self.fuzzy:
                out.append("[" + "".join(sorted(confusables(token), key=_glob_class_order)) + "]")
            elif token in "*?[]":
                out.append(f"[{token}]")
            else:
                out.append(token)
        return "".join(out)

    def regex(self, fuzzy: bool | None = None) -> str:
        """An anchored POSIX/Python regular expression; each known character is one group."""
        fuzzy = self.fuzzy if fuzzy is None else fuzzy
        out = ["^"]
        for token in self.tokens:
            if token == ONE:
                out.append(".")
            elif token == ANY:
                out.append(".*")
            elif fuzzy:
                out.append("([" + "".join(re.escape(c) for c in sorted(confusables(token))) + "])")
            else:
                out.append("(" + re.escape(token) + ")")
        out.append("$")
        return "".join(out)

    def match(self, plate: str) -> FuzzyMatch | None:
        """None when `plate` does not match; otherwise whether it needed look-alikes, and where."""
        if re.match(self.regex(fuzzy=False), plate, re.DOTALL):
            return FuzzyMatch(False)
        if not self.fuzzy:
            return None
        found = re.match(self.regex(fuzzy=True), plate, re.DOTALL)
        if not found:
            return None
        expected = [t for t in self.tokens if t not in (ONE, ANY)]
        differences = tuple(
            (want, got, found.start(i + 1))
            for i, (want, got) in enumerate(zip(expected, found.groups()))
            if want != got
        )
        return FuzzyMatch(bool(differences), differences)


def _glob_class_order(char: str) -> tuple[int, str]:
    # In a GLOB class a "]" must come first to be literal; nothing else here is special.
    return (0 if char == "]" else 1, char)
