"""Plate-text rules: what counts as a plate and which look-alikes a format settles."""
import numpy as np
import pytest

from app.recognition.formats import apply_formats, is_marked_text, is_plate_text
from app.recognition.ocr import PLATE_ALPHABET, decode_ctc


@pytest.mark.parametrize("read, expected", [
    ("7ABC123", "7ABC123"),   # already a CA serial: untouched
    ("7A8C123", "7ABC123"),   # only one layout (DLLLDDD) explains it: 8 -> B
    ("XYW12O4", "XYW1204"),   # only LLLDDDD explains it: the O among digits is a zero
    ("ABC12O4", "ABC12O4"),   # A could be a 4 (DLLLDDD): two layouts fit, so no change
    ("CUSTOM", "CUSTOM"),     # vanity plate fits no serial layout: left alone
    ("8B8123", "8B8123"),     # LLLDDD, LLDDDD and DLLDDD all fit: nothing settled
    ("895I283", "8951283"),   # only the all-digit series explains it: I -> 1
    ("UH1N2A", "UH1N2A"),     # Missouri's LLDLDL as it is (LLDLLD would need two changes)
])
def test_formats_correct_only_when_certain(read, expected):
    assert apply_formats(read).plate == expected


@pytest.mark.parametrize("read, plate", [("FDZU4U", "FD7U4U"), ("SH0RZX", "SH0R7X")])
def test_a_missouri_serials_7_read_as_z_is_settled_by_its_layout(read, plate):
    # AB1 C2D: a letter where the layout needs a digit; the recogniser's runner-up there
    # is the 7 (a witness's look-alike for Z would be 2).
    probs = np.full((6, 36), 0.001, np.float32)
    for i, c in enumerate(read):
        probs[i, PLATE_ALPHABET.index(c)] = 0.9
    probs[read.index("Z"), PLATE_ALPHABET.index("7")] = 0.3
    fixed = apply_formats(read, probs)
    assert (fixed.plate, fixed.layout) == (plate, "LLDLDL")


def test_format_correction_uses_the_runner_up_probability():
    probs = np.full((7, 36), 0.001, np.float32)
    for i, c in enumerate("7A0C123"):
        probs[i, PLATE_ALPHABET.index(c)] = 0.9
    probs[2, PLATE_ALPHABET.index("D")] = 0.08  # OCR's second choice for the 0 is D
    assert apply_formats("7A0C123", probs).plate == "7ADC123"


@pytest.mark.parametrize("plate, raw", [
    ("CALIFORNIA", "California"),
    ("SUNSHINESTATE", "SUNSHINE STATE"),
    ("TEXAS", "TEXAS"),
    ("123456", "12:34:56"),
    ("20260601", "2026-06-01"),
    ("0601", "06' 01"),
    ("17084214", "17 08 42 14"),  # a photo's own date and clock, its marks not read
    ("ABC", "Sunshine"),
    ("ISCONSIN", "ISCONSIN"),  # the state's name with its first letter lost
    ("ENNSYLV", "ENNSYLV"),
])
def test_non_plate_text_is_rejected(plate, raw):
    assert not is_plate_text(plate, raw)


@pytest.mark.parametrize("plate, raw", [("EMR7094", "EMR 7094"), ("2499275", "249 9275"), ("CHT9032", "CHT-9032"),
                                        ("CAROL", "CAROL"),
                                        ("12345678", "12345678")])  # a temporary tag's eight digits
def test_plates_are_accepted(plate, raw):
    assert is_plate_text(plate, raw)


def test_ctc_decoding_folds_lower_case_and_drops_punctuation():
    chars = ["[blank]"] + list("0123456789-ABCabc")
    cols = np.array([-1] + [PLATE_ALPHABET.index(c.upper()) if c.upper() in PLATE_ALPHABET else -1
                            for c in chars[1:]])
    steps = ["a", "a", "[blank]", "-", "1", "[blank]", "b"]
    probs = np.zeros((len(steps), len(chars)), np.float32)
    for t, c in enumerate(steps):
        probs[t, chars.index(c)] = 1.0
    r = decode_ctc(probs, chars, cols)
    assert r.raw_text == "a-1b"
    assert r.text == "A1B"
    assert r.char_probs.shape == (3, 36)
    assert r.confidence == pytest.approx(1.0)


@pytest.mark.parametrize("raw, marked", [
    ("376-8750", True), ("(208) 376-8750", True), ("06:48:31", True), ("2014-05-22", True),
    ("www.stor-it.com", True), ("CHT-9032", False), ("249,9275", False), ("4 . 475", False),
    ("723-579", False), ("7ABC123", False), ("314+84", True), ("21q*842*2300", True),
    # A photo's burnt-in date whose line the line finder cut after the month: 2014-06-17.
    ("114-06-", True), ("14-06-", True), ("123-45", False), ("ABC-12-", False),
    # A source photo's own clock, its colons read as dots; one dot is a plate's emblem.
    ("01 06.36.41", True), ("06.36.41", True), ("12.345", False), ("WY 12.3456", False),
    # A photo's own clock cut after its minutes (…05-10 08:24:37 read from its middle).
    ("5-10 08.24:", True), ("08:24:", True), ("12.34", False), ("AB 12.34", False),
])
def test_a_general_readers_punctuation_marks_clocks_dates_and_phone_numbers(raw, marked):
    # The stock reader takes an emblem between digit groups for a comma or a dot (NH,
    # WY plates): only a colon, both date separators or a phone layout mark the text.
    assert is_marked_text(raw) is marked
