"""Plate reads on one image: localise text lines, read them, keep what looks like a plate."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import cv2
import numpy as np

from app.domain.plates import normalise_plate

from .detect import FAINT_OFFSET, TextLine, crop_line, find_text_lines, plate_edges, shares_area
from .formats import SERIAL_FORMATS, apply_formats, is_marked_text, is_plate_text, layout_of, with_a_digit
from .ocr import LineReading, OcrEngine
from .plateness import plate_probability
from .reads import Box, PlateReading
from .same_glyphs import settled_alike

# Lines read per image at most, in find_text_lines's order: a frame rarely holds more plates,
# and every extra line costs ~5 ms of recogniser time on this CPU.
MAX_LINES = 12
_CHUNK = 8  # crops per OCR call between cancel checks
# Lines the brightest channel adds at most (value_of): they are where the grey search
# found nothing, a plate among coloured art or the odd dark patch.
_VALUE_LINES = 4
_FAINT_LINES = 2


@dataclass(frozen=True)
class LineRead:
    """A plate read with what tracking and voting need beyond PlateReading."""

    reading: PlateReading
    char_probs: np.ndarray  # rows per character of reading.plate (before correction)
    glyph_h: float
    score: float  # plate-likeness used to rank reads of one image
    dark_on_light: bool = True
    line_box: Box = (0, 0, 0, 0)  # the glyph row itself (reading.box is the plate around it)
    crop: np.ndarray | None = None  # the line as read (unmasked), for a second reader
    plateness: float = 1.0  # plateness.plate_probability of the line's surroundings (1: not judged)


def line_source(line: TextLine, gray: np.ndarray, value: np.ndarray | None) -> np.ndarray:
    """The image a line was found on: the brightest channel (colour_free_lines) or grey."""
    return value if line.on_value and value is not None else gray


def read_lines(gray: np.ndarray, engine: OcrEngine, lines: list[TextLine],
               check: Callable[[], None] | None = None, value: np.ndarray | None = None,
               plateness: list[float] | None = None) -> list[LineRead]:
    """Read each line twice (emblems masked and plain) and keep the more plate-like read.

    `check` (a cancel check) runs between groups of lines: on a busy CPU one frame's
    lines can take longer than the second a cancel may wait. Lines found on the image's
    brightest channel (colour_free_lines) are read on `value`, the others on `gray`.
    `plateness` is each line's plate_probability where the caller has it already.
    """
    if not lines:
        return []
    sources = [line_source(line, gray, value) for line in lines]
    crops = []
    for line, image in zip(lines, sources):
        crops.append(crop_line(image, line, masked=True))
        crops.append(crop_line(image, line, masked=False))
    readings = []
    for i in range(0, len(crops), _CHUNK):
        if check is not None:
            check()
        readings.extend(engine.read_lines(crops[i:i + _CHUNK]))
    tallest = max(l.glyph_h for l in lines)
    chosen: list[_Choice] = []
    for i, line in enumerate(lines):
        masked, plain = (_settled(r, line, sources[i]) for r in readings[2 * i: 2 * i + 2])
        read_on = {id(masked): crops[2 * i], id(plain): crops[2 * i + 1]}  # each read's own crop
        edges = plate_edges(sources[i], line)
        surroundings = plateness[i] if plateness is not None else plate_probability(sources[i], line)
        # Where the reads differ by one character, these say which one is the plate.
        if _adds_past_apart_end(masked, plain, line):
            plain = masked
        elif (_adds_end_glyph(masked, plain) or _adds_end_symbol(masked, plain, line.glyphs)
                or _fits_glyph_count(masked, plain, line.glyphs)
                or _adds_inner_glyph(masked, plain)):
            masked = plain
        reads = [(_line_read(r, line, tallest, edges, surroundings, crops[2 * i + 1]), r, read_on[id(r)])
                 for r in (masked, plain)]
        best, reading, crop = max(reads, key=lambda t: t[0].score if t[0] else -1.0)
        if best is not None:
            chosen.append(_Choice(best, reading, crop, line, edges, surroundings))
    out = _widened(chosen, engine, tallest)
    return _drop_overlapping(sorted(out, key=lambda lr: -lr.score))


@dataclass(frozen=True, eq=False)
class _Choice:
    """A line's chosen read, with what it was made from (to read it again)."""

    read: LineRead
    reading: LineReading  # the engine's read the LineRead was made of
    crop: np.ndarray  # the crop (masked or plain) that reading was made on
    line: TextLine
    edges: float
    plateness: float


def _widened(chosen: list[_Choice], engine: OcrEngine, tallest: float) -> list[LineRead]:
    """The reads, with a narrow-looking H or V read again on the line widened by half.

    Many states print condensed glyphs, and squeezed to the recogniser's height a
    condensed W or M is read as H or V (411SJW read 411SJH at 0.92, CUST0M read CUST0V
    at 0.68), and a condensed Y as V, surely (PH5M9Y read PH5M9V at 0.98-1.0 in half the
    frames of a pass, clip 291). Widened, the same line shows them as the letters they
    are. An H or V the first read doubted is replaced by W or M, and any V by Y, read
    surely on the wider line.
    """
    out = [c.read for c in chosen]
    doubtful = [k for k, c in enumerate(chosen) if _narrowed_at(c.reading)]
    if not doubtful:
        return out
    wide = engine.read_lines([cv2.resize(c.crop, (round(c.crop.shape[1] * _WIDEN), c.crop.shape[0]),
                                         interpolation=cv2.INTER_CUBIC) for c in (chosen[k] for k in doubtful)])
    for k, w in zip(doubtful, wide):
        c = chosen[k]
        r = c.reading
        if len(w.text) != len(r.text):
            continue
        text, probs = list(r.text), r.char_probs.copy()
        for i in _narrowed_at(r):
            squeezed = "WM" if float(r.char_probs[i].max()) < _DOUBT else ""
            if r.text[i] == "V":
                squeezed += "Y"
            if w.text[i] in squeezed and float(w.char_probs[i].max()) >= _SURE_WIDE:
                text[i], probs[i] = w.text[i], w.char_probs[i]
        if "".join(text) != r.text:
            widened = replace(r, text="".join(text), raw_text=_respelt(r.raw_text, "".join(text)), char_probs=probs)
            again = _line_read(widened, c.line, tallest, c.edges, c.plateness, c.read.crop)
            if again is not None:
                out[k] = again
    return out


def _settled(r: LineReading, line: TextLine, image: np.ndarray) -> LineReading:
    """The read with its O/0 and I/1 glyphs that are drawn alike read alike (same_glyphs)."""
    text, probs = settled_alike(r.text, r.char_probs, line.members, image)
    return r if text == r.text else replace(r, text=text, raw_text=_respelt(r.raw_text, text), char_probs=probs)


def _narrowed_at(r: LineReading) -> list[int]:
    if r.char_probs.shape[0] != len(r.text):
        return []
    return [i for i, c in enumerate(r.text) if c == "V" or (c == "H" and float(r.char_probs[i].max()) < _DOUBT)]


def _respelt(raw: str, text: str) -> str:
    """The raw read with its plate characters replaced, in order, by `text`'s."""
    letters = iter(text)
    out = [next(letters, c) if normalise_plate(c) else c for c in raw]
    return "".join(out) if normalise_plate("".join(out)) == text else text


# H and V are what a condensed W or M looks like, V what a condensed Y does; widened by
# half, the recogniser sees them. Below _DOUBT the first read was not sure; at
# _SURE_WIDE the widened one is.
_WIDEN = 1.5
_DOUBT = 0.95
_SURE_WIDE = 0.9


def _adds_end_glyph(masked: LineReading, plain: LineReading) -> bool:
    """Does the plain read hold one more, confidently read, character at an end?

    Masking paints out whatever the line finder did not take for a glyph, and a first or
    last character merged with a bolt, a sticker or the plate's art is such a thing: the
    masked read then lacks it. Emblems sit between the halves of a number, not at its
    ends, so one extra end character read as surely as the rest is the plate's own.
    """
    m, p = masked.text, plain.text
    if len(m) < 4 or plain.confidence < 0.85 * masked.confidence:
        return False
    ends = [i for i in _extra_at(p, m) if i in (0, len(p) - 1)]
    if not ends:
        return False
    extra = ends[0]
    if float(plain.char_probs[extra].max()) < 0.8:
        return False
    # A masked read in a serial layout that the extra character would break is a whole
    # plate already (5VDA555, not 5VDA555V with the frame's corner read as a V).
    return not (layout_of(m) in SERIAL_FORMATS and layout_of(p) not in SERIAL_FORMATS)


def _adds_past_apart_end(masked: LineReading, plain: LineReading, line: TextLine) -> bool:
    """Does the plain read add an end character on the side where the chain's end member
    stands about a glyph height or more apart from the rest?

    Such a member is no character of the number but the plate frame's edge (New Jersey's
    10 DTM, the small 59 after it, then the frame): the chain takes it in, and the plain
    read, seeing the whole line, reads what lies in the gap (10DTM9); masked, the gap
    is painted out and the read is the number. A first or last glyph that the chain
    lost to a bolt or the frame lies beside the end member, not past a gap.
    """
    ends = [i for i in _extra_at(plain.text, masked.text) if i in (0, len(plain.text) - 1)]
    members = line.members  # left to right, as the chain built them
    if not ends or len(members) < 3:
        return False
    first, second = (members[0], members[1]) if ends[0] == 0 else (members[-2], members[-1])
    return second[0] - (first[0] + first[2]) >= _APART * line.glyph_h


# Glyphs of a number stand a fraction of a glyph height apart; an end member this many
# glyph heights from its neighbour is something else in the chain's reach.
_APART = 0.9


def _adds_end_symbol(masked: LineReading, plain: LineReading, glyphs: int) -> bool:
    """Does the masked read hold one more end character than a plain read at least as sure?

    A symbol at the end of a number (a wheelchair, a county number behind a bison) is
    kept as a glyph by the line finder; masked, cut from its surroundings, it reads as a
    character (E7364), where the plain read, seeing it whole, leaves it out. A doubled
    letter is the exception: a plain read can merge LL into one L, the masked one not;
    unless the plain read already holds one character for each glyph the line finder
    counted (Wyoming's county 1 before the bronco, masked, read 11321 for 1 321).
    """
    m, p = masked.text, plain.text
    if len(p) < 4 or plain.confidence < masked.confidence - 0.01:
        return False
    extra = _extra_at(m, p)
    if 0 in extra:
        return m[0] != m[1] or len(p) == glyphs
    return len(m) - 1 in extra and (m[-1] != m[-2] or len(p) == glyphs)


def _fits_glyph_count(masked: LineReading, plain: LineReading, glyphs: int) -> bool:
    """Does the plain read hold one glyph for each the line finder found, the masked one less?

    The line finder counts the glyphs it chained; a read with one character per glyph
    and only one more than the masked read (SG8 L7E read SG87E masked: the L after the
    emblem's gap lost) is the fuller one, when read about as surely.
    """
    m, p = masked.text, plain.text
    if len(p) != glyphs or plain.confidence < 0.85 * masked.confidence:
        return False
    return bool(_extra_at(p, m))


def _adds_inner_glyph(masked: LineReading, plain: LineReading) -> bool:
    """Does the plain read hold one more inner character, read surely, that is no emblem?

    Masked, a glyph that nearly touches its neighbour can vanish into it (the L of
    SG8 L7E under the 7's stroke, frame after frame of a video pass). The plain read's
    usual extra inner characters are an emblem or a bolt read as 1, I, J, H or T: those
    are what masking is for, and they do not count.
    """
    m, p = masked.text, plain.text
    if len(m) < 4 or plain.confidence < 0.85 * masked.confidence:
        return False
    inner = [i for i in _extra_at(p, m) if 0 < i < len(p) - 1]
    if not inner:
        return False
    i = inner[0]
    return p[i] not in _EMBLEM_READS and float(plain.char_probs[i].max()) >= 0.8


_EMBLEM_READS = "1IJHT"


def _extra_at(longer: str, shorter: str) -> list[int]:
    """Positions of `longer` whose character removed leaves `shorter` (one more character)."""
    if len(longer) != len(shorter) + 1:
        return []
    return [i for i in range(len(longer)) if longer[:i] + longer[i + 1:] == shorter]


def _line_read(r: LineReading, line: TextLine, tallest: float, edges: float, plateness: float,
               crop: np.ndarray) -> LineRead | None:
    text = normalise_plate(r.text)
    if not is_plate_text(text, r.raw_text):
        return None
    text = with_a_digit(text, r.char_probs, _READ_DIGIT_SHARE)
    fixed = apply_formats(text, r.char_probs)
    # Plates hold 5-8 characters almost always; shorter reads are usually fragments.
    length = {2: 0.3, 3: 0.5, 4: 0.75}.get(len(text), 1.0)
    layout = 1.15 if fixed.layout else 1.0
    # On a plate the number has the tallest glyphs; state names and slogans are smaller.
    size = (line.glyph_h / tallest) ** 0.5
    # Serials carry digits; a line of letters only is more often a county, a state or a
    # slogan than a vanity plate. A prior only: a lone all-letter line is still reported.
    letters_only = 0.7 if text.isalpha() else 1.0
    # Text framed by a plate's top and bottom edges is likelier the plate than text on
    # open bodywork (a fleet number); a weak prior, as a plate's edges can be lost in glare.
    framed = 0.6 + 0.4 * edges
    # What surrounds the text, as the learned prior judges it (plateness.py): a fleet
    # number on a door has glyphs as good as a plate's, but no plate around them.
    surroundings = 0.6 + 0.4 * plateness
    score = r.confidence * length * layout * size * letters_only * framed * surroundings
    reading = PlateReading(
        plate=fixed.plate, ocr_text=r.raw_text, confidence=round(r.confidence, 4),
        box=plate_box(line), layout=fixed.layout, corrected=fixed.corrected,
    )
    return LineRead(reading, r.char_probs, line.glyph_h, score, line.dark_on_light, line.box, crop,
                    plateness)


# A read with no digit whose letter holds a digit at this posterior is a serial with that
# digit misread (SH0R7X read SH0RZX, the Z's place 0.29 a 7). The photos' vanity plates
# (36 read exactly: FAMILY, N0G0DS, DRIFTER, ...) leave a digit 0.011 of a place at most.
_READ_DIGIT_SHARE = 0.2


def plate_box(line: TextLine) -> Box:
    """The plate around its number: glyph rows are about half a plate's height."""
    gh = line.glyph_h
    return (int(line.x - 0.35 * gh), int(line.y - 0.45 * gh),
            int(line.w + 0.7 * gh), int(line.h + 0.9 * gh))


def _drop_overlapping(reads: list[LineRead]) -> list[LineRead]:
    kept: list[LineRead] = []
    for lr in reads:
        if not any(shares_area(lr.reading.box, k.reading.box, 0.3) for k in kept):
            kept.append(lr)
    return kept


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def value_of(image: np.ndarray) -> np.ndarray | None:
    """Each pixel's brightest channel (HSV's value), or None for a grey image.

    Dark ink is dark in every channel; a plate's coloured band or art is bright in one.
    In grey a red banner is as dark as the number whose glyphs touch it, and glyphs
    and banner are one blob that is no glyph (a truck's 1A MW240 under IT AIN'T EASY); in
    the brightest channel the banner is nearly as light as the plate. Red ink is light
    there too, so this is a second search beside the grey one, not instead of it.
    """
    if image.ndim == 2:
        return None
    return cv2.max(cv2.max(image[:, :, 0], image[:, :, 1]), image[:, :, 2])


@dataclass(frozen=True, eq=False)
class ImageSearch:
    """What the line search finds on one image before anything is read.

    It depends on the image alone, so a video's next frame can be searched on one core
    while the recogniser reads this one's lines on the other (pipeline.searched_frames).
    """

    gray: np.ndarray
    value: np.ndarray | None  # the brightest channel of a colour image (value_of)
    lines: list[TextLine]  # find_text_lines on gray
    value_lines: list[TextLine]  # the quick search on value, not yet weighed against `lines`
    faint: list[TextLine]  # the quick search on gray at FAINT_OFFSET (faint_lines), small window


def search_image(image: np.ndarray) -> ImageSearch:
    gray = to_gray(image)
    value = value_of(image)
    value_lines = find_text_lines(value, quick=True) if value is not None else []
    faint = find_text_lines(gray, quick=True, offset=FAINT_OFFSET, small=True)
    return ImageSearch(gray, value, find_text_lines(gray), value_lines, faint)


def colour_free_lines(value_lines: list[TextLine], found: list[TextLine],
                      limit: int = _VALUE_LINES) -> list[TextLine]:
    """The brightest channel's dark lines where the grey search found no line (or only
    a guess: a number under a red banner is a blob in grey)."""
    return [replace(l, on_value=True) for l in _where_none(value_lines, found)][:limit]


def faint_lines(search: ImageSearch, found: list[TextLine], limit: int = _FAINT_LINES) -> list[TextLine]:
    """Lines of faint glyphs (the quick search at a small offset) where no other search
    found a line: DL3C2Z in shade, glyphs 15 levels darker than the plate, in pieces at
    the usual offset; a smaller offset everywhere merges other plates' glyphs with
    their frames (scenes 95 -> 92 of 107)."""
    return _where_none(search.faint, found)[:limit]


def _where_none(lines: list[TextLine], found: list[TextLine]) -> list[TextLine]:
    return [l for l in lines if not any(shares_area(l.box, f.box, 0.3) for f in found if not f.guessed)]


def read_frame(image: np.ndarray, engine: OcrEngine, max_lines: int = MAX_LINES) -> list[LineRead]:
    """All plate-like reads on one BGR (or grey) image, most plate-like first."""
    search = search_image(image)
    colour = colour_free_lines(search.value_lines, search.lines)
    lines = search.lines[:max_lines] + colour + faint_lines(search, search.lines + colour)
    return unmarked(read_lines(search.gray, engine, lines, value=search.value), engine)


def unmarked(reads: list[LineRead], engine: OcrEngine) -> list[LineRead]:
    """The reads whose line a general reader does not see as a clock, date or phone number."""
    marks = engine.read_marks([lr.crop for lr in reads if lr.crop is not None])
    it = iter(marks)
    return [lr for lr in reads if lr.crop is None or not is_marked_text(next(it))]


def read_image(image: np.ndarray, engine: OcrEngine, max_lines: int = MAX_LINES) -> list[PlateReading]:
    """Plates on one still image (numpy BGR array), most plate-like first.

    The first element is the top-1 answer; further ones are other plates (or less likely
    readings elsewhere in the image). Text that is not a plate is not returned.
    """
    return [lr.reading for lr in read_frame(image, engine, max_lines)]
