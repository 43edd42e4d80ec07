"""Plate recognition: frames -> plate lines -> OCR -> tracks -> reads. No Qt, no database.

Importing this package is cheap: the names below that need OpenCV, NumPy or the OCR
engine are resolved on first access, and torch/EasyOCR load only when an
`EasyOcrEngine` reads its first line (the login window must not wait for them).

    from app.recognition import EasyOcrEngine, extract_files, read_image
    engine = EasyOcrEngine()
    reads = extract_files(["clip.mp4", "photos/"], engine, progress, cancel)
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .metadata import recording_start
from .reads import ExtractedRead, PlateReading

__all__ = [
    "EasyOcrEngine", "ExtractedRead", "LineReading", "OcrEngine", "PlateReading",
    "extract_files", "iter_extract", "read_image", "recording_start",
]

_LAZY = {
    "EasyOcrEngine": ".ocr",
    "OcrEngine": ".ocr",
    "LineReading": ".ocr",
    "extract_files": ".pipeline",
    "iter_extract": ".pipeline",
    "read_image": ".still",
}

if TYPE_CHECKING:
    from .ocr import EasyOcrEngine, LineReading, OcrEngine
    from .pipeline import extract_files, iter_extract
    from .still import read_image


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
