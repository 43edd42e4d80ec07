"""Glyphs of one plate drawn alike are read alike (O/0, I/1), on real and drawn plates."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from app.recognition.ocr import PLATE_ALPHABET
from app.recognition.same_glyphs import settled_alike


def _plate(glyphs: str) -> tuple[np.ndarray, tuple[tuple[int, int, int, int], ...]]:
    """A light plate with one glyph drawn per 50 px, and each glyph's box."""
    image = np.full((120, 60 + 50 * len(glyphs)), 220, np.uint8)
    boxes = []
    for i, g in enumerate(glyphs):
        x = 30 + 50 * i
        cv2.putText(image, g, (x, 90), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 30, 6, cv2.LINE_AA)
        ys, xs = np.nonzero(image[:, x - 5: x + 50] < 128)
        boxes.append((int(x - 5 + xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)))
    return cv2.GaussianBlur(image, (3, 3), 0), tuple(boxes)


def _probs(text: str, doubt: dict[int, tuple[str, float]]) -> np.ndarray:
    """One-hot rows, except at `doubt`'s places: (the runner-up, its share)."""
    rows = np.zeros((len(text), len(PLATE_ALPHABET)), np.float32)
    for i, c in enumerate(text):
        rows[i, PLATE_ALPHABET.index(c)] = 1.0
        if i in doubt:
            other, share = doubt[i]
            rows[i, PLATE_ALPHABET.index(c)] = 1.0 - share
            rows[i, PLATE_ALPHABET.index(other)] = share
    return rows


def test_the_same_glyph_read_as_a_letter_and_a_digit_becomes_the_digit():
    # The zero drawn twice, read O beside letters: both are the glyph read 0 beside digits.
    image, boxes = _plate("0CA069")
    text, rows = settled_alike("OCA069", _probs("OCA069", {0: ("0", 0.03)}), boxes, image)
    assert text == "0CA069"
    assert rows[0].argmax() == rows[3].argmax() == PLATE_ALPHABET.index("0")


def test_a_one_read_as_i_where_the_same_glyph_is_a_one():
    image, boxes = _plate("14CV10")
    text, _ = settled_alike("14CVI0", _probs("14CVI0", {0: ("I", 0.09), 4: ("1", 0.05)}), boxes, image)
    assert text == "14CV10"


def test_glyphs_drawn_differently_keep_their_reads():
    # A wide O beside a narrow 0, and an 8 beside a B: each read stands.
    image, boxes = _plate("AO1080")
    assert settled_alike("AO1080", _probs("AO1080", {}), boxes, image)[0] == "AO1080"
    image, boxes = _plate("B8C123")
    assert settled_alike("B8C123", _probs("B8C123", {}), boxes, image)[0] == "B8C123"


def test_without_a_box_per_character_nothing_is_settled():
    image, boxes = _plate("0CA069")
    assert settled_alike("OCA0069", _probs("OCA0069", {}), boxes, image)[0] == "OCA0069"


@pytest.mark.parametrize("name, plate", [("mo1654.png", "0CA069"), ("ma78.png", "14CV10")])
def test_real_plates_whose_look_alike_glyph_repeats_read_right(engine, crops_dir, name, plate):
    from app.recognition import read_image

    image = cv2.imread(str(crops_dir / name))
    assert read_image(image, engine)[0].plate == plate
