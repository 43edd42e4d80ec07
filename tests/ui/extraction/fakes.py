"""Qt-free test material for extraction: a small OCR stand-in and a short generated video.

The stand-in implements app.recognition's OcrEngine protocol: it reads every line as the
same plate, so the real pipeline (line finding, tracking, voting) runs around it in
milliseconds. Tests about recognition itself use the real EasyOCR engine instead.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from app.recognition.metadata import set_mp4_creation_time
from app.recognition.ocr import PLATE_ALPHABET, LineReading

REPO = Path(__file__).resolve().parents[3]
PLATES = REPO / ".." / "shared" / "data" / "plates"
SCENES = PLATES / "openalpr-us-scenes"
VIDEO_START = datetime(2026, 6, 1, 14, 0, 0, tzinfo=timezone.utc)


class StandInEngine:
    """Reads every text line as `text`; optionally slow (seconds per call) to leave time to cancel."""

    def __init__(self, text: str = "7ABC123", confidence: float = 0.7, delay_s: float = 0.0) -> None:
        self.text = text
        self.confidence = confidence
        self.delay_s = delay_s
        self.calls = 0
        self.threads: set[str] = set()

    def read_lines(self, lines: Sequence[np.ndarray]) -> list[LineReading]:
        self.calls += 1
        self.threads.add(threading.current_thread().name)
        if self.delay_s:
            time.sleep(self.delay_s)
        probs = np.zeros((len(self.text), 36), np.float32)
        for i, ch in enumerate(self.text):
            probs[i, PLATE_ALPHABET.index(ch)] = 1.0
        return [LineReading(self.text, self.text, self.confidence, probs) for _ in lines]

    def read_marks(self, lines: Sequence[np.ndarray]) -> list[str]:
        return [self.text for _ in lines]


def write_video(path: Path, plate: str = "7ABC123", frames: int = 90, fps: int = 30,
                size: tuple[int, int] = (640, 360), start: datetime | None = VIDEO_START) -> Path:
    """A clip of a plate crossing a grey road, written with OpenCV (MPEG-4), start time in its header."""
    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    assert writer.isOpened(), "OpenCV cannot write MPEG-4 here"
    rng = np.random.default_rng(3)
    for i in range(frames):
        frame = np.full((h, w, 3), 90, np.uint8)
        frame[h // 2:, :] = 60
        frame = np.clip(frame.astype(np.int16) + rng.integers(-4, 5, frame.shape), 0, 255).astype(np.uint8)
        x = int(20 + (w - 260) * i / max(1, frames - 1))
        y = h // 2 - 30 + (i % 3)
        cv2.rectangle(frame, (x, y), (x + 220, y + 70), (235, 235, 235), -1)
        cv2.rectangle(frame, (x, y), (x + 220, y + 70), (40, 40, 140), 2)
        cv2.putText(frame, plate, (x + 12, y + 52), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (20, 20, 20), 4)
        writer.write(frame)
    writer.release()
    if start is not None:
        set_mp4_creation_time(path, start)
    return path
