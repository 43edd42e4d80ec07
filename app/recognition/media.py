"""Source files: which are videos or photos, whether they can be decoded, and their hash."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable, Iterable

VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".mov", ".avi", ".mkv"})
# HEIC/HEIF is what an iPhone's camera saves; witnesses' photos often come as such.
_HEIF_SUFFIXES = frozenset({".heic", ".heif"})
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}) | _HEIF_SUFFIXES

# OpenCV's FFmpeg backend prints libav's own complaints about a damaged file ("moov atom
# not found") to standard error, where the command line promises one line per problem:
# why_unreadable says what is wrong in words. Read by OpenCV when it first opens a video.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")


def is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


def is_image(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def media_files(paths: Iterable[str | Path]) -> list[Path]:
    """Videos and photos among `paths`, folders expanded (recursively), in a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and (is_video(f) or is_image(f))))
        elif p.is_file() and (is_video(p) or is_image(p)):
            out.append(p)
    seen: set[Path] = set()
    return [p for p in out if not (p.resolve() in seen or seen.add(p.resolve()))]


def open_picture(path: Path):
    """The photo as a PIL image (lazy, as Image.open), HEIC and HEIF included (pillow-heif)."""
    from PIL import Image

    if path.suffix.lower() in _HEIF_SUFFIXES:
        import pillow_heif

        pillow_heif.register_heif_opener()  # idempotent; only where a HEIF file is opened
    return Image.open(path)


def why_unreadable(path: Path) -> str | None:
    """Why the file cannot be read as the video or photo its name says; None when it can.

    Checked when a file is opened, so that the user hears of a damaged or mislabelled file
    before a run, and the run reads the other files instead of stopping at it. A video is
    opened and its first frame decoded; a photo is decoded at an eighth of its size where
    the format allows (JPEG), which still reads the whole stream, so a cut-off file shows.
    """
    if path.stat().st_size == 0:
        return "the file is empty"
    if is_video(path):
        import cv2

        cap = cv2.VideoCapture(str(path))
        try:
            if not cap.isOpened() or not cap.read()[0]:
                return "it cannot be decoded as a video (damaged, incomplete or not a video)"
        finally:
            cap.release()
        return None
    from PIL import Image

    try:
        with open_picture(path) as img:
            img.draft("RGB", (max(1, img.width // 8), max(1, img.height // 8)))
            img.load()
    except (OSError, ValueError, RuntimeError, Image.DecompressionBombError):
        return "it cannot be decoded as a picture (damaged, incomplete or not a picture)"
    return None


def sha256_file(path: Path, check: Callable[[], None] | None = None, chunk: int = 1 << 22) -> str:
    """SHA-256 of the file; `check` runs between 4 MB chunks (a cancel check: hashing a
    multi-gigabyte video takes seconds)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
            if check is not None:
                check()
    return h.hexdigest()
