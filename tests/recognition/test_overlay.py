"""Burnt-in text: what the overlay map remembers, on frames made here."""
from __future__ import annotations

import numpy as np

from app.recognition.overlay import OverlayMap

H, W = 720, 1280
CLOCK = (20, 20, 160, 24)
LARGE = (0, 0, W, 340)  # a "line" found across a whole still picture
PLATE = (600, 200, 150, 40)


def _frame(rng: np.random.Generator, clock: np.ndarray) -> np.ndarray:
    frame = (rng.random((H, W)) * 255).astype(np.uint8)  # a moving, textured scene
    x, y, w, h = CLOCK
    frame[y: y + h, x: x + w] = clock
    return frame


def test_a_plate_under_a_large_place_found_still_once_is_not_burnt_in():
    rng = np.random.default_rng(0)
    clock = (rng.random((CLOCK[3], CLOCK[2])) > 0.5).astype(np.uint8) * 255
    overlay = OverlayMap()
    still = _frame(rng, clock)
    for _ in range(8):  # the picture holds still for a while: everything in it is still
        overlay.update(still)
        assert overlay.burnt_in(LARGE)
    for _ in range(40):  # then the scene moves and only the clock holds still (8 s)
        overlay.update(_frame(rng, clock))
        assert overlay.burnt_in(CLOCK)
    # The clock inside the large place must not keep that place remembered.
    assert not overlay.burnt_in(PLATE)


def test_a_plate_just_after_a_still_picture_is_not_burnt_in():
    # A still picture's edges chain into a "line" a third of the picture tall; a plate
    # that drives into that place a moment later is read (SG8L7E, clip 268), and a
    # caption found still is remembered as before.
    rng = np.random.default_rng(1)
    clock = (rng.random((CLOCK[3], CLOCK[2])) > 0.5).astype(np.uint8) * 255
    overlay = OverlayMap()
    still = _frame(rng, clock)
    for _ in range(8):
        overlay.update(still)
        assert overlay.burnt_in(LARGE) and overlay.burnt_in(CLOCK)
    for _ in range(3):
        overlay.update(_frame(rng, clock))
    assert not overlay.burnt_in(PLATE)
    assert any(place == CLOCK for place, _ in overlay.burnt)
