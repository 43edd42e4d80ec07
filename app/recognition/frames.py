"""Decode a video, sample frames at a fixed rate, and skip those where nothing moved."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

_GATE_SIZE = (160, 90)
# Mean absolute change (0..255) of a thumbnail below which a frame shows nothing new.
# Sensor noise and compression flicker stay under ~1; a car entering moves it past 3.
_STILL_THRESHOLD = 1.5


@dataclass(frozen=True)
class SampledFrame:
    index: int  # frame number in the file
    t_s: float  # from the start of the video
    image: np.ndarray  # BGR
    changed: bool  # False when the motion gate saw no change since the last analysed frame


class VideoFrames:
    """Frames of one video at about `sample_fps`, with a motion gate.

    Skipped frames are grabbed, not retrieved (no colour conversion), which is most of
    the decoding saving available without seeking; seeking in long-GOP files decodes
    from the previous key frame anyway.
    """

    def __init__(self, path: Path, sample_fps: float = 5.0, force_every_s: float = 2.0) -> None:
        self.path = path
        self.cap = cv2.VideoCapture(str(path))
        if not self.cap.isOpened():
            raise ValueError(f"{Path(path).name} cannot be decoded as a video")
        fps = self.cap.get(cv2.CAP_PROP_FPS)
        self.fps = fps if fps and fps > 0 and fps < 1000 else 30.0
        self.frame_count = max(0, int(self.cap.get(cv2.CAP_PROP_FRAME_COUNT)))
        self.step = max(1, int(round(self.fps / sample_fps)))
        self.force_every = max(1, int(round(force_every_s * self.fps)))
        self.position = 0  # frames consumed so far, for progress

    def close(self) -> None:
        self.cap.release()

    def __enter__(self) -> "VideoFrames":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[SampledFrame]:
        last_thumb: np.ndarray | None = None
        last_analysed = -self.force_every
        index = 0
        while True:
            if index % self.step:
                if not self.cap.grab():
                    return
                index += 1
                self.position = index
                continue
            ok, image = self.cap.read()
            if not ok:
                return
            thumb = cv2.cvtColor(cv2.resize(image, _GATE_SIZE, interpolation=cv2.INTER_AREA),
                                 cv2.COLOR_BGR2GRAY).astype(np.int16)
            changed = (
                last_thumb is None
                or index - last_analysed >= self.force_every
                or float(np.mean(np.abs(thumb - last_thumb))) > _STILL_THRESHOLD
            )
            if changed:
                last_thumb = thumb
                last_analysed = index
            yield SampledFrame(index, index / self.fps, image, changed)
            index += 1
            self.position = index
