"""How much a text line's surroundings look like a licence plate's: a small learned prior.

Text is everywhere on a street: fleet numbers on a truck's door, stickers, shop signs,
dates burnt into a photo. What tells a plate number apart is less its characters than
what is around them: a rectangle of plate a glyph or so beyond the text, bolts, a frame,
a bumper recess. A logistic regression over gradient histograms of that neighbourhood,
trained on the candidate lines of the *training* scenes (tools/train_plate_lines.py),
gives the probability that a line is the plate number. Its weights ship as
resources/ocr/plate_lines.npz (a few kilobytes); without them no line is held back
(every line scores 1).
"""
from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from app import resources

from .detect import TextLine

WEIGHTS = "ocr/plate_lines.npz"
PATCH_W, PATCH_H = 96, 32
_CELL = 8
_BINS = 9


def line_patch(gray: np.ndarray, line: TextLine) -> np.ndarray:
    """The line with its surroundings (0.8 glyph heights beside, 1.2 above and below), 96x32."""
    gh = line.glyph_h
    x0, x1 = int(line.x - 0.8 * gh), int(line.x + line.w + 0.8 * gh)
    y0, y1 = int(line.y - 1.2 * gh), int(line.y + line.h + 1.2 * gh)
    H, W = gray.shape[:2]
    a, b = max(0, y0), min(H, y1)
    c, d = max(0, x0), min(W, x1)
    # Beyond the picture, the edge pixels stretched: a plate at the border keeps its shape.
    patch = cv2.copyMakeBorder(gray[a:b, c:d], a - y0, y1 - b, c - x0, x1 - d, cv2.BORDER_REPLICATE)
    return cv2.resize(patch, (PATCH_W, PATCH_H), interpolation=cv2.INTER_AREA)


def gradient_histograms(patch: np.ndarray) -> np.ndarray:
    """Histograms of oriented gradients: 8-px cells, 9 bins, normalised over 2x2 cells."""
    p = patch.astype(np.float32)
    gx = cv2.Sobel(p, cv2.CV_32F, 1, 0, ksize=1)
    gy = cv2.Sobel(p, cv2.CV_32F, 0, 1, ksize=1)
    magnitude = np.sqrt(gx * gx + gy * gy)
    bins = np.minimum(((np.arctan2(gy, gx) % np.pi) / np.pi * _BINS).astype(np.intp), _BINS - 1)
    h, w = p.shape
    rows = np.repeat(np.arange(h) // _CELL, w)
    cols = np.tile(np.arange(w) // _CELL, h)
    hist = np.zeros((h // _CELL, w // _CELL, _BINS), np.float32)
    np.add.at(hist, (rows, cols, bins.ravel()), magnitude.ravel())
    blocks = np.concatenate([hist[:-1, :-1], hist[1:, :-1], hist[:-1, 1:], hist[1:, 1:]], axis=2)
    blocks /= np.sqrt((blocks ** 2).sum(axis=2, keepdims=True) + 1e-3)
    return np.minimum(blocks, 0.2).ravel()


def features(gray: np.ndarray, line: TextLine) -> np.ndarray:
    return gradient_histograms(line_patch(gray, line))


@lru_cache(maxsize=1)
def _model() -> tuple[np.ndarray, float] | None:
    try:
        data = np.load(resources.path(WEIGHTS))
    except FileNotFoundError:
        return None
    # The standardisation is folded into the weights at training time.
    return data["w"].astype(np.float32), float(data["b"])


def plate_probability(gray: np.ndarray, line: TextLine) -> float:
    """Probability that the line is a plate number, judged by its surroundings."""
    model = _model()
    if model is None:
        return 1.0
    w, b = model
    z = float(features(gray, line) @ w) + b
    return float(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))
