"""Real EasyOCR on real photos with known plates: crops of plates and whole scenes."""
import csv

import cv2
import numpy as np
import pytest

from app.recognition import detect, read_image
from app.recognition.detect import find_text_lines, in_text_block

# A handful of plates from different states that the pipeline reads exactly today, all
# from the validation split (tools/plate_data.py), so the shipped recogniser never saw
# them: an emblem between the halves (KY), a map and a dash (NY), a Texas silhouette.
CROP_PLATES = {"ca359.png": "6DZG261", "ky476.png": "778JCC", "ny1110.png": "CHT9032",
               "tx299.png": "CK3H547", "va1190.png": "WM2048"}
# The last two are small, dim plates a window sized for bigger glyphs did not separate.
SCENE_PLATES = {"car7.jpg": "10DTM", "wts-lg-000136.jpg": "CYZ5139", "wts-lg-000176.jpg": "BTZ7148",
                "wts-lg-000042.jpg": "SK5K9V", "wts-lg-000067.jpg": "8951283"}


def test_ground_truth_matches_the_chosen_crops(crops_dir):
    rows = {r["file"]: r["plate"] for r in csv.DictReader(open(crops_dir / "groundtruth.csv"))}
    assert all(rows[f] == p for f, p in CROP_PLATES.items())


@pytest.mark.parametrize("name, plate", sorted(CROP_PLATES.items()))
def test_reads_plate_crops(engine, crops_dir, name, plate):
    reads = read_image(cv2.imread(str(crops_dir / name)), engine)
    assert reads and reads[0].plate == plate
    assert 0.5 < reads[0].confidence <= 1.0


@pytest.mark.parametrize("name, plate", sorted(SCENE_PLATES.items()))
def test_reads_plates_in_whole_scenes(engine, scenes_dir, name, plate):
    image = cv2.imread(str(scenes_dir / name))
    reads = read_image(image, engine)
    assert reads and reads[0].plate == plate
    # The box is on the annotated plate.
    gx, gy, gw, gh = map(int, (scenes_dir / name).with_suffix(".txt").read_text().split("\t")[1:5])
    x, y, w, h = reads[0].box
    assert gx - gw / 2 < x + w / 2 < gx + 1.5 * gw and gy - gh / 2 < y + h / 2 < gy + 1.5 * gh


def test_on_screen_timestamp_is_not_reported(engine, scenes_dir):
    # These scenes carry a burnt-in "2014-06-..." date and time in their top-left corner.
    for name in ("21d8c31d-3deb-494b-9c63-c0223306fd82.jpg", "wts-lg-000129.jpg"):
        for r in read_image(cv2.imread(str(scenes_dir / name)), engine):
            assert "2014" not in r.plate and "0617" not in r.plate, r


def test_plate_frame_beside_the_number_is_not_taken_for_glyphs(scenes_dir):
    # A Texas plate in a dark frame: the frame's sides, cut to the glyph band, look like
    # two more glyphs at each end; the line is the seven characters, not eleven or none.
    gray = cv2.imread(str(scenes_dir / "wts-lg-000191.jpg"), cv2.IMREAD_GRAYSCALE)
    number = [l for l in find_text_lines(gray) if 470 < l.y + l.h / 2 < 510 and l.glyph_h > 20]
    assert number and number[0].glyphs == 7
    assert 755 < number[0].x < 770 and 885 < number[0].x + number[0].w < 895


def test_first_character_merged_with_the_plate_art_is_kept(engine, crops_dir):
    # Maine: the pine cone touches the first character, so the line finder misses it and
    # the masked read is MYSTRZ; the plain read sees the 0 as surely as the rest.
    # (A training-split photo: this checks the choice between reads, not the recogniser.)
    reads = read_image(cv2.imread(str(crops_dir / "me20.png")), engine)
    assert reads and reads[0].plate == "0MYSTRZ"


@pytest.mark.parametrize("name, plate", [("ky1217.png", "BBG50B"), ("ms456.png", "HNP739"),
                                         ("ne280.png", "0JW695")])
def test_glyphs_joined_by_thin_plate_art_are_read(engine, crops_dir, name, plate):
    # Kentucky's state outline runs between the halves and touches the G and the 5, a
    # magnolia's petals touch HNP and 739, Nebraska's border touches the 0: the blobs were
    # no glyphs, and the county name under the number (KENTON, MADISON) was read instead.
    reads = read_image(cv2.imread(str(crops_dir / name)), engine)
    assert reads and reads[0].plate == plate


@pytest.mark.parametrize("name, plate", [("mn110.png", "7364"), ("nm1423.png", "LLL333"),
                                         ("wy1514.png", "1321")])
def test_symbol_at_the_end_of_the_number_is_not_a_character(engine, crops_dir, name, plate):
    # Minnesota's wheelchair symbol, masked, reads as an E before 7364; the plain read
    # leaves it out. New Mexico's LLL333 is the exception: a doubled letter the plain
    # read merges into one. Wyoming's county 1, cut from the bronco beside it, reads 11
    # masked: the plain 1321 already has a character for each of the four glyphs.
    reads = read_image(cv2.imread(str(crops_dir / name)), engine)
    assert reads and reads[0].plate == plate


def test_stacked_code_beside_the_number_is_not_a_character(engine, crops_dir):
    # Mississippi prints a county code, WT, stacked after G026; taken as one glyph it
    # read as a Y (G026Y), or as an M when masked. Two halves with a clear row between
    # them are not one plate character: the line ends before them.
    gray = cv2.imread(str(crops_dir / "ms1342.png"), cv2.IMREAD_GRAYSCALE)
    number = [l for l in find_text_lines(gray) if l.glyphs == 4 and l.glyph_h > 60]
    assert number and all(l.x + l.w <= 277 for l in number)  # the stacked pair starts at x=277
    reads = read_image(cv2.imread(str(crops_dir / "ms1342.png")), engine)
    assert reads and reads[0].plate == "G026"


def test_a_serials_digit_read_as_the_letter_like_it_is_the_digit(engine, scenes_dir):
    # SH0R7X's 7 reads as a Z, which leaves no digit; the Z's place still holds a 7 at
    # about 0.3 where a vanity plate's letters leave a digit almost nothing.
    reads = read_image(cv2.imread(str(scenes_dir / "wts-lg-000100.jpg")), engine)
    assert reads and reads[0].plate == "SH0R7X"


@pytest.mark.parametrize("name, plate", [("co74.png", "411SJW"), ("fl512.png", "CUST0M")])
def test_a_condensed_w_or_m_is_not_read_as_h_or_v(engine, crops_dir, name, plate):
    # Squeezed to the recogniser's height, Colorado's narrow W reads as H (0.92) and
    # Florida's M, against the crop's edge, as V (0.68); widened by half they read right.
    reads = read_image(cv2.imread(str(crops_dir / name)), engine)
    assert reads and reads[0].plate == plate


@pytest.mark.parametrize("name, plate", [("il608.png", "FAMILY"), ("fl512.png", "CUST0"),
                                         ("in1658.png", "N0G0DS"), ("dc1096.png", "DCV0TE")])
def test_vanity_plates_keep_their_letters(engine, crops_dir, name, plate):
    reads = read_image(cv2.imread(str(crops_dir / name)), engine)
    assert reads and reads[0].plate.startswith(plate) and not any(c in reads[0].plate for c in "123456789")


def test_character_after_an_emblem_gap_is_kept(engine, scenes_dir):
    # SG8 L7E: masked, the L after the emblem's gap is lost (SG87E); the plain read has
    # one character per glyph the line finder chained.
    reads = read_image(cv2.imread(str(scenes_dir / "wts-lg-000027.jpg")), engine)
    assert reads and reads[0].plate == "SG8L7E"


def test_small_plate_beyond_a_lawn_is_read(engine, scenes_dir):
    # The grass in front chains into dozens of big, ragged "lines" that filled the
    # lines read per image; the plate, 14 px glyphs standing evenly, was never read.
    reads = read_image(cv2.imread(str(scenes_dir / "21d8c31d-3deb-494b-9c63-c0223306fd82.jpg")), engine)
    assert reads and reads[0].plate == "2DA044"


def test_plate_wins_over_a_bigger_fleet_number(engine, scenes_dir):
    # A FedEx truck: "205014" on the door is bigger and as clearly read as the tilted
    # plate 91A4ZA on the bumper; only the plate has a plate around it.
    reads = read_image(cv2.imread(str(scenes_dir / "5b562a61-34ad-4f00-9164-d34abb7a38e4.jpg")), engine)
    assert reads and reads[0].plate == "91A4ZA"
    assert "205014" in [r.plate for r in reads[1:]]


def test_plate_wins_over_bigger_shapes_in_a_gate(engine, scenes_dir):
    # A car behind a steel gate: the gate's bars and diagonals chain into big "glyphs"
    # (read J00A0); the plate, smaller, is the line with edges above and below it.
    reads = read_image(cv2.imread(str(scenes_dir / "wts-lg-000064.jpg")), engine)
    assert reads and reads[0].plate == "UH1N2A"


def test_phone_number_under_a_company_name_is_lettering(scenes_dir):
    # A pickup's tailgate: "STOR-IT" and, a glyph height and a bit below, "376-8750" in
    # letters of the same size; the plate under them is the only line of its size.
    gray = cv2.imread(str(scenes_dir / "car3.jpg"), cv2.IMREAD_GRAYSCALE)
    lines = find_text_lines(gray)
    phone = [l for l in lines if 400 < l.y + l.h / 2 < 440 and 180 < l.x < 200]
    plate = [l for l in lines if 550 < l.y + l.h / 2 < 585 and 360 < l.x < 410]
    assert phone and in_text_block(phone[0], lines)
    assert plate and not in_text_block(plate[0], lines)


def test_phone_number_on_a_tailgate_is_not_reported(engine, scenes_dir):
    # The plate recogniser reads "376-8750" as 376875O, a plausible serial; the stock
    # reader, asked once per line, still sees its dash and the phone number's layout.
    reads = read_image(cv2.imread(str(scenes_dir / "car3.jpg")), engine)
    assert reads and all("37687" not in r.plate for r in reads)


def test_grey_bumper_beside_the_plate_is_not_a_glyph(engine, scenes_dir):
    # Left of car3's bright plate a stretch of dark bumper binarises like a glyph and
    # chained to the number read as an L: L1AMW240. Its box holds neither the number's
    # ink nor the plate's white: it is dropped, and the line starts where it ended.
    gray = cv2.imread(str(scenes_dir / "car3.jpg"), cv2.IMREAD_GRAYSCALE)
    plate = [l for l in find_text_lines(gray) if 550 < l.y + l.h / 2 < 585 and 360 < l.x < 410]
    assert plate and plate[0].x >= 395  # the plate box's left edge
    reads = read_image(cv2.imread(str(scenes_dir / "car3.jpg")), engine)
    assert reads and reads[0].plate == "1AMW240"


@pytest.mark.parametrize("name, plate", [("wts-lg-000133.jpg", "5L0D951"), ("wts-lg-000150.jpg", "6WHS906")])
def test_number_touching_a_dark_dealer_frame_is_found(engine, scenes_dir, name, plate):
    # Californian plates in black dealer frames ("Stevens Creek Toyota", "Boardwalk"):
    # the glyphs' feet and heads touch the frame, so glyphs, frame and car were one blob
    # and no line was found at all. The plate's light rectangle inside the frame finds
    # them. (Training-split scenes: this checks the line finder, not the recogniser.)
    gray = cv2.imread(str(scenes_dir / name), cv2.IMREAD_GRAYSCALE)
    gx, gy, gw, gh = map(int, (scenes_dir / name).with_suffix(".txt").read_text().split("\t")[1:5])
    inside = [l for l in find_text_lines(gray)[:12]
              if gx <= l.x + l.w / 2 <= gx + gw and gy <= l.y + l.h / 2 <= gy + gh]
    assert inside and inside[0].w > 0.75 * gw
    reads = read_image(cv2.imread(str(scenes_dir / name)), engine)
    assert reads and reads[0].plate == plate


def test_number_found_in_two_parts_is_read_whole(engine, scenes_dir):
    # HK0E7C in a dark frame: H, K and 0 stand free and chain as a line, while 0E7C
    # touch the frame and are only found from the plate's light rectangle. Each part
    # alone read as a fragment (E7CJ); the two parts continue each other and are one line.
    name = "3850ba91-3c64-4c64-acba-0c46b61ec0da.jpg"
    reads = read_image(cv2.imread(str(scenes_dir / name)), engine)
    assert reads and reads[0].plate == "HK0E7C"


@pytest.mark.parametrize("name, plate", [("va445.png", "1279AX"), ("id1163.png", "693ABA")])
def test_glyphs_standing_on_a_band_complete_the_number(engine, crops_dir, name, plate):
    # The first glyphs of 1279AX and the last A of 693ABA stand on the band of the
    # plate's lower picture (Alexandria's strip, Idaho's mountains) and are one blob
    # with it: the chain alone read 279AX and 693AB. Without the band's horizontal run
    # they are glyphs again and complete the line.
    reads = read_image(cv2.imread(str(crops_dir / name)), engine)
    assert reads and reads[0].plate == plate


def test_glyph_touching_the_frame_side_in_a_soft_frame_is_read(engine, scenes_dir):
    # 5FLR236 in a dealer frame, a little enlarged and softened as a video frame is: the
    # 5 touches the frame's left side and the F the 5, so the glyph chain holds only
    # LR236 and read FLR236. The plate's light rectangle holds all seven glyphs; that
    # line extends the chain at one end and is read beside it.
    image = cv2.imread(str(scenes_dir / "wts-lg-000170.jpg"))
    frame = cv2.GaussianBlur(cv2.resize(image, None, fx=1.05, fy=1.05, interpolation=cv2.INTER_AREA), (3, 3), 0)
    reads = read_image(frame, engine)
    assert reads and reads[0].plate == "5FLR236"


def test_dark_car_past_the_plate_end_is_not_taken_for_a_glyph(engine, scenes_dir):
    # Missouri's PH5M9Y on a dark car at night: the car just past each end of the plate
    # binarises as one more, wider, all-ink "glyph"; masked, those blocks stayed beside
    # the number and the recogniser read the Y as a V.
    reads = read_image(cv2.imread(str(scenes_dir / "wts-lg-000181.jpg")), engine)
    assert reads and reads[0].plate == "PH5M9Y"


def test_glyphs_touching_in_compression_are_cut_apart(engine, scenes_dir):
    # California's 6PGM335, its characters set close, saved as a video encoder leaves a
    # frame: blocks of the compression bridge neighbouring glyphs by a pixel or two, so
    # the chain held five glyphs and read PGM335. Cut at those bridges, all seven stand.
    image = cv2.imread(str(scenes_dir / "wts-lg-000130.jpg"))
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 40])
    reads = read_image(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), engine)
    assert reads and reads[0].plate == "6PGM335"


def _zoomed(image: np.ndarray, box: tuple[int, int, int, int], scale: float) -> np.ndarray:
    """A 720p frame of the scene magnified around the plate's box, as a camera sees it closer."""
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    m = np.float32([[scale, 0, 640 - scale * cx], [0, scale, 360 - scale * cy]])
    return cv2.warpAffine(image, m, (1280, 720), borderMode=cv2.BORDER_REFLECT)


def test_frame_edge_past_a_gap_adds_no_character(engine, scenes_dir):
    # New Jersey's 10 DTM with a small 59 after it, seen closer (1.3x, as a zoomed video
    # frame): the chain of glyphs takes in the plate frame's edge a glyph height past the
    # M, and the line read whole adds a 9 from the small print in that gap.
    frame = _zoomed(cv2.imread(str(scenes_dir / "car7.jpg")), (546, 323, 194, 97), 1.3)
    reads = read_image(frame, engine)
    assert reads and reads[0].plate == "10DTM"


def test_number_touching_a_coloured_banner_is_found_on_the_brightest_channel(engine, scenes_dir):
    # The truck's 1A MW240 under the red IT AIN'T EASY banner, seen closer (1.8x, as a zoomed
    # video frame): in grey the banner is as dark as the glyphs whose tops touch it, and
    # glyphs and banner are one blob; in each pixel's brightest channel the red is light.
    frame = _zoomed(cv2.imread(str(scenes_dir / "car3.jpg")), (395, 535, 121, 60), 1.8)
    reads = read_image(frame, engine)
    assert reads and reads[0].plate == "1AMW240"
    # The same picture without its colours: the number is not found at all.
    grey = cv2.cvtColor(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    assert "1AMW240" not in [r.plate for r in read_image(grey, engine)]


def _ink_box(gray: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(gray < 128)
    return np.array([xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1])


def test_single_glyphs_and_grille_cells_are_not_stacked_pairs():
    # Every plate character is one piece from top to bottom; a grille's bright cell split
    # by its bar has two solid halves, not two characters' strokes.
    from PIL import Image, ImageDraw, ImageFont

    face = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"
    font, small = ImageFont.truetype(face, 60), ImageFont.truetype(face, 34)
    for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        img = Image.new("L", (60, 80), 230)
        ImageDraw.Draw(img).text((8, 4), ch, fill=20, font=font)
        gray = np.asarray(img)
        assert not detect._stacked(gray, _ink_box(gray), dark=True), ch
    pair = Image.new("L", (60, 90), 230)
    ImageDraw.Draw(pair).text((12, 2), "W", fill=20, font=small)
    ImageDraw.Draw(pair).text((16, 44), "T", fill=20, font=small)
    gray = np.asarray(pair)
    assert detect._stacked(gray, _ink_box(gray), dark=True)
    cell = np.full((30, 24), 40, np.uint8)
    cell[2:13, 2:22] = 220
    cell[17:28, 2:22] = 220  # the bar between rows 13 and 17
    assert not detect._stacked(cell, np.array([2, 2, 20, 26]), dark=False)
    # A box the image's edge cuts (a glyph at a frame's foot) is judged on what is left.
    assert not detect._stacked(cell, np.array([2, 20, 20, 40]), dark=False)
