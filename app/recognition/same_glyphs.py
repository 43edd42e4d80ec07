"""Glyphs of one plate drawn alike are one character: O/0 and I/1 settled together.

A plate's font draws the letter O and the zero, or the I and the one, nearly alike (many
states' the same), and the recogniser tells them apart by their neighbours: the same
glyph is an O beside letters and a 0 beside digits (0CA069 read OCA069, 14CV10 read
14CVI0). Two glyphs of one line that match each other closely are the same character,
so they are settled together, on their pooled evidence.

Only these two pairs: B and 8, S and 5, D and 0 are drawn apart on purpose. On the
training photos such different pairs on one plate matched at most 0.905 and the same
character twice 0.95 at the median; `_ALIKE` lies between.
"""
from __future__ import annotations

import cv2
import numpy as np

from .formats import I_PRIOR
from .ocr import PLATE_ALPHABET

_PAIRS = {"O": "0", "0": "0", "I": "1", "1": "1"}
_ALIKE = 0.92  # normalised cross-correlation of the two glyphs' grey patches
_MIN_GLYPH_H = 12  # smaller glyphs are blurred alike whatever they are
# The letters are the rare ones: I is 23 of the crops' 2,147 characters against 132
# ones, O 7 against 149 zeros (formats.I_PRIOR).
_LETTERS = [PLATE_ALPHABET.index("I"), PLATE_ALPHABET.index("O")]


def settled_alike(text: str, probs: np.ndarray, members: tuple[tuple[int, int, int, int], ...],
                  image: np.ndarray) -> tuple[str, np.ndarray]:
    """`text` and its probability rows with look-alike glyphs that match read as one.

    `members` are the line's glyph boxes in `image`, left to right; nothing changes unless
    there is one per character. A settled glyph's row is the pooled one, so a pass's vote
    sees the same evidence at both places.
    """
    if len(text) != len(members) or probs.shape[0] != len(text):
        return text, probs
    chars, rows = list(text), probs
    for pair in set(_PAIRS.values()):
        at = [i for i, c in enumerate(text) if _PAIRS.get(c) == pair]
        if len({text[i] for i in at}) < 2:
            continue  # read alike already
        for group in _alike_groups(at, members, image):
            if len({text[i] for i in group}) < 2:
                continue
            pooled = rows[group].astype(np.float64).sum(axis=0)
            pooled[_LETTERS] *= I_PRIOR
            pooled /= pooled.sum()
            rows = rows.copy() if rows is probs else rows  # the caller's rows stay as read
            char = PLATE_ALPHABET[int(pooled.argmax())]
            for i in group:
                chars[i] = char
            rows[group] = pooled
    return "".join(chars), rows


def _alike_groups(at: list[int], members: tuple[tuple[int, int, int, int], ...],
                  image: np.ndarray) -> list[list[int]]:
    """The places in `at` joined where their glyphs match (transitively)."""
    parent = {i: i for i in at}

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for n, i in enumerate(at):
        for j in at[n + 1:]:
            if root(i) != root(j) and _alike(image, members[i], members[j]):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in at:
        groups.setdefault(root(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def _alike(image: np.ndarray, a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Do two glyph boxes hold the same drawing: same size, and grey patches that match
    within a shift of a twentieth of their height?"""
    (_, _, aw, ah), (_, _, bw, bh) = a, b
    if min(ah, bh) < _MIN_GLYPH_H or abs(ah - bh) > 0.1 * max(ah, bh) or abs(aw - bw) > 0.15 * max(aw, bw):
        return False
    w, h = max(aw, bw), max(ah, bh)
    shift = max(1, h // 20)
    one = _patch(image, a, w, h, 0)
    other = _patch(image, b, w, h, shift)
    if one.std() < 1 or other.std() < 1:
        return False
    return float(cv2.matchTemplate(other, one, cv2.TM_CCOEFF_NORMED).max()) >= _ALIKE


def _patch(image: np.ndarray, box: tuple[int, int, int, int], w: int, h: int, pad: int) -> np.ndarray:
    """A w x h patch (plus `pad` each side) centred on the box, the image's edge repeated."""
    x, y, bw, bh = box
    x0 = int(round(x + bw / 2 - w / 2)) - pad
    y0 = int(round(y + bh / 2 - h / 2)) - pad
    H, W = image.shape[:2]
    cols = np.clip(np.arange(x0, x0 + w + 2 * pad), 0, W - 1)
    rows = np.clip(np.arange(y0, y0 + h + 2 * pad), 0, H - 1)
    return image[np.ix_(rows, cols)].astype(np.float32)
