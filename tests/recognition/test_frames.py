"""Video frames timed by their own timestamps, on real files with a variable frame rate."""
from __future__ import annotations

import struct
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.recognition import extract_files
from app.recognition import still
from app.recognition.frames import SampledFrame, VideoFrames
from app.recognition.pipeline import searched_frames
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


def _searching_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "line-search"]


def test_the_next_frames_are_searched_on_a_second_thread_as_one_by_one(tmp_path, monkeypatch):
    clip = variable_rate_clip(tmp_path / "night.mp4")
    searched_on: list[str] = []
    opencv_threads: set[int] = set()
    search_image = still.search_image
    threads_before = cv2.getNumThreads()

    def noted(image):
        searched_on.append(threading.current_thread().name)
        opencv_threads.add(cv2.getNumThreads())
        return search_image(image)

    monkeypatch.setattr("app.recognition.pipeline.search_image", noted)
    with VideoFrames(clip, sample_fps=5.0) as video:
        ahead = [(f.index, f.changed, s) for f, s in searched_frames(video)]
    with VideoFrames(clip, sample_fps=5.0) as video:
        one_by_one = [(f.index, f.changed, still.search_image(f.image) if f.changed else None) for f in video]
    assert [(i, c) for i, c, _ in ahead] == [(i, c) for i, c, _ in one_by_one]
    for (_, changed, a), (_, _, b) in zip(ahead, one_by_one):
        assert (a is None) == (not changed)
        if a is not None:
            assert a.lines == b.lines and a.value_lines == b.value_lines
            assert (a.gray == b.gray).all()
    assert any(line for _, _, s in ahead if s is not None for line in s.lines)  # the plate was found
    assert set(searched_on) == {"line-search"}
    assert not _searching_threads()
    # Both cores are busy with the search and the reading: OpenCV keeps to its thread
    # meanwhile, and has its pool back for a photo read after the video.
    assert opencv_threads == {1}
    assert cv2.getNumThreads() == threads_before


def test_a_frame_that_cannot_be_searched_stops_the_reading_with_its_error():
    threads_before = cv2.getNumThreads()
    good = np.full((90, 160, 3), 120, np.uint8)
    frames = [SampledFrame(0, 0.0, good, True), SampledFrame(6, 0.2, good[:, :, :2], True),
              SampledFrame(12, 0.4, good, True)]
    got = []
    with pytest.raises(cv2.error):
        for frame, _ in searched_frames(frames):
            got.append(frame.index)
    assert got == [0]
    assert not _searching_threads()
    assert cv2.getNumThreads() == threads_before
