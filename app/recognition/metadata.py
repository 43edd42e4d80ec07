"""What a video or photo says about itself: when and where it was recorded.

Read from the file's own metadata (an MP4's header, a photo's EXIF), never from file system
times or guesses: copying a file changes those, and evidence must not carry a guessed time
or place.
"""
from __future__ import annotations

import re
import struct
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .media import is_image, open_picture

_MP4_EPOCH = datetime(1904, 1, 1, tzinfo=timezone.utc)
_MP4_SUFFIXES = frozenset({".mp4", ".m4v", ".mov"})  # the ISO/QuickTime box files whose header is read


def recording_start(path: str | Path) -> datetime | None:
    """When the recording began, from the file itself; None when it does not say.

    Videos: the `mvhd` creation time of MP4/MOV files (UTC by the standard). Photos: EXIF
    DateTimeOriginal (camera local time, returned naive, since EXIF carries no zone
    unless OffsetTimeOriginal is set). File system times are not used: copying a file
    changes them, and evidence must not carry a guessed time.
    """
    path = Path(path)
    try:
        if path.suffix.lower() in _MP4_SUFFIXES:
            return _mp4_creation_time(path)
        if is_image(path):
            return _exif_time(path)
    except (OSError, ValueError, RuntimeError, struct.error):
        return None
    return None


def recording_place(path: str | Path) -> tuple[float, float] | None:
    """Where the recording was made (latitude, longitude), from the file itself; None when
    it does not say.

    Photos: the EXIF GPS position a phone's camera writes. Videos (MP4/MOV): the ISO 6709
    position phones write, in the movie's user data (`©xyz`) or its metadata keys
    (`com.apple.quicktime.location.ISO6709`). A position of 0,0 is a receiver without a fix.
    """
    path = Path(path)
    try:
        if path.suffix.lower() in _MP4_SUFFIXES:
            place = _mp4_location(path)
        elif is_image(path):
            place = _exif_place(path)
        else:
            place = None
    except (OSError, ValueError, RuntimeError, TypeError, ZeroDivisionError, struct.error):
        return None
    if place is None or place == (0.0, 0.0):
        return None
    lat, lon = place
    return place if -90 <= lat <= 90 and -180 <= lon <= 180 else None


_ISO6709 = re.compile(r"^\s*([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)")
_LOCATION_KEY = b"com.apple.quicktime.location.ISO6709"


def _mp4_location(path: Path) -> tuple[float, float] | None:
    with open(path, "rb") as f:
        for sub, soff, ssize in _moov_children(f, path.stat().st_size):
            if sub == b"udta":
                for item, ioff, isize in _children(f, soff, ssize):
                    if item == b"\xa9xyz":  # 2 bytes of length, 2 of language, the text
                        text = _at(f, ioff + 4).read(max(0, isize - 4))
                        if (place := _iso6709(text)) is not None:
                            return place
            elif sub == b"meta":
                if (place := _keyed_location(f, soff, ssize)) is not None:
                    return place
    return None


def _keyed_location(f, off: int, size: int) -> tuple[float, float] | None:
    """The ISO 6709 value of QuickTime's metadata keys (`keys` names them, `ilst` holds them by number)."""
    if _at(f, off).read(4) == b"\0\0\0\0":  # an ISO meta box starts with version and flags
        off, size = off + 4, size - 4
    boxes = {kind: (o, s) for kind, o, s in _children(f, off, size)}
    if b"keys" not in boxes or b"ilst" not in boxes:
        return None
    koff, ksize = boxes[b"keys"]
    data = _at(f, koff).read(ksize)
    count = struct.unpack(">I", data[4:8])[0]
    at, wanted = 8, None
    for number in range(1, count + 1):
        length = struct.unpack(">I", data[at:at + 4])[0]
        if data[at + 8: at + length] == _LOCATION_KEY:
            wanted = number
        at += max(length, 8)
    if wanted is None:
        return None
    loff, lsize = boxes[b"ilst"]
    for kind, ioff, isize in _children(f, loff, lsize):
        if struct.unpack(">I", kind)[0] == wanted:
            for sub, doff, dsize in _children(f, ioff, isize):
                if sub == b"data":  # 4 bytes of type, 4 of locale, the text
                    return _iso6709(_at(f, doff + 8).read(max(0, dsize - 8)))
    return None


def _iso6709(text: bytes) -> tuple[float, float] | None:
    m = _ISO6709.match(text.decode("utf-8", "replace"))
    return (float(m.group(1)), float(m.group(2))) if m else None


def _at(f, offset: int):
    f.seek(offset)
    return f


def _exif_place(path: Path) -> tuple[float, float] | None:
    with open_picture(path) as img:
        gps = img.getexif().get_ifd(0x8825)
    if not gps or 2 not in gps or 4 not in gps:
        return None

    def degrees(value, ref) -> float:
        d, m, s = (float(v) for v in value)
        sign = -1.0 if str(ref).strip("\x00 ").upper() in ("S", "W") else 1.0
        return sign * (d + m / 60.0 + s / 3600.0)

    return degrees(gps[2], gps.get(1, "N")), degrees(gps[4], gps.get(3, "E"))


def _mp4_boxes(f, end: int):
    """Yield (type, payload offset, payload size) for the boxes between here and `end`."""
    while f.tell() + 8 <= end:
        start = f.tell()
        size, kind = struct.unpack(">I4s", f.read(8))
        header = 8
        if size == 1:
            size = struct.unpack(">Q", f.read(8))[0]
            header = 16
        elif size == 0:
            size = end - start
        if size < header:
            return
        yield kind, start + header, size - header
        f.seek(start + size)


def _children(f, off: int, size: int) -> list[tuple[bytes, int, int]]:
    """(type, payload offset, payload size) of the boxes in the payload at `off`, read at once
    (the walk shares the file's position with whatever reads them next)."""
    return list(_mp4_boxes(_at(f, off), off + size))


def _moov_children(f, end: int) -> list[tuple[bytes, int, int]]:
    """The boxes in the movie box; [] without one."""
    for kind, off, size in _mp4_boxes(_at(f, 0), end):
        if kind == b"moov":
            return _children(f, off, size)
    return []


def _mp4_creation_time(path: Path) -> datetime | None:
    with open(path, "rb") as f:
        for sub, soff, _ in _moov_children(f, path.stat().st_size):
            if sub == b"mvhd":
                version = _at(f, soff).read(1)[0]
                f.read(3)
                created = struct.unpack(">Q" if version == 1 else ">I", f.read(8 if version == 1 else 4))[0]
                if created == 0:
                    return None  # writers that do not know the time leave 0 (1904)
                return _MP4_EPOCH + timedelta(seconds=created)
    return None


def set_mp4_creation_time(path: Path, when: datetime) -> bool:
    """Write `when` into an MP4's mvhd box in place (used by the benchmark generator)."""
    seconds = int((when.astimezone(timezone.utc) - _MP4_EPOCH).total_seconds())
    with open(path, "r+b") as f:
        for sub, soff, _ in _moov_children(f, path.stat().st_size):
            if sub == b"mvhd":
                version = _at(f, soff).read(1)[0]
                f.seek(soff + 4)
                f.write(struct.pack(">QQ", seconds, seconds) if version == 1 else struct.pack(">II", seconds, seconds))
                return True
    return False


def _exif_time(path: Path) -> datetime | None:
    with open_picture(path) as img:
        exif = img.getexif()
    sub = exif.get_ifd(0x8769)  # Exif sub-IFD holds DateTimeOriginal
    text = sub.get(0x9003) or exif.get(0x0132)  # DateTimeOriginal, else DateTime
    if not text:
        return None
    when = datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    if when.year < 1995:
        return None  # a camera whose clock was never set writes 1980 or 1970: not a time
    offset = sub.get(0x9011)  # OffsetTimeOriginal, e.g. '-07:00'
    if offset:
        sign = -1 if offset.startswith("-") else 1
        hh, mm = offset.lstrip("+-").split(":")
        when = when.replace(tzinfo=timezone(sign * timedelta(hours=int(hh), minutes=int(mm))))
    return when
