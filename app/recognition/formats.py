"""Is this text a plate, and which characters can a plate format settle?

US states issue serials in a handful of letter/digit layouts (CA `1ABC234`, NY/PA/TX
`ABC1234`, many states `ABC123` or `123ABC`). When a read fits exactly one layout once
look-alike characters (O/0, B/8, S/5, ...) are allowed to swap, the layout decides those
characters. When it fits several layouts, or none, the read is left as the OCR saw it:
vanity plates are legal and a wrong "correction" is worse than an honest misread.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from app.domain.plates import confusables, normalise_plate

from .ocr import PLATE_ALPHABET

# L = letter, D = digit. Common passenger serial layouts; vanity plates fit none.
SERIAL_FORMATS: tuple[str, ...] = (
    "DLLLDDD",  # CA
    "LLLDDDD",  # NY, PA, TX, GA, NC, VA, WA, OH, MI, AZ, ...
    "LLLDDD",   # many states' older series
    "DDDLLL",
    "LLDDDD",
    "DDDDLL",
    "DLLDDD",
    "LLDLLD",   # FL-style mixed series
    "LLDLDL",   # MO (AB1 C2D): 25 of the 274 training plates, the commonest layout not listed before
    "DDDLLLL",
    "LLDDDDD",
    "DDDDDDD",  # all-digit series (7 of the 274 training plates)
)

# The letter I is rare on US plates (25 of the 2,835 characters of the photos' ground
# truth, against 165 ones), and the recogniser, trained on serials drawn evenly from
# the alphabet, reads a soft 1 as I about as readily as a 1. Over a pass's summed
# evidence (track.py), or two glyphs drawn alike (same_glyphs.py), an I must outweigh
# the 1 by this much more (91A4ZA read 9IA4ZA frame after frame, the I at 0.6 against
# 0.3); an I read clearly in most frames stays an I.
I_PRIOR = 0.3

_MIN_SWAP_PROB = 0.01
# One look-alike changed is a correction; two are a guess: UH1N2A (Missouri's LLDLDL,
# before that layout was listed) fits the FL-style LLDLLD as UH1NZ4, which blind clip 186
# reported for one of the plate's two tracks.
_MAX_SWAPS = 1

# Words that sit on plates and frames but are never the plate number. Compared after
# normalisation, so 'New York' is 'NEWYORK'.
_NOT_PLATES = frozenset(normalise_plate(w) for w in (
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida "
    "Georgia Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland "
    "Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada "
    "Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia Washington "
    "Wisconsin Wyoming Jersey Hampshire Carolina Dakota Mexico York Island "
    "State Sunshine Empire Garden Aloha Famous Potatoes Scenic Vacationland Ocean "
    "Dealer Motors Auto Sales Ford Toyota Honda Nissan Chevrolet Chevy Dodge Lexus "
    "Kia Hyundai Buick Jeep Subaru Mazda Acura Volvo Audi BMW Tundra Camry Accord "
    "Civic Altima Maxima Sentra Corolla Explorer Denali Hybrid Limited Sport "
    "Exit Only Stop Notice Parking Private Visit Www Com Live Free Die "
    "Land Lincoln Grand Canyon Great Lakes Pure Michigan Wild Wonderful First Nation "
    "Treasure Lone Star Peach Golden Natural Sportsmans Paradise Heart Dixie Lakes "
    "Evergreen Beehive Keystone Centennial Sooner Volunteer Bluegrass Hoosier "
    "Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec"
).split()) | {"NEWYORK", "NEWJERSEY", "NEWMEXICO", "NEWHAMPSHIRE", "RHODEISLAND",
              "WESTVIRGINIA", "NORTHCAROLINA", "SOUTHCAROLINA", "NORTHDAKOTA",
              "SOUTHDAKOTA", "DISTRICTOFCOLUMBIA", "EMPIRESTATE", "SUNSHINESTATE",
              "LIVEFREEORDIE", "OCEANSTATE", "GARDENSTATE", "FAMOUSPOTATOES"}

# Long words also show up inside a read with a neighbour's letter ('EXIT ONLY' as AONLY).
_LONG_WORDS = tuple(w for w in _NOT_PLATES if len(w) >= 5 or w in {"ONLY", "EXIT", "STOP", "FREE"})

# Dealer frames and vans print web addresses and phone numbers.
_WEB = re.compile(r"www|[.,]\s*(com|net|org)\b", re.IGNORECASE)

# An on-screen clock or date: 12:34, 12:34:56, 2024-06-01, 06/01/24, 08.42.14. A single
# dash between digits is not enough: plates print 'ABC-1234' and '123-456'.
_CLOCK = re.compile(r"\d{1,2}\s*:\s*\d{2}|\d\s*\.\s*\d{2}|\d{1,4}\s*[./\-]\s*\d{1,2}\s*[./\-]\s*\d{1,4}"
                    r"|(19|20)\d\d\W{0,2}[01]\d\W{0,2}[0-3]\d"  # a date whose dashes were lost
                    r"|^\W*\d+\s*[':.,]\s*\d+"  # digit groups split by marks plates do not print
                    r"|^\W*\d{1,2}\s+\d{1,2}\s+\d{1,2}\W*$")  # 06 01 14: a clock read without colons


# For a general reader's text (OcrEngine.read_marks): a clock with its colon, a date with
# both separators, a US phone number (376-8750, (208) 376-8750), a + or * between digits.
# Not a lone comma, dot or dash between digit groups: that reader takes a plate's emblem
# for a comma or a dot, and Rhode Island prints 723-579. Two dots between pairs of digits
# (06.36.41) are a clock's colons or a date's dots, not an emblem: plates carry one at most.
_MARKS = re.compile(r"\d{1,2}\s*:\s*\d{2}|\d{1,4}\s*[/\-]\s*\d{1,2}\s*[/\-]\s*\d{1,4}"
                    r"|\d{2,4}\s*[/\-]\s*\d{1,2}\s*[/\-]\W*$"  # a date the line's end cut: 14-06-
                    r"|^\W*(\(?\d{3}\)?\W{0,2})?\d{3}\s*-\s*\d{4}\W*$"
                    r"|\d\s*[+*]\s*\d"  # a small dash (a phone number's) read as + or *
                    r"|\d{1,2}\s*\.\s*\d{2}\s*\.\s*\d{2}"  # a clock or date dotted twice: 06.36.41
                    r"|\d{2}\s*[.:]\s*\d{2}\s*:\W*$")  # a clock the line's end cut after its minutes: 08.24:


_DAY_AND_TIME = re.compile(r"\d{2}([01]\d|2[0-3])[0-5]\d[0-5]\d")


def is_marked_text(raw_text: str) -> bool:
    """Does punctuation show the text is a clock, a date, a web address or a phone number?"""
    return bool(_MARKS.search(raw_text) or _WEB.search(raw_text))


@dataclass(frozen=True)
class PlateText:
    plate: str  # final text
    corrected: bool  # a format changed at least one character
    layout: str | None  # the serial format it fits, if any


def is_plate_text(plate: str, raw_text: str = "") -> bool:
    """Could `plate` (normalised) be a US plate number, given the raw OCR text?"""
    if not 2 <= len(plate) <= 8:
        return False
    lettered = plate.replace("0", "O")
    if plate in _NOT_PLATES or any(w in lettered for w in _LONG_WORDS):
        return False
    # Six or more letters inside such a word are a piece of it (ISCONSIN: the W of
    # WISCONSIN lost to the plate's corner), not a vanity plate; five could be one (CAROL).
    if len(lettered) >= 6 and lettered.isalpha() and any(lettered in w for w in _LONG_WORDS):
        return False
    if raw_text and (_CLOCK.search(raw_text) or _WEB.search(raw_text)):
        return False
    # Eight digits ending in a time of day are a date and a clock whose marks the plate
    # reader dropped (a scene photo's own stamp, 6-17 08:42:14, read 17084214). Serials
    # have seven digits at most; some temporary tags have eight, rarely such a time.
    if _DAY_AND_TIME.fullmatch(plate):
        return False
    # Running lower-case text is a slogan or a dealer's name; plates are upper case.
    lower = sum(c.islower() for c in raw_text)
    if lower >= 3 and lower > len(plate) / 2:
        return False
    return True


def layout_of(plate: str) -> str:
    return "".join("L" if c.isalpha() else "D" for c in plate)


def apply_formats(plate: str, char_probs: np.ndarray | None = None) -> PlateText:
    """Correct look-alike characters when exactly one serial format can explain the read.

    With `char_probs` (one row per character over PLATE_ALPHABET) the replacement for a
    character is the most probable one of the class the format needs; without it, the
    look-alike of that class (O -> 0, 8 -> B, ...).
    """
    exact = layout_of(plate)
    if exact in SERIAL_FORMATS:
        return PlateText(plate, False, exact)
    fits = [f for f in SERIAL_FORMATS if len(f) == len(plate) and _fits(plate, f)]
    if len(fits) != 1:
        return PlateText(plate, False, None)
    layout = fits[0]
    out = []
    swaps = 0
    for i, (c, need) in enumerate(zip(plate, layout)):
        if (need == "L") == c.isalpha():
            out.append(c)
            continue
        probs = None if char_probs is None or i >= len(char_probs) else char_probs[i]
        new = _swap(c, need, probs)
        # The OCR must have seen the replacement as possible: a layout is only a prior,
        # and a vanity or out-of-state plate fits none of ours.
        if probs is not None and probs[PLATE_ALPHABET.index(new)] < _MIN_SWAP_PROB:
            return PlateText(plate, False, None)
        out.append(new)
        swaps += 1
    # More changes than that mean the read, not the layout, is probably right.
    if swaps > _MAX_SWAPS:
        return PlateText(plate, False, None)
    return PlateText("".join(out), True, layout)


# Beyond the look-alikes a witness confuses (app.domain.plates), the recogniser reads a
# plate's 7 as Z: SH0R7X and FD7U4U with a Z in half their frames.
_READ_ALIKES = {"Z": frozenset("7"), "7": frozenset("Z")}


def _look_alikes(c: str) -> frozenset[str]:
    return confusables(c) | _READ_ALIKES.get(c, frozenset())


def _fits(plate: str, layout: str) -> bool:
    for c, need in zip(plate, layout):
        if (need == "L") == c.isalpha():
            continue
        if not any((need == "L") == o.isalpha() for o in _look_alikes(c) if o != c):
            return False
    return True


def _swap(c: str, need: str, probs: np.ndarray | None) -> str:
    options = [o for o in _look_alikes(c) if o != c and (need == "L") == o.isalpha()]
    if probs is not None and len(options) > 1:
        return max(options, key=lambda o: probs[PLATE_ALPHABET.index(o)])
    # Prefer the canonical look-alike: O for 0 and 0 for O, not Q or D.
    preferred = {"0": "O", "O": "0", "1": "I", "I": "1"}
    return preferred.get(c, options[0]) if preferred.get(c) in options else sorted(options)[0]


# Not 0: between letters it is taken for an O (`word_zeros`) and is no digit there.
_DIGITS = np.array([c.isdigit() and c != "0" for c in PLATE_ALPHABET])


def with_a_digit(text: str, probs: np.ndarray, share: float) -> str:
    """The text, or where it has no digit, the digit that holds `share` of one letter's place.

    `probs` has a row per character (a read's posteriors or a pass's vote). Serials carry
    digits and a plate's digit read as the letter like it (7 as Z) still holds much of its
    place's evidence, where a vanity plate's letters leave a digit almost none.
    """
    if not text or len(text) != len(probs) or has_digit(text):
        return text
    letters = np.array([c.isalpha() for c in text])[:, None]
    digits = np.where(_DIGITS & letters, probs, 0.0)
    at, k = np.unravel_index(int(digits.argmax()), digits.shape)
    if digits[at, k] < share:
        return text
    return text[:at] + PLATE_ALPHABET[k] + text[at + 1:]


def has_digit(plate: str) -> bool:
    """Is there a digit in it, a 0 between letters (an O) not counted?"""
    return any(c.isdigit() for c in word_zeros(plate))


def word_zeros(plate: str) -> str:
    """A 0 whose neighbours are letters reads as O: 'M0VING' is a word, 'ABC000' is not."""
    out = []
    for i, c in enumerate(plate):
        near = [n for n in plate[max(0, i - 1): i] + plate[i + 1: i + 2] if n != "0"]
        out.append("O" if c == "0" and near and all(n.isalpha() for n in near) else c)
    return "".join(out)
