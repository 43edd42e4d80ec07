"""Find plate text lines in a grey image without a neural network.

A plate number is a row of 4–8 glyphs of the same height, evenly aligned, darker (or
lighter) than a flat plate background. We binarise locally in both polarities, keep
connected components shaped like glyphs, and chain neighbours of similar height and
baseline into lines. This costs ~15 ms on a 720p frame, where EasyOCR's CRAFT detector
costs ~4 s on this CPU, and it finds small plates CRAFT would need upscaling for.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

_MIN_GLYPH_H = 9  # below this, the recogniser cannot read a plate anyway
_MIN_GLYPHS = 3
_MAX_GLYPHS = 10
# Grey levels a pixel must lie below its window's mean to be ink. A plate in deep shade
# or dusk has glyphs only 10-20 levels darker than its ground, and blurred, their thin
# strokes break apart at this offset: still.faint_lines searches again at FAINT_OFFSET.
INK_OFFSET = 7
FAINT_OFFSET = 4


@dataclass(frozen=True)
class TextLine:
    """A chain of glyph-like components: a candidate plate number."""

    x: int
    y: int
    w: int
    h: int
    glyph_h: float  # median glyph height in pixels
    angle: float  # degrees, baseline slope (positive = descending to the right)
    glyphs: int
    dark_on_light: bool
    members: tuple[tuple[int, int, int, int], ...] = ()  # glyph boxes, left to right
    on_value: bool = False  # found on the image's brightest channel, and read there (still.value_of)
    # A guess where nothing else was found: cut from a dark blob (_banded_lines), or the
    # number band of a plate's light rectangle whose glyphs would not stand apart.
    guessed: bool = False

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)


def _components(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The binary's 8-connected components: (labels, stats rows with the background's first).

    Grana's block-based algorithm labels and measures exactly as OpenCV's default
    (Spaghetti) does, in about 30 % less time with one thread on a 720p frame.
    """
    _, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(binary, 8, cv2.CV_32S, cv2.CCL_BBDT)
    return labels, stats


def _glyphs(binary: np.ndarray, max_h: int,
            components: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Connected components that could be characters: rows of x, y, w, h.

    Neighbours that touch by a pixel or two in the blur (M33 of 6PGM335, close-set on a
    plate in a compressed frame) are one component too wide for a glyph; such a
    component is cut at the columns where only that bridge stands, and its pieces count.
    `components` are the binary's own (`_components`), where the caller has them already.
    """
    labels, stats = components if components is not None else _components(binary)
    s = stats[1:]
    shaped = _glyph_shaped(s, max_h)
    out = s[shaped, :4]
    # Only glyphs under a sixth of the binary's height: a plate in a scene or a frame. In
    # a plate crop what touches the big glyphs is the plate's art or frame, not a
    # neighbour merged by the blur. (The strips `_completions` searches, three glyph
    # heights tall, are never cut either: their bars are removed instead.)
    pieces = _touching_glyphs(labels, s, ~shaped, binary.shape[0] // 6)
    if len(pieces):
        out = np.concatenate([out, pieces[:, :4]])
    return out.astype(np.float32)


def _touching_glyphs(labels: np.ndarray, s: np.ndarray, candidates: np.ndarray, max_h: int) -> np.ndarray:
    """Stats rows (x, y, w, h, area) of the pieces of wide components cut at thin bridges."""
    x, y, w, h, area = s.T
    wide = candidates & (h >= _MIN_GLYPH_H) & (h <= max_h) & (w > 1.15 * h) & (w <= 6 * h) & (area >= 0.15 * w * h)
    pieces = []
    boxes = s[:, :4].tolist()  # a frame has thousands of candidates: plain ints index faster
    for i in np.flatnonzero(wide):
        bx, by, bw, bh = boxes[i]
        mask = labels[by:by + bh, bx:bx + bw] == i + 1
        solid = np.zeros(bw + 2, np.bool_)
        solid[1:-1] = np.count_nonzero(mask, axis=0) > max(1, int(0.08 * bh))
        edges = np.flatnonzero(solid[1:] != solid[:-1])
        if len(edges) <= 2:
            continue  # no bridge to cut
        cut = []
        for a, b in zip(edges[::2], edges[1::2]):
            rows = np.flatnonzero(mask[:, a:b].any(axis=1))
            cut.append((bx + a, by + rows[0], b - a, rows[-1] + 1 - rows[0], int(mask[:, a:b].sum())))
        cut = np.array(cut, np.int64)
        # Glyphs side by side: every piece as tall as the whole and shaped like a glyph.
        # Gravel, grass or a grille cut the same way gives pieces of any height and shape.
        if (cut[:, 3] >= 0.8 * bh).all() and _glyph_shaped(cut, max_h).all():
            pieces.append(cut)
    return np.concatenate(pieces) if pieces else np.zeros((0, 5), np.int64)


def _glyph_shaped(s: np.ndarray, max_h: int) -> np.ndarray:
    """Which component stats rows (x, y, w, h, area) have a character's size and shape."""
    x, y, w, h, area = s[:, 0], s[:, 1], s[:, 2], s[:, 3], s[:, 4]
    aspect = w / np.maximum(h, 1)
    fill = area / np.maximum(w * h, 1)
    return (
        (h >= _MIN_GLYPH_H) & (h <= max_h)
        & (aspect >= 0.08) & (aspect <= 1.15)
        & (fill >= 0.12) & (fill <= 0.92)
    )


def _chains(boxes: np.ndarray) -> list[np.ndarray]:
    """Chain glyph boxes left to right into lines of similar height and baseline."""
    if len(boxes) == 0:
        return []
    order = np.argsort(boxes[:, 0])
    boxes = boxes[order]
    n = len(boxes)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    x, y, w, h = boxes.T
    cy = y + h / 2
    right = x + w
    for i in range(n):
        # Candidates to the right within ~1.6 glyph heights (a state logo or a dash
        # can sit between the two halves of a plate number).
        for j in range(i + 1, n):
            gap = x[j] - right[i]
            if gap > 1.6 * max(h[i], h[j]):
                break
            if gap < -0.3 * min(w[i], w[j]):
                continue  # overlapping: a glyph inside another, not a neighbour
            ratio = h[j] / h[i]
            if ratio < 0.75 or ratio > 1.33:
                continue
            if abs(cy[j] - cy[i]) > 0.3 * max(h[i], h[j]):
                continue
            parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return [boxes[idx] for idx in groups.values() if _MIN_GLYPHS <= len(idx) <= _MAX_GLYPHS * 2]


def _line_from(group: np.ndarray, dark: bool, gray: np.ndarray) -> TextLine | None:
    group, (x0, x1) = _without_grey_ends(group, gray, dark)
    x, y, w, h = group.T
    # Fence posts and grilles chain like a line of '1's: a real plate has wide glyphs too.
    if np.sum(w / h > 0.3) < 2:
        return None
    gh = float(np.median(h))
    # A chain of many more glyphs than a plate holds is running text (a sign, a banner);
    # eight glyphs and a gap for an emblem span about seven glyph heights.
    if len(group) > _MAX_GLYPHS or (x + w).max() - x.min() > 9 * gh:
        return None
    cx = x + w / 2
    bottom = y + h
    angle = 0.0
    if len(group) >= 3 and np.ptp(cx) > 0:
        slope = np.polyfit(cx, bottom, 1)[0]
        angle = float(np.degrees(np.arctan(slope)))
    y0, y1 = int(y.min()), int((y + h).max())
    members = tuple((int(a), int(b), int(c), int(d)) for a, b, c, d in group)
    return TextLine(x0, y0, x1 - x0, y1 - y0, gh, angle, len(group), dark, members)


def find_text_lines(gray: np.ndarray, quick: bool = False, offset: int = INK_OFFSET,
                    small: bool = False) -> list[TextLine]:
    """Candidate plate-number lines in a grey uint8 image, the likeliest plate numbers first.

    `quick` looks only for dark glyphs on a light ground, in the window that suits a
    plate in a scene, at about a seventh of the cost (still.colour_free_lines), or with
    `small` in the smallest window. `offset` is how much darker than its surroundings a
    pixel must be to be ink.
    """
    H, W = gray.shape[:2]
    max_h = int(H * 0.95)
    lines: list[TextLine] = []
    framed: list[TextLine] = []
    banded: list[TextLine] = []
    small_windows: dict[tuple[int, bool], np.ndarray] = {}
    # Three window sizes: small and mid-sized plates in scenes, and crops where glyphs
    # fill the image. A window about two glyph heights wide suits a plate 70-100 px wide
    # in a 720p scene: wider, the mean is pulled by the car around the plate and thin,
    # dim strokes break up or merge with the plate's frame.
    blocks = sorted({_odd(max(15, min(H, W) // d)) for d in (24, 12)} | {_odd(max(31, min(H, W) // 3))})
    crop_block = blocks[-1]  # always the largest: at least 31 and a third of the side
    polarities = (True, False)
    if quick:
        blocks, polarities = [blocks[0] if small else blocks[-2]], (True,)
    for block in blocks:
        # With a whole-number offset every pixel is on exactly one side of its local mean,
        # so the light-glyph binary is the dark-glyph one inverted: one threshold serves both.
        dark_binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, offset)
        for dark in polarities:
            binary = dark_binary if dark else cv2.bitwise_not(dark_binary)
            parts = _components(binary)
            variants = [binary]
            if block == crop_block:
                variants.append(_without_thin_strokes(binary, block))
            for b in variants:
                for group in _chains(_glyphs(b, max_h, parts if b is binary else None)):
                    # Growing can take in the plate frame's sides; then the chain alone is the line.
                    line = _line_from(_grow(group, b), dark, gray) or _line_from(group, dark, gray)
                    if line is not None:
                        lines.append(line)
            if block != crop_block:
                small_windows[block, dark] = binary
                if dark and not quick:
                    banded += _banded_lines(parts, gray, max_h)
        if block != crop_block:
            framed += _framed_plate_lines(gray, block, max_h)
    # Duplicates found in several windows are settled by size alone (the longer chain of
    # the tallest glyphs is the fuller line); the reading order then also weighs how
    # evenly the glyphs stand: a frame reads at most MAX_LINES lines, and on grass or
    # gravel many big, ragged "lines" would otherwise crowd out a small plate.
    kept = _dedupe(sorted(lines, key=lambda l: -_size(l)))
    guesses = [] if quick else banded + [l for l in framed if l.guessed]
    framed = [l for l in framed if not l.guessed]
    # A number found only inside its plate's outline comes after the same place's chain.
    # It is read beside a chain it extends at one end: glyphs that touched the frame's
    # side were lost to the chain (5F of 5FLR236) but not to the outline.
    kept += [l for l in _dedupe(sorted(framed, key=lambda l: -_size(l)))
             if not any(shares_area(l.box, k.box, 1 / 3) and not _extends_at_one_end(l, k) for k in kept)]
    kept += _joined_halves(kept, gray)
    kept += _completions(kept, small_windows, gray, max_h)
    kept.sort(key=lambda l: -_size(l) * _regularity(l))
    # Guesses come last, where nothing else was found: a frame reads its first MAX_LINES
    # lines only, and blobs are many where the bodywork is dark.
    return kept + [l for l in _dedupe(sorted(guesses, key=lambda l: -_size(l)))
                   if not any(shares_area(l.box, k.box, 1 / 3) or shares_area(k.box, l.box, 1 / 3) for k in kept)]


def _joined_halves(lines: list[TextLine], gray: np.ndarray) -> list[TextLine]:
    """Lines made of two found lines that continue each other: same size, same row.

    A number whose glyphs touch a dealer frame on one side is found in two parts, by
    different means: the free glyphs as a chain, the framed ones from the plate's
    outline (HK0 and 0E7C of HK0E7C). Each part alone reads as a fragment.
    """
    out = []
    for a in lines:
        for b in lines:
            if b is a or b.dark_on_light != a.dark_on_light:
                continue
            gh = max(a.glyph_h, b.glyph_h)
            if not 0.8 <= a.glyph_h / b.glyph_h <= 1.25:
                continue
            if not _same_row(a, b):
                continue
            a_right, b_right = a.x + a.w, b.x + b.w
            if not (a.x < b.x and a_right < b_right and -0.5 * gh <= b.x - a_right <= 1.2 * gh):
                continue
            boxes = list(a.members) + [m for m in b.members
                                        if all(_overlap(m[0], m[2], n[0], n[2]) < 0.5 * min(m[2], n[2])
                                               for n in a.members)]
            if len(boxes) <= max(a.glyphs, b.glyphs):
                continue
            line = _line_from(np.array(sorted(boxes), np.float32), a.dark_on_light, gray)
            if line is not None:
                out.append(line)
    return _dedupe(sorted(out, key=lambda l: -_size(l)))


def _without_bars(binary: np.ndarray, block: int) -> np.ndarray:
    """The binary image without horizontal runs a window long: a frame's bars and bands.

    A dealer frame's lettering or edge that runs along the glyphs' feet joins them into
    one blob with it; without the bar each glyph stands alone again, a little shorter.
    """
    bars = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (block, 1)))
    return cv2.subtract(binary, bars)


def _completions(kept: list[TextLine], binaries: dict[tuple[int, bool], np.ndarray],
                 gray: np.ndarray, max_h: int) -> list[TextLine]:
    """Found lines completed by the glyphs beside them that a frame's bar had joined.

    Searched only around lines found otherwise, and kept only where they hold such a
    line and more glyphs of its row: cut out of bars, a grille or a bumper's edge would
    give lines of their own that crowd out the plate, and the search costs less so.
    """
    H, W = gray.shape[:2]
    out = []
    for k in kept:
        if k.glyphs >= 8:
            continue
        gh = k.glyph_h
        x0, x1 = max(0, int(k.x - 4 * gh)), min(W, int(k.x + k.w + 4 * gh))
        y0, y1 = max(0, int(k.y - gh)), min(H, int(k.y + k.h + gh))
        for (block, dark), binary in binaries.items():
            if dark != k.dark_on_light:
                continue
            boxes = _glyphs(_without_bars(binary[y0:y1, x0:x1], block), max_h)
            boxes[:, :2] += (x0, y0)
            for group in _chains(boxes):
                u = _line_from(group, dark, gray)
                if u is not None and _completes(u, k):
                    out.append(u)
    return _dedupe(sorted(out, key=lambda l: -_size(l)))


def _completes(u: TextLine, k: TextLine) -> bool:
    """Does `u` hold `k` and more glyphs of the same row and size?"""
    if u.glyphs <= k.glyphs or u.w <= k.w or not 0.75 <= u.glyph_h / k.glyph_h <= 1.33:
        return False
    return _same_row(u, k) and _overlap(u.x, u.w, k.x, k.w) >= 0.8 * k.w


def _extends_at_one_end(u: TextLine, k: TextLine) -> bool:
    """Does `u` complete `k` with glyphs at its left or its right end, not both?"""
    if not _completes(u, k):
        return False
    tol = 0.3 * k.glyph_h
    return abs(u.x - k.x) <= tol or abs((u.x + u.w) - (k.x + k.w)) <= tol


def _same_row(a: TextLine, b: TextLine) -> bool:
    """Do the two lines' centres lie within 0.3 of the taller one's glyph height?"""
    return abs((a.y + a.h / 2) - (b.y + b.h / 2)) <= 0.3 * max(a.glyph_h, b.glyph_h)


def _size(line: TextLine) -> float:
    """Glyph height times glyph count (up to a plate's eight): the fuller, bigger line."""
    return line.glyph_h * min(line.glyphs, 8)


def _regularity(line: TextLine) -> float:
    """1 for glyphs of one height on a straight line, falling toward 0 as they scatter.

    A plate's characters share a height and their tops and bottoms lie on two straight
    lines (a tilt or a perspective changes the lines, not their straightness); blades of
    grass and gravel chained into a "line" do neither. Measured as the spread of the
    tops and bottoms about their fitted lines and of the heights, in glyph heights.
    """
    if len(line.members) < 3:
        return 1.0
    x, y, w, h = np.array(line.members, np.float64).T
    cx = x + w / 2
    if np.ptp(cx) <= 0:
        return 1.0
    resid = 0.0
    for edge in (y, y + h):
        fit = np.polyfit(cx, edge, 1)
        resid += float(np.std(edge - np.polyval(fit, cx))) / 2
    scatter = resid / line.glyph_h
    heights = float(np.std(h) / np.median(h))
    return 1.0 / (1.0 + (scatter / 0.1) ** 2 + (heights / 0.15) ** 2)


def _without_thin_strokes(binary: np.ndarray, block: int) -> np.ndarray:
    """The binary image opened with a disc an eighth of the widest window across.

    On a close-up plate the glyphs' strokes are thick, and the thin lines of the plate's
    art (a state's outline, a flower's petals, a ship's rigging) that touch them join
    them into one blob that is no glyph: Kentucky's BBG 50B, Nebraska's 0 on the state
    border. Opening removes strokes thinner than the disc and cuts those bridges; glyphs
    too small for it vanish, but the unopened image keeps finding those.
    """
    k = max(3, block // 8)
    return _opened_by_disc(binary, k)


def _opened_by_disc(binary: np.ndarray, k: int) -> np.ndarray:
    """morphologyEx's opening with a k x k ellipse, as the same opening by its rectangles.

    The ellipse is the union of the rectangles its rows make, and eroding (dilating) by
    a union is the minimum (maximum) of eroding (dilating) by each part; OpenCV does a
    rectangle as two one-dimensional passes. Same pixels, in about 60 % of the time for
    the 29 px disc of a 720p frame.
    """
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    c = k // 2
    spans = [(int(np.flatnonzero(row)[0]), int(np.flatnonzero(row)[-1])) for row in disc]
    parts = []
    for x0, x1 in sorted(set(spans)):
        rows = [y for y, (a, b) in enumerate(spans) if a <= x0 and b >= x1]
        parts.append((np.ones((rows[-1] + 1 - rows[0], x1 + 1 - x0), np.uint8), (c - x0, c - rows[0])))

    def by_parts(image: np.ndarray, op, combine) -> np.ndarray:
        out = None
        for kernel, anchor in parts:
            one = op(image, kernel, anchor=anchor)
            out = one if out is None else combine(out, one)
        return out

    return by_parts(by_parts(binary, cv2.erode, cv2.min), cv2.dilate, cv2.max)


def _framed_plate_lines(gray: np.ndarray, block: int, max_h: int) -> list[TextLine]:
    """Plate numbers found from the plate's light rectangle rather than from the glyphs.

    A dark dealer frame close around a small plate touches the glyphs' feet or heads,
    and glyphs, frame and often the car around them become one dark blob that is no
    glyph, so no chain finds them. The plate's light background, inside the frame, is
    still a rectangle of its own, and the glyphs are its holes: the rows its holes cross
    most often are the number's band, and cut to that band the glyphs stand apart again.
    """
    H = gray.shape[0]
    light = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, -7)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(light, connectivity=4)
    x, y, w, h, area = stats[1:].T
    fill = area / np.maximum(w * h, 1)
    plates = (w >= 1.4 * h) & (w <= 3.2 * h) & (h >= 2 * _MIN_GLYPH_H) & (h < H / 3) & (fill >= 0.4) & (fill <= 0.92)
    out = []
    for i in np.flatnonzero(plates):
        holes = labels[y[i]: y[i] + h[i], x[i]: x[i] + w[i]] != i + 1
        band = _number_band(holes)
        if band is None:
            continue
        top, bottom = band
        cut = holes[top:bottom].astype(np.uint8)
        sub = _components(cut)[1][1:]
        tall = sub[:, 3] >= 0.7 * (bottom - top)
        glyphs = _split_pairs(cut, sub[tall & _glyph_shaped(sub, max_h), :4]).astype(np.float32)
        glyphs[:, 0] += x[i]
        glyphs[:, 1] += y[i] + top
        for group in _chains(glyphs):
            line = _line_from(group, True, gray)
            if line is not None:
                out.append(line)
        guess = _band_guess(sub, int(x[i]), int(y[i]) + top, int(w[i]), bottom - top)
        if guess is not None:
            out.append(guess)
    return out


def _band_guess(pieces: np.ndarray, plate_x: int, band_y: int, plate_w: int, band_h: int) -> TextLine | None:
    """The whole number band of a plate's rectangle as one line, for the recogniser to read
    as it stands. `pieces` are the stats rows of the band's ink, relative to the plate's
    left side and the band's top (`plate_x`, `band_y` in the image).

    In a blurred frame a plate's thin, light-grey glyphs break apart or run into each other
    at every threshold (SH0R7X at night: S in pieces, H0R7 one blob), so no chain finds
    them, yet the band they cross is plain and EasyOCR reads it whole. The ink that is
    not the plate's side (it touches neither end of the band) must span most of the plate.
    """
    x, y, w, h = pieces[:, 0], pieces[:, 1], pieces[:, 2], pieces[:, 3]
    ink = (h >= 0.5 * band_h) & (x > 0) & (x + w < plate_w)
    if np.count_nonzero(ink) < 2:
        return None
    x0, x1 = int(x[ink].min()), int((x[ink] + w[ink]).max())
    if x1 - x0 < _GUESS_SPAN * plate_w or x1 - x0 < 2 * band_h:
        return None
    glyphs = int(np.clip(round((x1 - x0) / (0.6 * band_h)), _MIN_GLYPHS, _MAX_GLYPHS))
    return TextLine(plate_x + x0, band_y, x1 - x0, band_h, float(band_h), 0.0, glyphs, True, guessed=True)


# A plate's number spans most of its width; a window's or a sign's few marks do not.
_GUESS_SPAN = 0.6


def _banded_lines(components: tuple[np.ndarray, np.ndarray], gray: np.ndarray, max_h: int) -> list[TextLine]:
    """Plate numbers found inside a dark blob that holds them with the plate's outline.

    On a light car the plate's background runs into the bodywork, so `_framed_plate_lines`
    finds no rectangle; and a small plate's glyphs touch its printed outline, the frame's
    side or the line of small print under them, all one dark blob that is no glyph. The
    blob's rows that many strokes cross are the number's band: cut to it, the glyphs
    stand apart (6PGM335 on a silver car, 720p, glyphs 20 px tall). `components` are those
    of the dark-glyph binary the chains were looked for in (`_components`).
    """
    H = gray.shape[0]
    labels, stats = components
    x, y, w, h, area = stats[1:].T
    fill = area / np.maximum(w * h, 1)
    blobs = ((h >= 2 * _MIN_GLYPH_H) & (h < H / 6) & (w >= 1.4 * h) & (w <= 4 * h)
             & (fill >= 0.1) & (fill <= 0.6))
    out = []
    for i in np.flatnonzero(blobs):
        ink = labels[y[i]: y[i] + h[i], x[i]: x[i] + w[i]] == i + 1
        for group in _chains(_band_glyphs(ink, x[i], y[i], max_h)):
            if len(group) < _MIN_BLOB_GLYPHS:
                continue
            line = _line_from(group, True, gray)
            if line is not None:
                out.append(replace(line, guessed=True))
    return out


# A plate's number is five characters or more; a few strokes standing apart in a blob's
# band are as often a grille's or a speed bump's marks.
_MIN_BLOB_GLYPHS = 5


def _band_glyphs(ink: np.ndarray, x: int, y: int, max_h: int) -> np.ndarray:
    """Glyph boxes (in the image) of the strokes in `ink`'s number band, cut to it.

    The band's first or last rows can still hold where the glyphs' feet meet the line
    under them; of the band and the band a few rows shorter at either end, the cut that
    leaves the most glyphs standing apart is taken.
    """
    band = _number_band(ink)
    if band is None:
        return np.zeros((0, 4), np.float32)
    best = np.zeros((0, 4), np.float32)
    trim = max(1, round(0.12 * (band[1] - band[0])))
    for top, bottom in ((band[0], band[1]), (band[0], band[1] - trim), (band[0] + trim, band[1]),
                        (band[0] + trim, band[1] - trim)):
        cut = ink[top:bottom].astype(np.uint8)
        sub = _components(cut)[1][1:]
        tall = sub[:, 3] >= 0.7 * (bottom - top)
        glyphs = _split_pairs(cut, sub[tall & (_glyph_shaped(sub, max_h) | _glyph_run(sub)), :4]).astype(np.float32)
        if len(glyphs) > len(best):
            glyphs[:, 0] += x
            glyphs[:, 1] += y + top
            best = glyphs
    return best


def _glyph_run(s: np.ndarray) -> np.ndarray:
    """Which stats rows are two or three glyphs side by side, merged: wider than a glyph."""
    w, h, area = s[:, 2], s[:, 3], s[:, 4]
    aspect = w / np.maximum(h, 1)
    fill = area / np.maximum(w * h, 1)
    return (h >= _MIN_GLYPH_H) & (aspect > 1.15) & (aspect <= 2.6) & (fill >= 0.25) & (fill <= 0.9)


def _split_pairs(band: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Boxes as wide as they are tall split at their thinnest columns: in two, or in as
    many as a glyph's width (0.6 of its height) goes into a wider run.

    Cut to the number's band, two neighbours that touched each other in the blur
    (6R, JN) stay one component twice a glyph's width; the recogniser reads a merged
    box well enough, but the chain's glyph count and the masking need each one.
    """
    out = []
    for bx, by, bw, bh in boxes:
        if bw < 0.8 * bh:
            out.append((bx, by, bw, bh))
            continue
        ink = band[by: by + bh, bx: bx + bw].sum(axis=0)
        n = max(2, round(bw / (0.6 * bh)))
        cuts = []
        for k in range(1, n):
            # Within a third of a glyph's width either side of where the k-th glyph ends.
            lo, hi = (bw // 3, bw - bw // 3) if n == 2 else (round((k - 1 / 3) * bw / n), round((k + 1 / 3) * bw / n))
            cuts.append(lo + int(np.argmin(ink[lo:hi])) if hi > lo else k * bw // n)
        edges = [0, *cuts, bw]
        out += [(bx + a, by, b - a, bh) for a, b in zip(edges, edges[1:]) if b > a]
    return np.array(out, np.int64).reshape(-1, 4)


def _number_band(holes: np.ndarray) -> tuple[int, int] | None:
    """The rows of a plate's holes that many strokes cross: (top, bottom), or None."""
    h = holes.shape[0]
    crossings = np.count_nonzero(np.diff(holes.astype(np.int8), axis=1), axis=1)
    busy = crossings >= 8
    best, start = (0, 0), None
    for r in range(h + 1):
        if r < h and busy[r]:
            start = r if start is None else start
        elif start is not None:
            if r - start > best[1] - best[0]:
                best = (start, r)
            start = None
    top, bottom = best
    if bottom - top < max(_MIN_GLYPH_H, 0.3 * h) or bottom - top > 0.85 * h:
        return None
    return top, bottom


def _grow(group: np.ndarray, binary: np.ndarray) -> np.ndarray:
    """Add end glyphs the chain missed because they touch something above or below.

    A first or last character often merges with the plate frame, a sticker or a bolt,
    and the merged blob is not glyph-shaped. Cut to the band of the line's glyphs, it is
    again: look beside each end of the chain, inside that band only.
    """
    x, y, w, h = group.T
    gh = float(np.median(h))
    top, bottom = int(np.median(y)), int(np.median(y + h))
    H, W = binary.shape
    if bottom - top < 6:
        return group
    boxes = [tuple(b) for b in group]
    outermost: dict[int, tuple[tuple[int, int, int, int], float]] = {}  # side: (box, ink share)
    for side in (-1, 1):
        for _ in range(2):  # at most two glyphs per end
            edge = min(b[0] for b in boxes) if side < 0 else max(b[0] + b[2] for b in boxes)
            x0 = int(max(0, edge - 1.3 * gh)) if side < 0 else int(edge + 1)
            x1 = int(edge - 1) if side < 0 else int(min(W, edge + 1.3 * gh))
            if x1 - x0 < 3:
                break
            band = binary[max(0, top): min(H, bottom), x0:x1]
            _, stats = _components(band)
            found = [
                ((sx + x0, top + sy, sw, sh), area / (sw * sh)) for sx, sy, sw, sh, area in stats[1:]
                # Not thinner than a quarter glyph: the plate's own edge is a thin upright too.
                if sh >= 0.8 * (bottom - top) and 0.25 * gh <= sw <= 0.9 * gh and area >= 0.15 * sw * sh
            ]
            if not found:
                break
            box, ink = max(found, key=lambda f: f[0][0]) if side < 0 else min(found, key=lambda f: f[0][0])
            boxes.append(box)
            outermost[side] = (box, ink)
    if len(outermost) == 2 and _frame_sides(outermost[-1], outermost[1], gh):
        boxes = [b for b in boxes if b not in (outermost[-1][0], outermost[1][0])]
    if len(boxes) == len(group):
        return group
    return np.array(sorted(boxes), np.float32)


def _frame_sides(left: tuple[tuple[int, int, int, int], float], right: tuple[tuple[int, int, int, int], float],
                 gh: float) -> bool:
    """Are the two uprights grown at the chain's ends the plate frame's sides?

    A frame hugging the number joins the first and last glyphs' neighbours to its top and
    bottom bars, and in the band the growing looks in, each side is a thin solid bar that
    passes for a 1 or an I. Read, the right one becomes a J (UH1N2A read UH1N2AJ). One
    such bar is as likely a glyph; a solid bar of like width at both ends is the frame.
    """
    (_, _, lw, _), l_ink = left
    (_, _, rw, _), r_ink = right
    thin = max(lw, rw) < _FRAME_SIDE_W * gh and max(lw, rw) <= 1.5 * min(lw, rw)
    return thin and min(l_ink, r_ink) >= _FRAME_SIDE_INK


# A frame's side is under a third of a glyph height wide and mostly ink (a tilted bar's
# box holds some plate beside it, so half); a 1 or I printed as a plain bar is as solid,
# but a number rarely begins and ends with one that merged with something above or below.
_FRAME_SIDE_W = 0.34
_FRAME_SIDE_INK = 0.5


def _without_grey_ends(group: np.ndarray, gray: np.ndarray, dark: bool) -> tuple[np.ndarray, tuple[int, int]]:
    """The chain without end members that hold neither ink nor plate (a grey patch) or
    two stacked characters (`_stacked`), and the line's left and right edges.

    Beside a bright plate, a stretch of bumper is darker than the local mean and
    binarises like a glyph; chained to the number, it reads as an L or an I (L1AMW240).
    A glyph's box holds the line's ink and its plate both; such a patch lies between the
    two, lighter than the ink and darker than the plate. A glyph in shadow or merged with
    a dark frame keeps its dark ink, so it stays. So does a box of flat, solid ink,
    unless it is wider than the chain's glyphs: then it is the dark car or frame just
    past the plate's end, and beside it the recogniser misread the last glyph (PH5M9Y as
    PH5M9V). A glyph merged with the frame is not flat: it holds plate between strokes.
    A chain grown past the glyph limit into a frame's sides is left alone: rejected
    whole, it gives way to the chain without them. (Dropping end boxes with no ink fixed
    as many photos as it broke: SG8L7E, FAMILY.)

    The line still runs up to a dropped box's inner edge: the plate's own margin beside
    the number stays in the crop. Cut at the first glyph instead, the recogniser lost
    the last 0 of a test's lettering once the panel's edge before it was dropped.
    """
    whole = _extent(group)
    if len(group) <= _MIN_GLYPHS:
        return group, whole
    drop = np.zeros(len(group), bool)
    drop[[0, -1]] = [_stacked(gray, group[0], dark), _stacked(gray, group[-1], dark)]
    levels = np.array([_ink_and_paper(gray, b, dark) for b in group])
    ink, paper = np.median(levels, axis=0)
    span = paper - ink
    if span >= 40:
        drop |= (levels[:, 0] > ink + 0.15 * span) & (levels[:, 1] < paper - 0.3 * span)  # grey
        if len(group) <= _MAX_GLYPHS:
            flat = levels[:, 1] - levels[:, 0] < 0.35 * span
            drop |= flat & (levels[:, 1] < ink + 0.3 * span) & (group[:, 2] > 1.3 * np.median(group[:, 2]))
    lo, hi = 0, len(group)
    while hi - lo > _MIN_GLYPHS and drop[lo]:
        lo += 1
    while hi - lo > _MIN_GLYPHS and drop[hi - 1]:
        hi -= 1
    kept = group[lo:hi]
    x0, x1 = _extent(kept)
    if lo > 0:
        x0 = min(x0, int(group[lo - 1, 0] + group[lo - 1, 2]))
    if hi < len(group):
        x1 = max(x1, int(group[hi, 0]))
    return kept, (x0, x1)


def _stacked(gray: np.ndarray, box: np.ndarray, dark: bool) -> bool:
    """Is this box two characters stacked one over the other, not one glyph?

    Many plates print a small code stacked at one end (Mississippi's county letters WT,
    a type code); the serial is the number beside it, and read as one glyph the pair is a
    Y or an M. No plate character has a clear row across its middle: a stacked pair has
    one between its halves, each half a good part of the box's height.
    """
    x, y, w, h = (int(v) for v in box)
    if h < 16:  # halves of 8 px or less blur together: nothing to tell
        return False
    patch = gray[max(0, y): y + h, max(0, x): x + w]
    if patch.size == 0 or int(patch.max()) - int(patch.min()) < 40:
        return False
    h = patch.shape[0]  # a box at the image's edge is cut by it
    t, _ = cv2.threshold(patch, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = (patch < t) if dark else (patch > t)
    rows = ink.mean(axis=1) > 0.03
    lo, hi = int(0.3 * h), int(0.7 * h) + 1
    run, best_end, best = 0, 0, 0
    for i in range(lo, hi):
        run = 0 if rows[i] else run + 1
        if run > best:
            best, best_end = run, i + 1
    if best < max(2, 0.06 * h):
        return False
    start = best_end - best
    halves = (ink[:start][rows[:start]], ink[best_end:][rows[best_end:]])
    # Each half is a character's strokes: not a solid patch (a grille's cell split by
    # its bar) and not a wisp.
    return all(len(half) >= 0.2 * h and 0.1 <= half.mean() <= 0.6 for half in halves)


def _extent(group: np.ndarray) -> tuple[int, int]:
    """Left and right edges of a chain's boxes."""
    return int(group[:, 0].min()), int((group[:, 0] + group[:, 2]).max())


def _ink_and_paper(gray: np.ndarray, box: np.ndarray, dark: bool) -> tuple[float, float]:
    """The darkest and brightest grey level of a box (5th, 95th percentile), as ink and
    paper: dark glyphs' ink is the dark end, light glyphs' the light one."""
    x, y, w, h = (int(v) for v in box)
    patch = gray[max(0, y): y + h, max(0, x): x + w]
    if patch.size == 0:
        return (0.0, 0.0)
    lo, hi = _percentiles_5_95(patch)
    return (lo, hi) if dark else (255.0 - hi, 255.0 - lo)


def _percentiles_5_95(patch: np.ndarray) -> tuple[float, float]:
    """np.percentile(patch, (5, 95)) (linear interpolation), without its overhead.

    A frame's line search takes this on every member of every chain, some 500 small
    boxes: np.percentile's own bookkeeping cost more than the sorting.
    """
    v = np.sort(patch, axis=None).astype(np.float64)
    last = v.size - 1
    out = []
    for q in (0.05, 0.95):
        pos = q * last
        i = int(pos)
        j = min(i + 1, last)
        out.append(float(v[i] + (v[j] - v[i]) * (pos - i)))
    return out[0], out[1]


def _odd(n: int) -> int:
    return n | 1


def _dedupe(lines: list[TextLine]) -> list[TextLine]:
    kept: list[TextLine] = []
    for line in lines:
        if all(_iou(line.box, k.box) < 0.5 for k in kept):
            kept.append(line)
    return kept


def shares_area(a: tuple[int, int, int, int], b: tuple[int, int, int, int], fraction: float) -> bool:
    """Do boxes (x, y, w, h) share more than `fraction` of the smaller one's area?"""
    return _intersection(a, b) > fraction * min(a[2] * a[3], b[2] * b[3])


def lies_within(a: tuple[int, int, int, int], b: tuple[int, int, int, int], fraction: float) -> bool:
    """Does box `a` lie mostly (more than `fraction` of its area) inside box `b`?"""
    return _intersection(a, b) > fraction * a[2] * a[3]


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    inter = _intersection(a, b)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


def _intersection(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> int:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return _overlap(ax, aw, bx, bw) * _overlap(ay, ah, by, bh)


def _overlap(a0: int, a_len: int, b0: int, b_len: int) -> int:
    """The length two spans [start, start + length) share."""
    return max(0, min(a0 + a_len, b0 + b_len) - max(a0, b0))


def crop_line(gray: np.ndarray, line: TextLine, masked: bool = True) -> np.ndarray:
    """The line, levelled, with a small margin, contrast-stretched.

    With `masked`, every pixel outside the glyph boxes is painted with the plate's
    background: the plate border, bolts, dashes and the state emblem some plates carry
    between the two halves of the number are what EasyOCR otherwise reads as I, 1, J or H.
    """
    H, W = gray.shape[:2]
    gh = line.glyph_h
    mx, my = int(round(gh * 0.2)), int(round(gh * 0.2))
    # Work on a neighbourhood big enough to rotate without losing corners.
    r = int(max(line.w, line.h) / 2 + gh)
    cx, cy = line.x + line.w / 2, line.y + line.h / 2
    x0, y0 = max(0, int(cx - r)), max(0, int(cy - r))
    x1, y1 = min(W, int(cx + r) + 1), min(H, int(cy + r) + 1)
    patch = gray[y0:y1, x0:x1].copy()
    if masked and line.members:
        keep = np.zeros(patch.shape, np.uint8)
        d = max(1, int(round(gh * 0.08)))
        for bx, by, bw, bh in line.members:
            cv2.rectangle(keep, (bx - x0 - d, by - y0 - d), (bx - x0 + bw + d, by - y0 + bh + d), 255, -1)
        inside = patch[max(0, line.y - y0): line.y - y0 + line.h, max(0, line.x - x0): line.x - x0 + line.w]
        background = np.percentile(inside, 85 if line.dark_on_light else 15) if inside.size else 128
        patch[keep == 0] = np.uint8(background)
    pcx, pcy = cx - x0, cy - y0
    if abs(line.angle) > 1.0:
        m = cv2.getRotationMatrix2D((pcx, pcy), line.angle, 1.0)
        patch = cv2.warpAffine(patch, m, (patch.shape[1], patch.shape[0]),
                               flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    # After levelling the glyphs span about glyph_h around the centre line.
    half_w = line.w / 2 / max(np.cos(np.radians(line.angle)), 0.5)
    hh = max(gh, line.h * np.cos(np.radians(line.angle)) - abs(line.w * np.sin(np.radians(line.angle)))) / 2
    out = patch[max(0, int(pcy - hh - my)): int(pcy + hh + my) + 1,
                max(0, int(pcx - half_w - mx)): int(pcx + half_w + mx) + 1]
    return stretch_contrast(out)


def plate_edges(gray: np.ndarray, line: TextLine) -> float:
    """How clearly a plate's top and bottom edges run above and below the line, 0..1.

    A plate number sits on a rectangle whose upper and lower borders (the plate's edge,
    its frame, the bumper recess) run level with the text a glyph or so away. A fleet
    number on a hood or a phone number on a tailgate is text on open bodywork: no such
    edges. For each side, the share of the line's columns that step by 20 grey levels
    between two rows, at the strongest row of the band beside the text.
    """
    H, W = gray.shape[:2]
    gh = line.glyph_h
    x0, x1 = max(0, line.x), min(W, line.x + line.w)
    top, bottom = line.y, line.y + line.h

    def strongest_row(y0: float, y1: float) -> float:
        a, b = max(0, int(y0)), min(H, int(y1))
        if b - a < 2 or x1 - x0 < 2:
            return 0.0
        steps = np.abs(np.diff(gray[a:b, x0:x1].astype(np.int16), axis=0)) >= 20
        return float(steps.mean(axis=1).max())

    above = strongest_row(top - 1.4 * gh, top - 0.15 * gh)
    below = strongest_row(bottom + 0.15 * gh, bottom + 1.6 * gh)
    return min(1.0, (above + below) / 1.2)


def stretch_contrast(img: np.ndarray) -> np.ndarray:
    """Map the 2nd..98th percentile to 0..255: dim and hazy plates read like clean ones."""
    if img.size == 0:
        return img
    lo, hi = np.percentile(img, (2, 98))
    if hi - lo < 8:
        return img
    out = (img.astype(np.float32) - lo) * (255.0 / (hi - lo))
    return np.clip(out, 0, 255).astype(np.uint8)


def cut_by_frame(line: TextLine, shape: tuple[int, ...]) -> bool:
    """Does the line run into the picture's border? Its text may go on beyond it.

    A plate entering or leaving the frame shows only some of its characters, and a read
    of them is a fragment (a sign's '...VIDED', a date's '014'), not the plate: such a
    line is not read. The chain usually stops short of a character the border cuts, so
    a margin of half a glyph counts as touching.
    """
    H, W = shape[:2]
    mx, my = 0.5 * line.glyph_h, 0.15 * line.glyph_h
    return line.x < mx or line.y < my or line.x + line.w > W - mx or line.y + line.h > H - my


def in_text_block(line: TextLine, others: list[TextLine]) -> bool:
    """Is the line one of a stack of text lines of about the same size (a sign, lettering)?

    A plate number is the only line of its size on the plate: the state name, slogan and
    dealer frame above and below it are printed at a third to a half of its height. Lines
    of the same size stacked within one and a half glyph heights of each other (a phone
    number under a company's name), overlapping sideways, are a paragraph: a truck's
    lettering, a shop sign, a notice.
    """
    gh = line.glyph_h
    for o in others:
        if o is line or not 0.7 <= o.glyph_h / gh <= 1.45:
            continue
        overlap_x = min(line.x + line.w, o.x + o.w) - max(line.x, o.x)
        if overlap_x < 0.25 * min(line.w, o.w):
            continue
        gap = max(o.y - (line.y + line.h), line.y - (o.y + o.h))  # negative when they overlap
        if -0.3 * gh <= gap <= 1.5 * max(gh, o.glyph_h):
            return True
    return False
