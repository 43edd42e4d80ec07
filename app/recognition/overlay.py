"""Burnt-in text (clock, date, camera name): edges that stay at the same pixels.

Text drawn on the picture keeps its edges at exactly the same pixels from frame to
frame, whatever happens behind it; a plate on a passing car moves its edges every
frame. We keep, at half resolution, a decaying average of where edges are, started from
the first analysed frame; a text line whose edges have all been in place for the last
second or so is burnt in, and is not read; so is text found for a few seconds
afterwards where such a line was (its edges can vanish against a white vehicle). A
clock's seconds change, so only part of its edges hold still: a pass whose reads were
mostly on half-still text is not reported either (see `accept_track`).

Known limit: a plate standing still in front of a fixed camera looks the same. If it
was already still when the video starts it is not read; if it drives up and stops, the
reads made while it moved carry its pass.
"""
from __future__ import annotations

import cv2
import numpy as np

from .detect import lies_within
from .reads import Box

_SCALE = 2  # half resolution is plenty for text at least 9 px high
_DECAY = 0.7  # per analysed frame (~5 a second): edges must hold for ~1 s to count
_STABLE = 0.8  # an edge pixel present in (nearly) every recent frame
_EDGE = 50.0  # Canny's lower threshold (the upper one is twice that)
_FRACTION = 0.6  # share of a line's edge pixels that must be stable
_WITHIN = 0.6  # share of a line's box inside a remembered place that makes it that text
# Text found burnt in stays so at its place for ~5 s (analysed frames) after it was last
# seen still: white text over a white vehicle has no edges, and when the vehicle has
# gone the text is back at the same pixels, to be told still only a second later.
_REMEMBER_FRAMES = 25
# Lines are remembered only up to this share of the picture's height. A clock or a camera
# name is a few percent of it; a still picture's edges chain into "lines" of any size,
# and one a third of the picture tall, remembered, hid a plate that drove into it a
# second later for its whole pass (SG8L7E, clip 268).
_CAPTION_SHARE = 1 / 8
# Lines are remembered only once edges have a second of history: until then everything
# in the picture counts as still, a plate already in view when the video starts too.
_KNOWN_AFTER = 5


class OverlayMap:
    def __init__(self) -> None:
        self.stable: np.ndarray | None = None
        self.edges: np.ndarray | None = None
        self.frames = 0
        self.burnt: list[tuple[Box, int]] = []  # lines found burnt in, and when last

    def update(self, gray: np.ndarray) -> None:
        small = cv2.resize(gray, (gray.shape[1] // _SCALE, gray.shape[0] // _SCALE),
                           interpolation=cv2.INTER_AREA)
        # Thin (Canny) edges: a plate creeping by a pixel a frame must not look still.
        edges = (cv2.Canny(small, _EDGE, 2 * _EDGE) > 0).astype(np.float32)
        if self.stable is None or self.stable.shape != edges.shape:
            # Start from "everything seen so far is still": burnt-in text is then known
            # from the second analysed frame, before it can make a track of its own.
            self.stable = edges.copy()
        else:
            self.stable *= _DECAY
            self.stable += (1 - _DECAY) * edges
        self.edges = edges
        self.frames += 1
        self.burnt = [(b, n) for b, n in self.burnt if self.frames - n <= _REMEMBER_FRAMES]

    def still_fraction(self, box: Box) -> float:
        """Share of the box's current edge pixels that have held still for ~1 s."""
        if self.stable is None or self.edges is None:
            return 0.0
        x, y, w, h = (max(0, v // _SCALE) for v in box)
        edges = self.edges[y: y + h, x: x + w] > 0
        if int(edges.sum()) < 10:
            return 0.0
        return float((self.stable[y: y + h, x: x + w][edges] >= _STABLE).mean())

    def burnt_in(self, box: Box) -> bool:
        """Is the text line in `box` burnt in: still now, or inside text lately found so?

        A line found still is remembered at its place. Only whole lines are remembered,
        not every still edge: a fixed camera's textured background (a wall, a hedge)
        holds still too, and a plate passing in front of it must not inherit that.
        """
        if self.still_fraction(box) >= _FRACTION:
            if self.frames > _KNOWN_AFTER and box[3] <= self._caption_h():
                # The same text found again (a pixel off) replaces its old place; other
                # places, bigger or smaller, keep their own time and lapse on their own:
                # merged, a line found once across the top of the first frame (a whole
                # scene is still before anything moves) was kept alive by the clock
                # inside it, and no plate was read under it for the whole video.
                self.burnt = [(b, n) for b, n in self.burnt
                              if not (lies_within(b, box, _WITHIN) and lies_within(box, b, _WITHIN))]
                self.burnt.append((box, self.frames))
            return True
        return any(lies_within(box, b, _WITHIN) for b, _ in self.burnt)

    def _caption_h(self) -> float:
        """The tallest line remembered as burnt in: a caption is a small part of the picture."""
        return _CAPTION_SHARE * _SCALE * (self.edges.shape[0] if self.edges is not None else 0)
