"""What recognition hands to the rest of the app: plain, frozen data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

Box = tuple[int, int, int, int]  # x, y, w, h in pixels of the frame it was found in


@dataclass(frozen=True)
class PlateReading:
    """One plate read on one image or frame (before joining frames into a pass)."""

    plate: str  # normalised, format-corrected text
    ocr_text: str  # what the OCR read, before correction
    confidence: float  # 0..1
    box: Box  # the plate number's box
    layout: str | None = None  # the serial format it fits, if any
    corrected: bool = False  # a format changed at least one character


@dataclass(frozen=True)
class ExtractedRead:
    """One vehicle pass (video) or one plate (photo), with its evidence.

    `file_sha256` and `frame` tie the read to the exact source for the chain of custody;
    `crop_png` and `frame_jpeg` are the evidence images a user sees and an evidence
    packet carries.
    """

    file: str
    file_sha256: str
    plate: str
    ocr_text: str
    confidence: float
    frame: int  # index of the best frame; 0 for a photo
    t_video_s: float  # time of the best frame from the start of the video; 0.0 for a photo
    box: Box
    crop_png: bytes
    frame_jpeg: bytes
    first_frame: int = 0  # the pass spans first_frame..last_frame
    last_frame: int = 0
    frames_seen: int = 1  # frames whose reads voted for this plate
    recorded_start: datetime | None = None  # from the file's metadata, when it has one
    # A pass the vote could not settle (confidence under the floor): offered for review
    # unticked, never reported or saved unless the investigator keeps it.
    unsure: bool = False

    def captured_at(self, start: datetime | None = None) -> datetime | None:
        """Absolute time of the best frame: `start` (or the file's own start) + t_video_s."""
        base = start if start is not None else self.recorded_start
        if base is None:
            return None
        return base + timedelta(seconds=self.t_video_s)
