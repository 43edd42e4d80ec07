"""Video frames timed by their own timestamps, on real files with a variable frame rate."""
from __future__ import annotations

import struct
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.recognition import extract_files
from app.recognition.frames import VideoFrames
from tests.recognition.mp4_boxes import rewrite
from tests.ui.extraction.fakes import StandInEngine

FAST, SLOW = 30, 5  # frames a second before and after the recorder slows down


def variable_rate_clip(path: Path, plate_from: int = 30, frames: int = 60) -> Path:
    """A clip whose first `plate_from` frames last 1/FAST s each and the rest 1/SLOW s, as a
    recorder that slows in the dark writes it; a plate crosses the road in the slow part.

    OpenCV writes a constant rate with the index (moov) after the pictures, so rewriting the
    time-to-sample table moves no picture: only the table, the durations and the edit list
    (dropped) change.
    """
    w, h = 640, 360
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FAST, (w, h))
    assert writer.isOpened()
    for i in range(frames):
        frame = np.full((h, w, 3), 90, np.uint8)
        frame[h // 2:, :] = 60
        if i >= plate_from:
            x, y = 20 + 12 * (i - plate_from), h // 2 - 30 + i % 3  # as tests/ui/extraction/fakes.write_video
            cv2.rectangle(frame, (x, y), (x + 220, y + 70), (235, 235, 235), -1)
            cv2.rectangle(frame, (x, y), (x + 220, y + 70), (40, 40, 140), 2)
            cv2.putText(frame, "7ABC123", (x + 12, y + 52), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (20, 20, 20), 4)
        writer.write(frame)
    writer.release()
    scale = {}

    def edit(kind: bytes, payload: bytes) -> bytes:
        if kind == b"mdhd":
            scale["media"] = struct.unpack(">I", payload[12:16])[0]
            return payload[:16] + struct.pack(">I", duration(scale["media"])) + payload[20:]
        if kind == b"stts":
            fast, slow = scale["media"] // FAST, scale["media"] // SLOW
            return payload[:4] + struct.pack(">IIIII", 2, plate_from, fast, frames - plate_from, slow)
        if kind == b"mvhd":
            scale["movie"] = struct.unpack(">I", payload[12:16])[0]
            return payload[:16] + struct.pack(">I", duration(scale["movie"])) + payload[20:]
        if kind == b"tkhd":
            return payload[:20] + struct.pack(">I", duration(scale["movie"])) + payload[24:]
        if kind == b"edts":
            return None  # its edit list would still play the old duration only
        return payload

    def duration(timescale: int) -> int:
        return int(timescale * (plate_from / FAST + (frames - plate_from) / SLOW))

    return rewrite(path, edit)


def true_time(frame: int, plate_from: int = 30) -> float:
    return frame / FAST if frame <= plate_from else plate_from / FAST + (frame - plate_from) / SLOW


def test_frames_carry_their_own_time_and_are_sampled_by_time(tmp_path):
    clip = variable_rate_clip(tmp_path / "night.mp4")
    with VideoFrames(clip, sample_fps=5.0) as video:
        sampled = [(f.index, f.t_s) for f in video]
    for index, t_s in sampled:
        assert t_s == pytest.approx(true_time(index), abs=0.002)
    # Every sixth frame while the rate is 30 a second, every frame once it is 5: about
    # one analysed frame each 0.2 s throughout, none of the slow part skipped.
    assert [i for i, _ in sampled] == [0, 6, 12, 18, 24] + list(range(30, 60))


def test_a_read_in_a_variable_rate_video_gets_the_time_it_was_recorded(tmp_path):
    clip = variable_rate_clip(tmp_path / "night.mp4")
    [read] = extract_files([clip], StandInEngine(confidence=0.9))
    assert read.frame >= 30
    # By frame number over the average rate (60 frames in 7 s) it would be off by seconds.
    assert read.t_video_s == pytest.approx(true_time(read.frame), abs=0.002)
    assert abs(read.frame / (60 / 7.0) - true_time(read.frame)) > 1.0
