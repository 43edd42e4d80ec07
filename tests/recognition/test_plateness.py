"""The learned plate/not-plate prior on real scenes (validation split: it never saw them)."""
import cv2

from app.recognition.detect import find_text_lines
from app.recognition.plateness import plate_probability

FEDEX = "5b562a61-34ad-4f00-9164-d34abb7a38e4.jpg"


def _lines_near(gray, x, y):
    return [l for l in find_text_lines(gray) if abs(l.x + l.w / 2 - x) < 40 and abs(l.y + l.h / 2 - y) < 20]


def test_a_plate_scores_above_a_fleet_number_on_a_door(scenes_dir):
    gray = cv2.imread(str(scenes_dir / FEDEX), cv2.IMREAD_GRAYSCALE)
    plate = _lines_near(gray, 551, 319)  # 91A4ZA on the bumper
    fleet = _lines_near(gray, 230, 161)  # 205014 on the door
    assert plate and fleet
    assert plate_probability(gray, plate[0]) > 0.8
    assert plate_probability(gray, fleet[0]) < 0.5


def test_plates_near_the_picture_border_are_judged_too(scenes_dir):
    # The surroundings run past the picture: they are stretched, not an error.
    gray = cv2.imread(str(scenes_dir / FEDEX), cv2.IMREAD_GRAYSCALE)
    line = _lines_near(gray, 551, 319)[0]
    cut = gray[:, line.x - 5:]
    shifted = [l for l in find_text_lines(cut) if abs(l.y - line.y) < 5 and l.x < 10]
    assert shifted and 0.0 <= plate_probability(cut, shifted[0]) <= 1.0
