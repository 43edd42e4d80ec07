"""A pass a general reader sees as a clock, a date or a phone number is not a plate.

The engine here is scripted: it answers the general reader's look at each crop with a
given text, so the tests pin down which of a pass's sightings are looked at.
"""
from __future__ import annotations

import numpy as np

from app.recognition.ocr import PLATE_ALPHABET
from app.recognition.pipeline import shows_marks
from app.recognition.reads import PlateReading
from app.recognition.still import LineRead
from app.recognition.track import PlateTrack, Sighting


class ScriptedMarks:
    """Reads each crop as the text stored under its first pixel's value."""

    def __init__(self, texts: dict[int, str]) -> None:
        self.texts = texts

    def read_marks(self, lines):
        return [self.texts[int(crop[0, 0])] for crop in lines]


def _pass(reads: list[tuple[str, float]]) -> PlateTrack:
    track = PlateTrack()
    for i, (plate, score) in enumerate(reads):
        crop = np.full((20, 80), i, np.uint8)  # the crop's first pixel says which sighting it is
        probs = np.zeros((len(plate), len(PLATE_ALPHABET)), np.float32)
        reading = PlateReading(plate, plate, 0.9, (100, 100, 80, 20))
        read = LineRead(reading, probs, 14.0, score, crop=crop)
        track.add(Sighting(6 * i, i / 5, read, np.zeros((4, 4, 3), np.uint8)))
    return track


def test_a_clock_seen_in_one_of_the_best_sightings_is_not_a_plate():
    # A source photo's own clock: a colon was lost in the best frame (0842.14) and
    # seen in the next ones, as dots (08.42.14) and as a colon (42:14).
    track = _pass([("0842", 0.7), ("084214", 0.9), ("084214", 0.8), ("4214", 0.6)])
    engine = ScriptedMarks({1: "0842.14", 2: "08.42.14", 0: "42:14", 3: "4214"})
    assert shows_marks(track, engine)


def test_a_plate_is_not_taken_for_a_clock():
    # The general reader takes a plate's emblem for one dot (Wyoming's 12 . 3456).
    track = _pass([("123456", 0.9), ("123456", 0.8), ("123456", 0.7)])
    engine = ScriptedMarks({0: "12 . 3456", 1: "12.3456", 2: "123456"})
    assert not shows_marks(track, engine)
