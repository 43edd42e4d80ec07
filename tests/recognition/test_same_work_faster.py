"""Faster ways to the same numbers: each must give exactly what the slower way gave.

A video is read at the speed of its slowest half, so the line search and the recogniser
use cheaper equivalents of a few OpenCV and torch operations. A read that changed
with them would be a plate lost (or made up) for nothing but speed.
"""
import copy

import cv2
import numpy as np
import torch

from app.recognition import detect
from app.recognition.detect import crop_line, find_text_lines


def _scene(scenes_dir, name: str = "wts-lg-000042.jpg") -> np.ndarray:
    return cv2.imread(str(scenes_dir / name), cv2.IMREAD_GRAYSCALE)


def test_opening_by_the_discs_rectangles_is_the_ellipse_opening(scenes_dir):
    gray = _scene(scenes_dir)
    for block in (31, 61, 239):
        binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 7)
        for k in (3, 4, 7, 12, 29):
            disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
            expected = cv2.morphologyEx(binary, cv2.MORPH_OPEN, disc)
            assert np.array_equal(detect._opened_by_disc(binary, k), expected), (block, k)


def test_components_are_those_of_opencvs_default_labelling(scenes_dir):
    gray = _scene(scenes_dir)
    for block in (31, 239):
        binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 7)
        _, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
        ours = detect._components(binary)
        assert np.array_equal(ours[0], labels) and np.array_equal(ours[1], stats)


def test_the_recogniser_with_strided_maxima_gives_the_stock_pooling_numbers(engine, scenes_dir):
    gray = _scene(scenes_dir)
    crops = [crop_line(gray, line, masked=masked) for line in find_text_lines(gray)[:6] for masked in (True, False)]
    engine.read_lines(crops[:1])  # loads the model, pools swapped
    swapped = engine._model
    stock = copy.deepcopy(swapped)
    pools = 0
    for parent in list(stock.modules()):
        for name, child in list(parent.named_children()):
            if type(child).__name__ == "StridedMax":
                size = (2 if child.rows else 1, 2 if child.columns else 1)
                setattr(parent, name, torch.nn.MaxPool2d(size, size))
                pools += 1
    assert pools == 4  # the VGG feature extractor's four pools
    from app.recognition.ocr import _batch, _resize_line

    with torch.no_grad():
        for crop in crops:
            batch = torch.from_numpy(_batch([_resize_line(crop)]))
            assert torch.equal(swapped(batch, None), stock(batch, None))
