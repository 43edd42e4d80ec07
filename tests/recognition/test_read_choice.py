"""Which of a line's two reads (emblems masked, or plain) is kept, on a real plate line.

The engine here is scripted: it answers the masked and the plain crop with given reads,
so each test pins down the choice itself, whatever the recogniser would read.
"""
from __future__ import annotations

import cv2
import numpy as np

from app.recognition.detect import find_text_lines
from app.recognition.ocr import PLATE_ALPHABET, LineReading
from app.recognition.still import read_lines


def _reading(text: str, confidence: float) -> LineReading:
    probs = np.zeros((len(text), len(PLATE_ALPHABET)), np.float32)
    probs[np.arange(len(text)), [PLATE_ALPHABET.index(c) for c in text]] = 0.97
    return LineReading(text, text, confidence, probs)


class ScriptedEngine:
    def __init__(self, masked: LineReading, plain: LineReading) -> None:
        self.pair = [masked, plain]

    def read_lines(self, lines):
        return [self.pair[i % 2] for i in range(len(lines))]

    def read_marks(self, lines):
        return ["" for _ in lines]


def _plate_line(scenes_dir):
    gray = cv2.imread(str(scenes_dir / "wts-lg-000027.jpg"), cv2.IMREAD_GRAYSCALE)
    line = [l for l in find_text_lines(gray) if 880 < l.x + l.w / 2 < 1010 and 220 < l.y + l.h / 2 < 270][0]
    return gray, line


def _chosen(scenes_dir, masked: str, m_conf: float, plain: str, p_conf: float) -> str:
    gray, line = _plate_line(scenes_dir)
    engine = ScriptedEngine(_reading(masked, m_conf), _reading(plain, p_conf))
    return read_lines(gray, engine, [line])[0].reading.plate


def test_a_glyph_lost_inside_the_masked_read_is_taken_from_the_plain_one(scenes_dir):
    # Video frames of SG8 L7E: masked SG87E (the L under the 7's stroke), plain SG8L7E.
    assert _chosen(scenes_dir, "SG87E", 0.99, "SG8L7E", 0.92) == "SG8L7E"


def test_an_emblem_read_as_a_character_is_still_masked_out(scenes_dir):
    # The plain read's usual extra inner character is the emblem read as a 1 or an I.
    assert _chosen(scenes_dir, "SG8L7E", 0.99, "SG8L17E", 0.95) == "SG8L7E"
    assert _chosen(scenes_dir, "SG8L7E", 0.99, "SG8IL7E", 0.95) == "SG8L7E"


def test_an_unsure_plain_read_does_not_replace_the_masked_one(scenes_dir):
    assert _chosen(scenes_dir, "SG87E", 0.99, "SG8L7E", 0.6) == "SG87E"
