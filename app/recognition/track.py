"""Join reads of the same vehicle across frames and vote them into one read per pass."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .formats import apply_formats, is_plate_text
from .ocr import PLATE_ALPHABET
from .reads import Box
from .still import LineRead


@dataclass
class Sighting:
    frame: int
    t_s: float
    read: LineRead
    frame_image: np.ndarray  # the BGR frame, kept only while it is the track's best
    still: float = 0.0  # share of the line's edges that had not moved for ~1 s (overlay.py)


@dataclass
class PlateTrack:
    """Reads believed to be one plate on one vehicle during one pass."""

    sightings: list[Sighting] = field(default_factory=list)
    best: Sighting | None = None
    last_seen: float = 0.0  # video time the plate was last known to be in view

    @property
    def last(self) -> Sighting:
        return self.sightings[-1]

    def add(self, s: Sighting) -> None:
        self.sightings.append(s)
        self.last_seen = max(self.last_seen, s.t_s)
        if self.best is None or s.read.score > self.best.read.score:
            self.best = s
        # Only the best sighting needs its frame: a pass can last hundreds of frames.
        for other in self.sightings:
            if other is not self.best:
                other.frame_image = None  # type: ignore[assignment]

    def vote(self) -> tuple[str, str, float]:
        """Per-character vote weighted by confidence: (plate, raw text of best, confidence).

        Reads are grouped by length and the length with the most confidence mass wins
        (a dropped or extra character shifts every position after it, so reads of other
        lengths cannot be aligned cheaply). Within that length, the probability rows of
        each character are summed with the read's confidence as weight, and the format
        rules then settle look-alikes once more on the summed evidence.
        """
        mass: Counter[int] = Counter()
        for s in self.sightings:
            mass[len(s.read.reading.plate)] += s.read.reading.confidence
        length = mass.most_common(1)[0][0]
        same = [s for s in self.sightings if len(s.read.reading.plate) == length]
        total = np.zeros((length, len(PLATE_ALPHABET)), np.float64)
        for s in same:
            r = s.read.reading
            w = r.confidence
            probs = s.read.char_probs
            if probs.shape[0] == length:
                # Corrected characters count as the format decided, at the read's weight.
                for i, c in enumerate(r.plate):
                    row = probs[i].astype(np.float64).copy()
                    if PLATE_ALPHABET[int(row.argmax())] != c:
                        row[:] = 0.0
                        row[PLATE_ALPHABET.index(c)] = 1.0
                    total[i] += w * row
            else:
                for i, c in enumerate(r.plate):
                    total[i, PLATE_ALPHABET.index(c)] += w
        text = "".join(PLATE_ALPHABET[k] for k in total.argmax(axis=1))
        dist = total / np.maximum(total.sum(axis=1, keepdims=True), 1e-9)
        text = apply_formats(text, dist.astype(np.float32)).plate
        # Confidence of the pass: mean read confidence, times how unanimous the vote was.
        agree = float(np.mean(dist.max(axis=1)))
        conf = float(np.mean([s.read.reading.confidence for s in same])) * agree
        best = max(same, key=lambda s: s.read.score)
        return text, best.read.reading.ocr_text, conf


def _centre(box: Box) -> tuple[float, float]:
    x, y, w, h = box
    return x + w / 2, y + h / 2


def similar_text(a: str, b: str) -> bool:
    """Same plate read differently: edit distance at most 2 (at most 1 for short reads)."""
    limit = 1 if min(len(a), len(b)) <= 4 else 2
    return _edit_distance(a, b, limit) <= limit


def _edit_distance(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


class Tracker:
    """Assigns each frame's reads to open tracks; closes tracks not seen for `max_gap_s`.

    A read joins the open track whose last read is nearby (within a few plate widths,
    scaled by the time since) or whose text is similar, so a plate keeps its track while
    it moves across the frame and while the OCR disagrees with itself on a character.
    """

    def __init__(self, max_gap_s: float = 1.0) -> None:
        self.max_gap_s = max_gap_s
        self.open: list[PlateTrack] = []

    def update(self, frame: int, t_s: float, reads: list[LineRead], image: np.ndarray,
               still: list[float] | None = None) -> list[PlateTrack]:
        """Add one analysed frame; returns tracks that closed."""
        taken: set[int] = set()
        for i, lr in enumerate(reads):
            track = self._match(lr, t_s, taken)
            s = Sighting(frame, t_s, lr, image, still[i] if still else 0.0)
            if track is None:
                track = PlateTrack()
                self.open.append(track)
            track.add(s)
            taken.add(id(track))
        return self.close_idle(t_s)

    def keep_alive(self, t_s: float) -> None:
        """A frame skipped as unchanged still shows the same plates: do not age them."""
        for tr in self.open:
            tr.last_seen = max(tr.last_seen, t_s)

    def close_idle(self, t_s: float) -> list[PlateTrack]:
        closed = [tr for tr in self.open if t_s - tr.last_seen > self.max_gap_s]
        self.open = [tr for tr in self.open if tr not in closed]
        return closed

    def close_all(self) -> list[PlateTrack]:
        closed, self.open = self.open, []
        return closed

    def _match(self, lr: LineRead, t_s: float, taken: set[int]) -> PlateTrack | None:
        best, best_cost = None, float("inf")
        cx, cy = _centre(lr.reading.box)
        for tr in self.open:
            if id(tr) in taken:
                continue
            last = tr.last.read.reading
            lx, ly = _centre(last.box)
            # Plates of one pass change size slowly; a box twice as tall is other text.
            if not 0.6 <= lr.glyph_h / tr.last.read.glyph_h <= 1.67:
                continue
            scale = min(last.box[2], lr.reading.box[2])
            dt = max(t_s - tr.last.t_s, 1e-3)
            dist = ((cx - lx) ** 2 + (cy - ly) ** 2) ** 0.5 / scale
            near = dist < 1.5 + 4.0 * dt
            same = lr.reading.plate == last.plate or similar_text(lr.reading.plate, last.plate)
            if not (near and (same or dist < 0.5)):
                continue
            cost = dist - (1.0 if same else 0.0)
            if cost < best_cost:
                best, best_cost = tr, cost
        return best


def accept_track(track: PlateTrack, min_sightings: int = 3, min_conf: float = 0.7,
                 max_still: float = 0.3) -> bool:
    """Enough evidence to report a pass: three or more reads and a fair voted confidence.

    Texture and distant text give short, low-confidence, flickering reads; one pass of a
    real plate gives many agreeing ones (a car crossing the picture in 0.6 s is still
    analysed three times at 5 frames a second). Reads on text whose edges mostly held
    still while the picture changed are burnt-in text (a clock whose seconds tick).
    """
    plate, raw, conf = track.vote()
    if not is_plate_text(plate, raw) or len(plate) < 4:
        return False
    # Letters only: a word on a sign, a truck or a dealer frame far more often than one
    # of the few vanity plates without a digit (those are still read on photos).
    if not any(c.isdigit() for c in plate):
        return False
    if float(np.median([s.still for s in track.sightings])) >= max_still:
        return False
    # Four characters is a legal plate but also a common fragment of other text (a
    # dealer frame, a sticker): ask for more agreeing reads.
    needed = min_sightings if len(plate) >= 5 else 2 * min_sightings
    return len(track.sightings) >= needed and conf >= min_conf
