"""Real EasyOCR on real photos with known plates: crops of plates and whole scenes."""
import csv

import cv2
import pytest

from app.recognition import read_image

# A handful of plates from different states that the pipeline reads exactly today, all
# from the validation split (tools/plate_data.py), so the shipped recogniser never saw
# them: an emblem between the halves (KY), a map and a dash (NY), a Texas silhouette.
CROP_PLATES = {"ca359.png": "6DZG261", "ky476.png": "778JCC", "ny1110.png": "CHT9032",
               "tx299.png": "CK3H547", "va1190.png": "WM2048"}
SCENE_PLATES = {"car7.jpg": "10DTM", "wts-lg-000136.jpg": "CYZ5139", "wts-lg-000176.jpg": "BTZ7148"}


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
