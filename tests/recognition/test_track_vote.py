"""Voting a pass and deciding whether to report it, on reads as the OCR gives them."""
from __future__ import annotations

import numpy as np

from app.recognition.ocr import PLATE_ALPHABET
from app.recognition.reads import PlateReading
from app.recognition.still import LineRead
from app.recognition.track import (FrameRead, PlateTrack, Sighting, Tracker, accept_track,
                                   lettering_beside_plate)


def _one_hot(text: str) -> np.ndarray:
    probs = np.zeros((len(text), len(PLATE_ALPHABET)), np.float32)
    probs[np.arange(len(text)), [PLATE_ALPHABET.index(c) for c in text]] = 1.0
    return probs


def _track(texts: list[str], confidence: float = 0.95, plateness: float = 1.0) -> PlateTrack:
    """One sighting per text, a fifth of a second apart, each read with one-hot evidence."""
    track = PlateTrack()
    for i, text in enumerate(texts):
        probs = _one_hot(text)
        reading = PlateReading(text, text, confidence, (100 + 5 * i, 200, 120, 50))
        read = LineRead(reading, probs, 30.0, confidence, plateness=plateness)
        track.add(Sighting(6 * i, i / 5, read, np.zeros((4, 4, 3), np.uint8)))
    return track


def _frame_read(text: str, box: tuple[int, int, int, int], confidence: float = 0.95) -> FrameRead:
    return FrameRead(LineRead(PlateReading(text, text, confidence, box), _one_hot(text), 30.0, confidence))


def test_an_end_character_the_reads_disagree_on_is_dropped():
    # The plate frame beside the last character, read as M, W, V or nothing: more reads
    # have eight characters than seven, but no eighth character has a majority.
    texts = ["5VDA555M", "5VDA555", "5VDA555W", "5VDA555W", "5VDA555M", "5VDA555",
             "5VDA555V", "5VDA555", "5VDA555", "5VDA555M", "5VDA555W", "5VDA555V"]
    track = _track(texts)
    assert track.vote()[0] == "5VDA555"
    assert accept_track(track)


def test_a_consistent_extra_character_is_kept():
    # The same length argument the other way: when the reads agree on it, it is the plate.
    track = _track(["5VDA555W"] * 8 + ["5VDA555"] * 4)
    assert track.vote()[0] == "5VDA555W"


def test_an_end_character_most_longer_reads_share_but_not_all_is_dropped():
    # The frame's side beside 5VDA555 (clip 273): read V in 8 frames, W or M in 3, and
    # not at all in 6. The longer reads outnumber the shorter, and most say V, but they
    # do not agree on it as on the plate's own characters.
    texts = (["5VDA555"] * 6 + ["5VDA555V"] * 8 + ["5VDA555W"] * 2 + ["5VDA555M"])
    track = _track(texts)
    assert track.vote()[0] == "5VDA555"
    assert accept_track(track)


def test_an_end_glyph_lost_in_most_frames_but_read_alike_in_the_rest_is_kept():
    # DL3C2Z in blind clip 283: its Z, drawn with a thin diagonal, broke into pieces no
    # chain took in 12 of 19 frames; where it was found it was read Z every time but once.
    texts = ["DL3C2"] * 5 + ["DL3C2Z"] * 2 + ["DL3C2"] * 2 + ["DL3C27"] + ["DL3C2Z"] * 4 + ["DL3C2"] * 3
    track = _track(texts)
    assert track.vote()[0] == "DL3C2Z"
    assert accept_track(track)


def test_an_end_glyph_read_as_its_look_alike_in_some_frames_is_still_agreed_on():
    # DL3C2Z in blind clip 289: the frames that found the broken Z read it Z, 2 or 7.
    # Z and 2 are one glyph read two ways, so the longer reads agree a glyph is there.
    texts = (["DL3C2"] * 4 + ["DL3C", "DL3C2Z", "DL3C27", "DL3C"] + ["DL3C2Z"] * 4
             + ["DL3C22", "DLJC2Z"])
    track = _track(texts)
    assert track.vote()[0] == "DL3C2Z"
    assert accept_track(track)


def test_a_half_found_alone_counts_for_the_whole_plate():
    # A Missouri plate's halves either side of its emblem are lines of their own in half
    # the frames (2DA, DA0 and 2DA0 of 2DA044, clip 274): those are the plate's, not
    # evidence for a four-character plate that is a fragment.
    texts = ["2DA0", "2DA044", "2DA", "2DA", "2DA0", "2DA044", "DA0"]
    track = _track(texts)
    assert track.vote()[0] == "2DA044"
    assert accept_track(track)


def test_reads_that_do_not_agree_are_not_a_pass():
    # Four confident reads of whatever was there, no two alike: not evidence of one plate.
    track = _track(["F0704UUA", "4WPUTT", "4WJPUTT", "04UUA"])
    assert not accept_track(track)
    assert accept_track(_track(["FD7U4U", "FD7U4U", "F07U4U", "FD7U4U"]))


def test_a_blurred_plate_read_right_in_most_frames_is_reported():
    # Each read only fairly sure (0.72), and a look-alike at the start or the end in two of
    # eight frames: the vote is about 0.68, and the pass is the plate (8951283, clip 264).
    texts = ["BB51283", "8951283", "895128J", "8951283", "8951283", "8951283", "8951283", "8951283"]
    track = _track(texts, confidence=0.72)
    plate, _, conf = track.vote()
    assert plate == "8951283" and conf < 0.7
    assert accept_track(track)


def test_a_word_with_a_zero_for_its_o_is_not_a_plate():
    assert not accept_track(_track(["M0VING"] * 6))
    assert not accept_track(_track(["0VIDED"] * 6))
    assert accept_track(_track(["ABC000"] * 6))  # zeros among digits: a plate's digits


def test_reads_missing_the_plates_end_still_agree_with_it():
    # A pass where glare ate the last two characters on many frames (as the benchmark
    # clip of 1AMW240 reads): those reads are the plate's start, not another plate.
    texts = ["1AMW2"] * 7 + ["1AMW240"] * 5 + ["1AMW240J"] * 2 + ["IMW240"] * 2
    track = _track(texts)
    assert track.vote()[0] == "1AMW240"
    assert accept_track(track)


def test_reads_that_lost_the_plates_end_do_not_outvote_it():
    # Clip 118: glare hides "65" of 4KBZ265 in about half the frames; each such read is
    # one loss, not two misreads, so the whole plate is the pass's plate.
    texts = ["4KBZ265", "4KBZ2", "4KBZ2", "4XBZ2", "KBZ2", "4XBZ2", "4KBZ2", "4KBZ265",
             "4KBZ2", "4XBZ265", "4KBZ265", "4KBZ265", "4KBZ2"]
    assert _track(texts).vote()[0] == "4KBZ265"


def test_a_first_character_lost_in_most_frames_is_kept():
    # Clip 117: TWF220's T merged with the plate frame in four of seven frames. Each
    # such read lost a character (cheaper than a misread), so the whole plate wins; and
    # a plate read in full in most frames still beats a corner read as an extra glyph.
    assert _track(["WF220"] * 4 + ["TWF220"] * 3).vote()[0] == "TWF220"
    assert _track(["LKBZ265"] * 1 + ["KBZ265"] * 8).vote()[0] == "KBZ265"


def test_reads_that_lost_an_end_vote_on_the_characters_they_kept():
    # Clip 119: PK2V6M's last glyph read N in six full reads and M in four, while six
    # reads that lost the P saw the M too; they vote at their place, and M wins.
    texts = ["PK2V6N"] * 6 + ["K2V6M"] * 6 + ["PK2V6M"] * 4
    assert _track(texts).vote()[0] == "PK2V6M"


def test_a_read_differing_only_in_look_alikes_counts_for_the_plate():
    # Clip 121: SG8L7E's L, after the emblem's gap, is lost in half the frames (SG87E)
    # and read as 1 in some (SG817E). Those are reads of the plate with its L, settled
    # by the vote, not misreads of it: six reads of the L outvote five without it.
    texts = ["SG87E"] * 5 + ["SG8L7E"] * 4 + ["SG817E"] * 2
    assert _track(texts).vote()[0] == "SG8L7E"


def _soft_track(text: str, at: int, rows: list[dict[str, float]]) -> PlateTrack:
    """Reads of `text` whose character at `at` is split between look-alikes as `rows` say."""
    track = PlateTrack()
    for i, row in enumerate(rows):
        probs = _one_hot(text)
        probs[at] = 0.0
        for c, p in row.items():
            probs[at, PLATE_ALPHABET.index(c)] = p
        read_text = text[:at] + max(row, key=row.get) + text[at + 1:]
        reading = PlateReading(read_text, read_text, 0.9, (100 + 5 * i, 200, 120, 50))
        track.add(Sighting(6 * i, i / 5, LineRead(reading, probs, 30.0, 0.9), np.zeros((4, 4, 3), np.uint8)))
    return track


def test_a_soft_one_is_not_voted_an_i():
    # Clip 172: 91A4ZA's 1 read as I in most frames, at 0.6 against 0.35. I is rare on
    # US plates; evidence that split is a 1.
    rows = [{"I": 0.6, "1": 0.35}] * 6 + [{"1": 0.7, "I": 0.25}] * 2
    assert _soft_track("91A4ZA", 1, rows).vote()[0] == "91A4ZA"
    # An I read clearly stays an I.
    assert _soft_track("9IA4ZA", 1, [{"I": 0.95, "1": 0.03}] * 8).vote()[0] == "9IA4ZA"


def test_a_digit_half_the_frames_read_as_a_letter_is_kept_when_the_vote_has_none():
    # Clip 215: SH0R7X read SH0RZX in half of its frames, 7 in the others. Voted SH0RZX
    # it has no digit (its 0 stands between letters, an O) and the pass was not reported.
    rows = [{"Z": 0.9, "7": 0.1}] * 8 + [{"7": 0.9, "Z": 0.1}] * 7
    track = _soft_track("SH0R7X", 4, rows)
    assert track.vote()[0] == "SH0R7X"
    assert accept_track(track)
    # A word stays a word: a digit must have been read at that place.
    assert not accept_track(_soft_track("M0VING", 2, [{"V": 0.9, "Y": 0.1}] * 8))
    # A plate with a digit of its own keeps its letters as voted.
    assert _soft_track("AB1CZD", 4, rows).vote()[0] == "AB1CZD"


def test_a_number_without_a_plate_around_it_is_not_a_pass():
    # A fleet number on a truck's door: read the same in every frame, as surely as a
    # plate, but its surroundings are a door's (median plate probability ~0.5).
    texts = ["205014"] * 12
    assert not accept_track(_track(texts, plateness=0.5))
    assert accept_track(_track(texts, plateness=0.95))


def test_reads_differing_in_look_alikes_agree():
    # The clip of 8951283: many frames read its 8 as B and its 1 as I. Each is a
    # look-alike the vote settles, so they are evidence for the plate, not a split vote.
    texts = ["8951283"] * 5 + ["B95I283"] * 2 + ["895I283"] * 2 + ["B1283"] * 4 + ["BI1283"] * 2
    track = _track(texts)
    assert track.vote()[0] == "8951283"
    assert accept_track(track)


def test_a_run_of_the_plate_read_as_its_own_line_is_the_same_pass():
    # Benchmark clip 104: while VLX039 crossed the picture, its last four characters were
    # also found as a line of their own for a while; one pass, one read, even though the
    # fragment's track ended seconds before the plate's.
    tracker = Tracker()
    passes = []
    for i in range(40):
        reads = [_frame_read("VLX039", (100 + 5 * i, 200, 120, 50))]
        if i < 8:
            reads.append(_frame_read("X039", (700 + 5 * i, 500, 80, 50)))
        passes += tracker.update(6 * i, i / 5, reads, np.zeros((4, 4, 3), np.uint8))
    passes += tracker.close_all()
    accepted = [p.vote()[0] for p in passes if accept_track(p)]
    assert accepted == ["VLX039"]


def test_a_small_plate_read_in_pieces_across_a_gap_is_one_pass():
    # Blind clip 288, as read: TNP222, 100 px wide and blurred, read whole in two frames
    # and in pieces in the rest (its 222 also as a smaller line of its own), nothing for
    # a second between. Then the road stood still, which kept the second part open for
    # seconds after the first was let go. The two parts voted TNP222 and TPP2, and
    # neither had the three agreeing reads a pass needs. (frame: text, confidence, box,
    # glyph height, plateness)
    seen = {1116: ("TNP222", 0.99, (718, 425, 114, 48), 22.5, 0.99),
            1122: ("222", 0.98, (763, 433, 39, 27), 12.0, 0.19),
            1134: ("TNP2", 0.89, (657, 436, 82, 44), 22.0, 0.94),
            1152: ("222", 1.0, (661, 442, 41, 29), 13.0, 0.42),
            1158: ("222", 0.95, (641, 445, 39, 27), 12.0, 0.44),
            1164: ("TP22", 1.0, (554, 442, 96, 47), 22.0, 0.97),
            1176: ("TNP222", 0.91, (513, 445, 117, 49), 23.0, 0.97),
            1182: ("TNP2", 0.84, (493, 452, 86, 44), 22.0, 0.9),
            1188: ("ITNP24", 0.84, (471, 449, 118, 49), 23.0, 0.98),
            1194: ("TNP2", 0.81, (452, 456, 85, 44), 22.0, 0.94),
            1200: ("222", 0.8, (499, 458, 40, 27), 12.0, 0.32)}
    tracker = Tracker()
    passes = []
    for f in range(1110, 1410, 6):
        if 1212 <= f <= 1278 and f != 1266:
            tracker.keep_alive(f / 30)  # frames skipped as unchanged
            continue
        reads = []
        if f in seen:
            text, confidence, box, glyph_h, plateness = seen[f]
            reading = PlateReading(text, text, confidence, box)
            reads = [FrameRead(LineRead(reading, _one_hot(text), glyph_h, confidence, plateness=plateness))]
        passes += tracker.update(f, f / 30, reads, np.zeros((4, 4, 3), np.uint8))
    passes += tracker.close_all()
    assert [p.vote()[0] for p in passes if accept_track(p)] == ["TNP222"]


def test_the_next_vehicle_where_the_last_one_was_is_a_new_pass():
    # Benchmark clip 102: 10DTM leaves, seconds of unchanged empty road keep its track
    # alive, and SG8L7E arrives at the same spot of the picture: two passes, two reads.
    tracker = Tracker()
    frame = np.zeros((4, 4, 3), np.uint8)
    passes = []
    for i in range(15):
        passes += tracker.update(6 * i, i / 5, [_frame_read("10DTM", (400, 300, 120, 50))], frame)
    for t in (3.2, 3.6, 4.0, 4.4):
        tracker.keep_alive(t)
    for i in range(15):
        passes += tracker.update(140 + 6 * i, 4.6 + i / 5, [_frame_read("SG8L7E", (405, 300, 120, 50))], frame)
    passes += tracker.close_all()
    assert [p.vote()[0] for p in passes if accept_track(p)] == ["10DTM", "SG8L7E"]


def _placed_track(text: str, x: int, y: int, plateness: float) -> PlateTrack:
    """Eight sightings of `text` at (x, y), in the same frames as any other such track."""
    track = PlateTrack()
    for i in range(8):
        reading = PlateReading(text, text, 0.95, (x + 5 * i, y, 120, 50))
        read = LineRead(reading, _one_hot(text), 30.0, 0.95, plateness=plateness)
        track.add(Sighting(6 * i, i / 5, read, np.zeros((4, 4, 3), np.uint8)))
    return track


def test_a_fleet_number_beside_a_clear_plate_is_the_vehicles_lettering():
    # Clips 168 and 172: FedEx's 205014 on the hood, ten glyph heights above and beside
    # the truck's plate 91A4ZA, as surely read and looking about as much like a plate as
    # a plate in a dealer frame does.
    plate = _placed_track("91A4ZA", 600, 500, plateness=0.99)
    fleet = _placed_track("205014", 300, 300, plateness=0.8)
    assert accept_track(fleet)
    assert lettering_beside_plate(fleet, [plate, fleet])
    assert not lettering_beside_plate(plate, [plate, fleet])


def test_plates_of_two_vehicles_side_by_side_are_both_passes():
    # A plate in a dealer frame (0.83) in the next lane: farther than a vehicle's width.
    plate = _placed_track("91A4ZA", 100, 500, plateness=0.99)
    framed = _placed_track("5FLR236", 1150, 480, plateness=0.83)
    assert not lettering_beside_plate(framed, [plate, framed])
    # Nor is a number beside text that is not clearly a plate itself.
    unclear = _placed_track("91A4ZA", 600, 500, plateness=0.92)
    assert not lettering_beside_plate(_placed_track("205014", 300, 300, 0.8), [unclear])
