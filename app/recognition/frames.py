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
    t_s: float  # from the start of the video, by the frame's own timestamp
    image: np.ndarray  # BGR
    changed: bool  # False when the motion gate saw no change since the last analysed frame


class VideoFrames:
    """Frames of one video at about `sample_fps`, with a motion gate, timed by their own timestamps.

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

    def _time_of(self, index: int, previous: float) -> float:
        """Seconds from the start of the video to the frame just read: its own timestamp.

        Phone and surveillance recordings often have a variable frame rate (a camera
        slows in the dark, a recorder drops frames), so the frame number over the
        average rate can be seconds off the frame's real time, and a read's time is
        evidence. A container without timestamps gives 0 for every frame: then, and for
        a time that runs backwards, the frame number over the rate is what there is.
        """
        ms = self.cap.get(cv2.CAP_PROP_POS_MSEC)
        t_s = ms / 1000.0 if ms == ms else 0.0  # NaN from a backend that does not know
        if (t_s > 0.0 or index == 0) and t_s > previous:
            return t_s
        return index / self.fps

    def close(self) -> None:
        self.cap.release()

    def __enter__(self) -> "VideoFrames":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[SampledFrame]:
        # Sampled by time, not by frame count: where a variable-rate recording slows down,
        # every sixth frame would leave gaps of a second or more, long enough to miss a car.
        period, slack = self.step / self.fps, 0.5 / self.fps
        force_every_s = self.force_every / self.fps
        last_thumb: np.ndarray | None = None
        last_analysed = -force_every_s
        previous, due = -1.0, 0.0
        index = 0
        while True:
            if not self.cap.grab():
                return
            t_s = previous = self._time_of(index, previous)
            if t_s + slack < due:
                index += 1
                self.position = index
                continue
            ok, image = self.cap.retrieve()
            if not ok:
                return
            due = t_s + period
            thumb = cv2.cvtColor(cv2.resize(image, _GATE_SIZE, interpolation=cv2.INTER_AREA),
                                 cv2.COLOR_BGR2GRAY).astype(np.int16)
            changed = (
                last_thumb is None
                or t_s - last_analysed >= force_every_s - slack
                or float(np.mean(np.abs(thumb - last_thumb))) > _STILL_THRESHOLD
            )
            if changed:
                last_thumb = thumb
                last_analysed = t_s
            yield SampledFrame(index, t_s, image, changed)
            index += 1
            self.position = index
