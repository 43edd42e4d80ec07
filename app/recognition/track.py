"""Join reads of the same vehicle across frames and vote them into one read per pass."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from app.domain.plates import confusables

from .formats import I_PRIOR, apply_formats, has_digit, is_plate_text, with_a_digit
from .ocr import PLATE_ALPHABET
from .reads import Box
from .still import LineRead


@dataclass(frozen=True)
class FrameRead:
    """A read on one analysed video frame, with what its surroundings say about it."""

    read: LineRead
    still: float = 0.0  # share of the line's edges that had not moved for ~1 s (overlay.py)
    in_block: bool = False  # one of a stack of same-size text lines (detect.in_text_block)


@dataclass
class Sighting:
    frame: int
    t_s: float
    read: LineRead
    frame_image: np.ndarray  # the BGR frame, kept only while it is the track's best
    still: float = 0.0
    in_block: bool = False

    @property
    def plate(self) -> str:
        return self.read.reading.plate


@dataclass
class PlateTrack:
    """Reads believed to be one plate on one vehicle during one pass."""

    sightings: list[Sighting] = field(default_factory=list)
    best: Sighting | None = None
    last_seen: float = 0.0  # video time the plate was last known to be in view

    @property
    def last(self) -> Sighting:
        return self.sightings[-1]

    @property
    def best_text(self) -> str:
        return self.best.plate if self.best is not None else ""

    def merge(self, other: "PlateTrack") -> None:
        """Take another track's reads (the same plate, seen again after a gap)."""
        best = self.best if self.best is not None and (
            other.best is None or self.best.read.score >= other.best.read.score) else other.best
        self.sightings = sorted(self.sightings + other.sightings, key=lambda s: s.frame)
        self.last_seen = max(self.last_seen, other.last_seen)
        self.best = best
        for s in self.sightings:
            if s is not best:
                s.frame_image = None  # type: ignore[assignment]

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
        """The pass's plate by consensus: (plate, raw text of its best read, confidence).

        Reads of each length are voted per character, weighted by confidence: the
        probability rows are summed and the format rules settle look-alikes once more on
        the summed evidence. Among these candidates (one per length) the plate is the one
        closest to all reads (least confidence-weighted edit distance): a character some
        reads add at one end (a bolt, the plate frame) and that they cannot agree on loses
        to the reads without it, even when the longer reads are the more numerous.
        """
        mass: Counter[int] = Counter()
        for s in self.sightings:
            mass[len(s.plate)] += s.read.reading.confidence
        candidates = [self._vote_length(length) for length in mass]
        sure_by_length = {len(c[0]): c[3] for c in candidates}

        def cost(candidate: tuple[str, float, list[Sighting], np.ndarray]) -> float:
            text, _, _, sure = candidate
            folded = _fold(text)
            total = 0.0
            for s in self.sightings:
                # Look-alikes are the vote's to settle, as in `agreeing`: SG817E is a
                # read of SG8L7E, not a misread of it.
                part = _fold(s.plate)
                d = min(edit_distance(folded, part, 3), 3)
                if d >= 1 and len(part) == len(folded) + 1 and _is_run_of(folded, part):
                    # A read with a character added at an end is the candidate with a bit
                    # of its surroundings read where the reads of its length agree on
                    # every other character but not on that one (the frame's side beside
                    # 5VDA555 read V in some frames, W or M in others).
                    start = part.find(folded)
                    longer = sure_by_length[len(part)]
                    added = np.r_[longer[:start], longer[start + len(folded):]]
                    if longer[start:start + len(folded)].min() >= _SURE_END > added.min():
                        d = UNSURE_END_COST
                elif d >= 1 and (_is_run_of(part, folded) or _is_half_of(part, folded)):
                    # A read that lost characters at an end to glare or a merged glyph
                    # (4KBZ2 of 4KBZ265), or a half beyond the plate's separator (2DA of
                    # 2DA044), is one loss, not one misread per character; and less than
                    # one where the reads that have those characters agree on them (the
                    # candidate's are sure): then they are the plate's.
                    d = 1.0
                    start = folded.find(part) if _is_run_of(part, folded) else _half_start(part, folded)
                    lost = np.r_[sure[:start], sure[start + len(part):]]
                    if lost.size and lost.min() >= _SURE_END:
                        d = LOST_END_COST
                total += s.read.reading.confidence * d
            return total

        text, agree, same, _ = min(candidates, key=lambda c: (cost(c), -mass[len(c[0])]))
        # Confidence of the pass: mean read confidence, times how unanimous the vote was.
        conf = float(np.mean([s.read.reading.confidence for s in same])) * agree
        best = max(same, key=lambda s: s.read.score)
        return text, best.read.reading.ocr_text, conf

    def _vote_length(self, length: int) -> tuple[str, float, list[Sighting], np.ndarray]:
        """The per-character vote of the reads of one length: (text, mean agreement,
        those reads, each position's agreement: the share of the winning character and its
        look-alikes, _alike_share).

        Reads one or two characters shorter that match a stretch of the voted text but
        for one character (FLR236 against 5FL8236) also vote, at their place: they are
        the same plate with an end lost, and their middle characters are evidence too.
        """
        same = [s for s in self.sightings if len(s.plate) == length]
        total = np.zeros((length, len(PLATE_ALPHABET)), np.float64)
        for s in same:
            _add_read(total, s, 0)
        text = "".join(PLATE_ALPHABET[k] for k in total.argmax(axis=1))
        folded = _fold(text)
        for s in self.sightings:
            n = len(s.plate)
            if not (4 <= n < length and length - n <= 2):
                continue
            part = _fold(s.plate)
            misses = [sum(a != b for a, b in zip(part, folded[k:k + n])) for k in range(length - n + 1)]
            if min(misses) <= 1:
                _add_read(total, s, int(np.argmin(misses)))
        total[:, _I] *= I_PRIOR
        text = "".join(PLATE_ALPHABET[k] for k in total.argmax(axis=1))
        dist = total / np.maximum(total.sum(axis=1, keepdims=True), 1e-9)
        text = apply_formats(text, dist.astype(np.float32)).plate
        return with_a_digit(text, dist, _DIGIT_SHARE), float(np.mean(dist.max(axis=1))), same, _alike_share(dist)

    def agreeing(self, plate: str) -> list[Sighting]:
        """Sightings that read `plate`, within one character of it, or a run of it.

        Look-alikes count as the same character (B95I283 agrees with 8951283: the vote
        settles such characters, and a read that differs only in them is evidence for
        the plate, not against it). A run of four or more of its characters (1AMW2 of
        1AMW240) is the same plate read with its end lost to glare or a merged glyph.
        """
        target = _fold(plate)
        out = []
        for s in self.sightings:
            text = _fold(s.plate)
            if edit_distance(text, target, 1) <= 1 or _is_run_of(text, target):
                out.append(s)
        return out


# What a read that is a run of the candidate (it lost characters at an end) costs the
# candidate when the longer reads agree on those characters: under half a misread, as in
# video a glyph merged with the plate frame or blurred away is lost far more often than
# a bolt or a frame corner is added as the same character each time (TWF220 read WF220
# in four frames and in full in three; DL3C2Z's broken Z lost in twelve frames and read
# Z in six, at 0.96-0.99: voted DL3C2 at 0.7, clip 283). Replaying the reads of 33 clips
# at 0.45 changed that pass alone. A frame edge read as M, W or V is no such agreement.
LOST_END_COST = 0.45
_SURE_END = 0.8
# What a read one end character longer costs a candidate when the reads of its length
# agree on all but that character: the candidate's surroundings read (a frame's side
# read V, W or M beside 5VDA555 in 11 of 17 frames).
UNSURE_END_COST = 0.7
_SAME_PLACE_S = 0.6  # three analysed frames at 5 a second

_I = PLATE_ALPHABET.index("I")


def _alike_share(dist: np.ndarray) -> np.ndarray:
    """Each place's share of the evidence for its winning character and its look-alikes.

    Whether the reads agree that a glyph stands at a plate's end is what the lost-end
    and unsure-end costs ask; which look-alike it is, the vote settles. DL3C2Z's broken
    Z, where found (clip 289), was read Z in six frames, 2 in one and 7 in one: 0.77 for
    Z alone, under _SURE_END, so the frames that lost it outvoted those that had it.
    """
    share = np.empty(dist.shape[0])
    for i, k in enumerate(dist.argmax(axis=1)):
        share[i] = dist[i, [PLATE_ALPHABET.index(c) for c in confusables(PLATE_ALPHABET[k]) if c in PLATE_ALPHABET]].sum()
    return share


def _add_read(total: np.ndarray, s: Sighting, at: int) -> None:
    """Add one read's characters to a vote's rows from position `at`, at its confidence."""
    r = s.read.reading
    w = r.confidence
    probs = s.read.char_probs
    for i, c in enumerate(r.plate):
        if probs.shape[0] == len(r.plate):
            # Corrected characters count as the format decided, at the read's weight.
            row = probs[i].astype(np.float64).copy()
            if PLATE_ALPHABET[int(row.argmax())] != c:
                row[:] = 0.0
                row[PLATE_ALPHABET.index(c)] = 1.0
            total[at + i] += w * row
        else:
            total[at + i, PLATE_ALPHABET.index(c)] += w


def _is_run_of(part: str, whole: str) -> bool:
    """Is `part` four or more consecutive characters of `whole` (both already folded)?"""
    return len(part) >= 4 and part in whole


def _is_half_of(part: str, whole: str) -> bool:
    """Is `part` three or more characters that begin or end `whole` (both folded)?

    A plate's halves either side of a separator (a state's emblem, a sticker, a dash)
    are often found as lines of their own, three characters each; anywhere else in a
    plate three characters are too common a run to say anything.
    """
    return 3 <= len(part) < len(whole) and (whole.startswith(part) or whole.endswith(part))


def _half_start(part: str, whole: str) -> int:
    return 0 if whole.startswith(part) else len(whole) - len(part)


def _fold(plate: str) -> str:
    """Each character replaced by the first of its look-alike group (8 and B alike)."""
    return "".join(min(confusables(c)) for c in plate)


def _centre(box: Box) -> tuple[float, float]:
    x, y, w, h = box
    return x + w / 2, y + h / 2


def similar_text(a: str, b: str) -> bool:
    """Same plate read differently: edit distance at most 2 (at most 1 for short reads)."""
    limit = 1 if min(len(a), len(b)) <= 4 else 2
    return edit_distance(a, b, limit) <= limit


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 when it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return min(prev[-1], limit + 1)


class Tracker:
    """Assigns each frame's reads to tracks, one per plate per pass.

    A read joins the open track whose last read is nearby (within a few plate widths,
    scaled by the time since) or whose text is similar, so a plate keeps its track while
    it moves across the frame and while the OCR disagrees with itself on a character.
    A track not seen for `max_gap_s` closes. A closed track is held back for `merge_s`
    more: when the plate was hidden for a moment (a passing truck, a pedestrian, a few
    blurred frames) or jumped across the picture, its reads start a second track, and a
    track of the same text that starts within `merge_s` is the same pass, merged.
    """

    def __init__(self, max_gap_s: float = 1.0, merge_s: float = 3.0) -> None:
        self.max_gap_s = max_gap_s
        self.merge_s = merge_s
        self.open: list[PlateTrack] = []
        self.held: list[tuple[PlateTrack, str]] = []  # closed tracks and their voted text

    def update(self, frame: int, t_s: float, reads: list[FrameRead], image: np.ndarray) -> list[PlateTrack]:
        """Add one analysed frame; returns the passes that ended (merged where they split)."""
        taken: set[int] = set()
        for fr in reads:
            track = self._match(fr.read, t_s, taken)
            if track is None:
                track = PlateTrack()
                self.open.append(track)
            track.add(Sighting(frame, t_s, fr.read, image, fr.still, fr.in_block))
            taken.add(id(track))
        closed = [tr for tr in self.open if t_s - tr.last_seen > self.max_gap_s]
        self.open = [tr for tr in self.open if tr not in closed]
        for tr in closed:
            self._hold(tr)
        return self._release(t_s)

    def keep_alive(self, t_s: float) -> None:
        """A frame skipped as unchanged still shows the same plates: do not age them."""
        for tr in self.open:
            tr.last_seen = max(tr.last_seen, t_s)

    def unfinished(self) -> list[PlateTrack]:
        """Tracks still open, or closed but held for a merge: passes not yet released."""
        return self.open + [tr for tr, _ in self.held]

    def close_all(self) -> list[PlateTrack]:
        """End of the video: every track, held or open, merged where they split."""
        for tr in self.open:
            self._hold(tr)
        self.open = []
        done = [tr for tr, _ in self.held]
        self.held = []
        return done

    def _hold(self, track: PlateTrack) -> None:
        text = track.vote()[0]
        for i, (other, other_text) in enumerate(self.held):
            if _same_pass(other, other_text, track, text, self.merge_s):
                other.merge(track)
                self.held.pop(i)
                self._hold(other)  # the merged track may now match another held one
                return
        self.held.append((track, text))

    def _release(self, t_s: float) -> list[PlateTrack]:
        """Held tracks that no track open or to come can still be merged into."""
        done, kept = [], []
        for tr, text in self.held:
            waiting = t_s - tr.last_seen <= self.merge_s or any(
                o.sightings[0].t_s - tr.last_seen <= self.merge_s
                and (similar_text(o.best_text, text) or _same_plate_text(o.best_text, text) or _read_in(o, text))
                for o in self.open)
            (kept if waiting else done).append((tr, text))
        self.held = kept
        return [tr for tr, _ in done]

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
            # Other text at the same place joins only straight after the last read: seconds
            # later (the track kept alive through unchanged frames of empty road) it is the
            # next vehicle's plate where the last one was.
            if not (near and (same or (dist < 0.5 and dt <= _SAME_PLACE_S))):
                continue
            cost = dist - (1.0 if same else 0.0)
            if cost < best_cost:
                best, best_cost = tr, cost
        return best


def _same_pass(a: PlateTrack, a_text: str, b: PlateTrack, b_text: str, merge_s: float) -> bool:
    """Two tracks of one plate, close in time: the same text (one character apart at
    most), one a run of four or more of the other's characters (X039 of VLX039: part
    of the plate taken for a line of its own, or read while the rest was in glare), or
    one's plate read exactly in the other (`_read_in`)."""
    gap = max(b.sightings[0].t_s - a.last_seen, a.sightings[0].t_s - b.last_seen)
    return gap <= merge_s and (_same_plate_text(a_text, b_text) or _read_in(b, a_text) or _read_in(a, b_text))


def _read_in(track: PlateTrack, text: str) -> bool:
    """Is `text`, five characters or more, one of the track's reads exactly?

    A small, blurred plate is read in pieces: TNP222 read whole in one frame of a pass
    and as TNP2, TP22 or ITNP24 in the others, so the pass split where a frame or two read
    nothing, and the second part, voted on its pieces, came to TPP2. A whole read of the
    first part's plate in the second is the same plate: the pass is one, and the first
    part waits for the second while it is open.
    """
    return len(text) >= _READ_IN_MIN and any(s.plate == text for s in track.sightings)


_READ_IN_MIN = 5


def _same_plate_text(a: str, b: str) -> bool:
    """One plate's text twice: one character apart at most, or a run of the other."""
    if min(len(a), len(b)) < 4:
        return False
    short, long = sorted((_fold(a), _fold(b)), key=len)
    if len(short) < len(long) and _is_run_of(short, long):
        return True
    limit = 0 if min(len(a), len(b)) <= 4 else 1
    return edit_distance(a, b, limit) <= limit


# A pass is only reported with a digit in it (`accept_track`: letters alone are a word far
# more often than a vanity plate). A vote that has none, where a digit won this share of
# the reads' evidence at one place, is a plate whose digit half its frames read as the
# letter like it: SH0R7X voted SH0RZX, 7 in seven of sixteen frames, was not reported.
_DIGIT_SHARE = 0.3


# The vote's confidence a pass needs to be reported (accept_track's default floor). A
# blurred plate read right in most frames, a look-alike or two in the rest, votes about
# 0.68 (8951283 read exactly in 6 of 8 frames at 0.72-0.85 each). Over 36 clips of
# 225-266 the passes voted 0.65-0.70 were four such plates and no misread; the two wrong
# passes under the floor voted 0.62 and 0.64.
MIN_PASS_CONFIDENCE = 0.65


def accept_track(track: PlateTrack, min_sightings: int = 3, min_conf: float = MIN_PASS_CONFIDENCE,
                 max_still: float = 0.3, min_agreeing: float = 0.5, min_plateness: float = 0.75) -> bool:
    """Enough evidence that a track is one plate's pass, read right.

    Texture and distant text give short, low-confidence, flickering reads; one pass of a
    real plate gives many agreeing ones (a car crossing the picture in 0.6 s is still
    analysed three times at 5 frames a second): at least `min_sightings` reads within a
    character of the voted plate, carrying `min_agreeing` of the track's confidence. A
    track whose reads disagree is a misread however confident each read was.

    Text that is not a plate: reads whose edges mostly held still while the picture
    changed are burnt-in text (a clock whose seconds tick); reads mostly in a stack of
    same-size lines are lettering on a truck or a sign; reads with no digit are words;
    reads whose surroundings mostly do not look like a plate's (plateness.py: a fleet
    number on a door, a sticker, a frame's dealer number) are other text. On the
    generated clips a real plate's pass has a median plate probability of 0.9 or more,
    a fleet number's 0.4-0.7.
    """
    plate, raw, conf = track.vote()
    if not is_plate_text(plate, raw) or len(plate) < 4:
        return False
    # Letters only: a word on a sign, a truck or a dealer frame far more often than one
    # of the few vanity plates without a digit (those are still read on photos).
    if not has_digit(plate):
        return False
    if float(np.median([s.still for s in track.sightings])) >= max_still:
        return False
    if np.mean([s.in_block for s in track.sightings]) >= 0.5:
        return False
    if median_plateness(track) < min_plateness:
        return False
    # Four characters is a legal plate but also a common fragment of other text (a
    # dealer frame, a sticker): ask for more agreeing reads.
    needed = min_sightings if len(plate) >= 5 else 2 * min_sightings
    agreeing = track.agreeing(plate)
    total = sum(s.read.reading.confidence for s in track.sightings)
    agreeing_mass = sum(s.read.reading.confidence for s in agreeing)
    return len(agreeing) >= needed and agreeing_mass >= min_agreeing * total and conf >= min_conf


# Lettering on a plate's vehicle (a fleet number on the hood, a phone number on the
# tailgate) is read beside the plate, frame after frame, within about a vehicle's width.
_VEHICLE_WIDTH_GH = 30.0  # plate glyph heights: a plate is ~5.5 wide, a vehicle ~5.5 plates
_CLEAR_PLATE = 0.95
_UNCLEAR_PLATE = 0.9


def lettering_beside_plate(track: PlateTrack, others: list[PlateTrack]) -> bool:
    """Is this pass other text on the vehicle of a plate read beside it at the same time?

    A fleet number can look as much like a plate to the plate-likeness prior as a plate
    in a dealer frame does (FedEx's 205014 at 0.75-0.86 on the generated clips, 5FLR236
    at 0.83), so no floor on that prior alone tells them apart. Seen beside a clear plate
    (0.95 or more) in most of its frames and within a vehicle's width of it, a pass that
    is not clearly a plate is that vehicle's lettering. Two plates side by side in
    traffic stand farther apart than that.
    """
    own = median_plateness(track)
    if own >= _UNCLEAR_PLATE:
        return False
    by_frame = {s.frame: s for s in track.sightings}
    for other in others:
        if other is track or median_plateness(other) < _CLEAR_PLATE:
            continue
        shared = [(by_frame[s.frame], s) for s in other.sightings if s.frame in by_frame]
        if len(shared) < 0.5 * len(track.sightings):
            continue
        apart = [np.hypot(*np.subtract(_centre(mine.read.reading.box), _centre(plate.read.reading.box)))
                 / plate.read.glyph_h for mine, plate in shared]
        if float(np.median(apart)) <= _VEHICLE_WIDTH_GH:
            return True
    return False


def median_plateness(track: PlateTrack) -> float:
    return float(np.median([s.read.plateness for s in track.sightings]))
