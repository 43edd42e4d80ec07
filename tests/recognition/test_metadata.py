"""What a file says about itself: where it was recorded (GPS), as phones write it."""
from __future__ import annotations

import struct

import pytest
from PIL import Image

from app.recognition.metadata import recording_place
from tests.recognition.mp4_boxes import box, rewrite
from tests.ui.extraction.fakes import write_video

GLENDORA = (34.1365, -117.8653)


def _photo(path, gps: dict | None):
    exif = Image.Exif()
    exif[0x0132] = "2026:05:06 07:08:09"
    if gps is not None:
        exif.get_ifd(0x8825).update(gps)
    Image.new("RGB", (64, 48), "white").save(path, exif=exif)
    return path


def test_a_phone_photo_says_where_it_was_taken(tmp_path):
    # 34° 8' 11.4" N, 117° 51' 55.08" W, as a phone's camera writes degrees, minutes, seconds.
    photo = _photo(tmp_path / "IMG_0412.jpg", {1: "N", 2: (34.0, 8.0, 11.4), 3: "W", 4: (117.0, 51.0, 55.08)})
    lat, lon = recording_place(photo)
    assert (lat, lon) == pytest.approx(GLENDORA, abs=1e-6)
    south = _photo(tmp_path / "south.jpg", {1: "S", 2: (33.0, 52.0, 0.0), 3: "E", 4: (151.0, 12.0, 36.0)})
    assert recording_place(south) == pytest.approx((-33.8667, 151.21), abs=1e-4)  # Sydney


@pytest.mark.parametrize("gps", [None, {1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)}])
def test_no_place_when_the_photo_has_no_fix(tmp_path, gps):
    assert recording_place(_photo(tmp_path / "p.jpg", gps)) is None


def _with_user_data(path, text: str):
    """An Android phone's MP4: the position in the movie's user data (©xyz)."""
    payload = struct.pack(">HH", len(text), 0x15C7) + text.encode()

    def edit(kind, data):
        return data + box(b"udta", box(b"\xa9xyz", payload)) if kind == b"moov" else data
    return rewrite(path, edit)


def _with_quicktime_keys(path, text: str):
    """An iPhone's MOV: the position among the movie's metadata keys, by number in `ilst`."""
    keys = [b"com.apple.quicktime.make", b"com.apple.quicktime.location.ISO6709"]
    keys_box = box(b"keys", struct.pack(">II", 0, len(keys))
                   + b"".join(struct.pack(">I", len(k) + 8) + b"mdta" + k for k in keys))
    values = [b"Apple", text.encode()]
    ilst = box(b"ilst", b"".join(box(struct.pack(">I", n), box(b"data", struct.pack(">II", 1, 0) + v))
                                 for n, v in enumerate(values, start=1)))
    hdlr = box(b"hdlr", bytes(8) + b"mdta" + bytes(12) + b"\0")

    def edit(kind, data):
        return data + box(b"meta", hdlr + keys_box + ilst) if kind == b"moov" else data
    return rewrite(path, edit)


def test_a_phone_video_says_where_it_was_recorded(tmp_path):
    android = _with_user_data(write_video(tmp_path / "VID_0001.mp4", frames=3), "+34.1365-117.8653/")
    assert recording_place(android) == pytest.approx(GLENDORA)
    iphone = _with_quicktime_keys(write_video(tmp_path / "IMG_0413.mov", frames=3), "+34.1365-117.8653+245.000/")
    assert recording_place(iphone) == pytest.approx(GLENDORA)
    assert recording_place(write_video(tmp_path / "dashcam.mp4", frames=3)) is None
