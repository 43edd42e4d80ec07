"""extract_files end to end: photos and a generated video, progress and cancel."""
import hashlib
import threading
import time
from datetime import datetime, timezone

import cv2
import numpy as np
import pytest
from PIL import Image

from app.jobs import CancelToken, Cancelled, Progress
from app.recognition import ExtractedRead, extract_files, recording_start


def _decodes(data: bytes) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert img is not None
    return img


def test_photos_give_reads_with_evidence(engine, scenes_dir, tmp_path):
    src = scenes_dir / "car13.jpg"
    # A copy with EXIF time, to check the absolute time comes from the photo itself.
    photo = tmp_path / "car13.jpg"
    img = Image.open(src)
    exif = Image.Exif()
    exif[0x0132] = "2024:05:06 07:08:09"
    img.save(photo, exif=exif, quality=95)
    seen: list[Progress] = []
    reads = extract_files([tmp_path], engine, seen.append, CancelToken())
    assert [r.plate for r in reads][:1] == ["EMR7094"]
    r = reads[0]
    assert isinstance(r, ExtractedRead)
    assert r.file == str(photo) and r.frame == 0 and r.t_video_s == 0.0
    assert r.file_sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert r.ocr_text and 0 < r.confidence <= 1
    assert _decodes(r.crop_png).shape[:2] == (r.box[3], r.box[2])
    assert _decodes(r.frame_jpeg).shape[:2] == img.size[::-1]
    assert r.captured_at() == datetime(2024, 5, 6, 7, 8, 9)
    assert recording_start(src) is None  # its EXIF says 1980: a camera clock never set
    assert seen[-1].done == seen[-1].total == 1


def test_an_iphone_heic_photo_is_read_with_its_own_time(engine, scenes_dir, tmp_path):
    import pillow_heif

    pillow_heif.register_heif_opener()
    photo = tmp_path / "IMG_0412.HEIC"  # as an iPhone names it
    exif = Image.Exif()
    exif[0x0132] = "2024:05:06 07:08:09"
    Image.open(scenes_dir / "car13.jpg").save(photo, exif=exif, quality=90)
    [read] = extract_files([tmp_path], engine)
    assert (read.file, read.plate) == (str(photo), "EMR7094")
    assert read.captured_at() == datetime(2024, 5, 6, 7, 8, 9)
    assert _decodes(read.frame_jpeg).shape[:2] == (Image.open(photo).height, Image.open(photo).width)


@pytest.mark.parametrize("name, plates", [
    ("wts-lg-000010.jpg", ["HH9G5W", "WH3T6N"]),  # a second car's plate up the street is reported
    ("wts-lg-000047.jpg", ["CLT0108"]),  # not the photo's own date and time in its corner
    ("wts-lg-000162.jpg", ["CN2X798"]),  # not "24 HR VIDEO SURVEILLANCE THIS AREA"
    ("5b562a61-34ad-4f00-9164-d34abb7a38e4.jpg", ["91A4ZA"]),  # not the truck's fleet number 205014
    ("wts-lg-000053.jpg", ["TNP222"]),  # not its clock cut after the minutes (…05-10 08:24:)
    ("ca350.png", ["6MBV006"]),  # not the number on the plate's own sticker (R20121)
])
def test_a_photo_reports_its_plates_and_not_the_other_text_in_it(engine, scenes_dir, crops_dir, tmp_path,
                                                                  name, plates):
    folder = crops_dir if name.endswith(".png") else scenes_dir
    (tmp_path / name).write_bytes((folder / name).read_bytes())
    assert [r.plate for r in extract_files([tmp_path / name], engine)] == plates


def test_a_speed_bumps_marks_are_not_reported_for_a_plate_hard_to_read(engine, scenes_dir, tmp_path):
    # 3127K, small, beside a wheelchair symbol and a stacked DP, is read at best in part;
    # the speed bump's painted marks under the car (N969) are no plate either way.
    (tmp_path / "wts-lg-000143.jpg").write_bytes((scenes_dir / "wts-lg-000143.jpg").read_bytes())
    plates = [r.plate for r in extract_files([tmp_path / "wts-lg-000143.jpg"], engine)]
    assert "N969" not in plates and len(plates) <= 1


def test_video_reads_each_vehicle_once(engine, bench_video):
    path, truth = bench_video
    t0 = time.monotonic()
    reads = extract_files([path], engine)
    elapsed = time.monotonic() - t0
    plates = [r.plate for r in reads]
    expected = [p["plate"] for p in truth["passes"]]
    assert sorted(plates) == sorted(expected), plates  # every pass, once; no clock, no overlay
    start = datetime.fromisoformat(truth["start"])
    for r in reads:
        p = next(p for p in truth["passes"] if p["plate"] == r.plate)
        assert p["first_frame"] <= r.frame <= p["last_frame"]
        assert r.t_video_s == pytest.approx(r.frame / truth["fps"], abs=1e-3)
        assert r.recorded_start == start  # from the MP4 header the generator wrote
        assert r.captured_at() == start + (r.captured_at() - start)
        assert abs((r.captured_at() - start).total_seconds() - r.t_video_s) < 1e-6
        assert r.frames_seen >= 3
        _decodes(r.crop_png)
    duration = truth["frames"] / truth["fps"]
    print(f"video: {duration:.1f} s in {elapsed:.1f} s ({duration / elapsed:.2f}x real time)")


def test_cancel_stops_within_a_second(engine, bench_video):
    path, _ = bench_video
    token = CancelToken()
    cancelled_at: list[float] = []

    def progress(p: Progress) -> None:
        if p.done > 30 and not cancelled_at:
            cancelled_at.append(time.monotonic())
            threading.Timer(0.0, token.cancel).start()

    with pytest.raises(Cancelled):
        extract_files([path], engine, progress, token)
    assert time.monotonic() - cancelled_at[0] < 1.0
    # The thread that searched frames ahead stopped too, before the video was let go.
    assert not [t for t in threading.enumerate() if t.name == "line-search"]


def test_cancel_before_start(engine, scenes_dir):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        extract_files([scenes_dir / "car13.jpg"], engine, cancel=token)


def test_recording_start_of_generated_video(bench_video):
    path, truth = bench_video
    assert recording_start(path) == datetime.fromisoformat(truth["start"]).astimezone(timezone.utc)
