"""Plate-crop pictures: a small PNG of plate text on a plate-like background.

The demo generator draws one per vehicle; evidence packets and recognition tests may draw
more. OpenCV's built-in fonts are used so that nothing depends on a font file being
installed. The picture is kept as a palette image (a few dozen colours) and written as an
8-bit indexed PNG: about 3 KB and a quarter of a millisecond each, which matters when a
demo seeds hundreds of thousands of vehicles.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image

from app.domain.plates import normalise_plate

CROP_WIDTH = 240
CROP_HEIGHT = 120
PNG_MEDIA_TYPE = "image/png"
_TEMPLATE_COLOURS = 48
_INK_LEVELS = 16  # anti-aliasing steps between the background and the character colour


@dataclass(frozen=True)
class PlateStyle:
    """Colours are RGB."""

    header: str
    background: tuple[int, int, int]
    header_colour: tuple[int, int, int]
    text_colour: tuple[int, int, int]
    script: bool = False
    footer: str = ""


_NAVY = (20, 40, 110)
_STYLES: dict[str, PlateStyle] = {
    # California: white plate, red script header, dark blue characters.
    "CA": PlateStyle("California", (244, 246, 246), (200, 30, 40), _NAVY, script=True, footer="dmv.ca.gov"),
    "NV": PlateStyle("NEVADA", (200, 222, 235), (20, 60, 120), (20, 60, 120)),
    "AZ": PlateStyle("ARIZONA", (245, 230, 200), (140, 40, 40), (120, 40, 40), footer="GRAND CANYON STATE"),
    "OR": PlateStyle("OREGON", (236, 240, 240), (30, 110, 90), _NAVY),
    "TX": PlateStyle("TEXAS", (245, 245, 245), (20, 20, 20), (20, 20, 20), footer="THE LONE STAR STATE"),
    "WA": PlateStyle("Washington", (235, 240, 245), (30, 70, 130), (30, 70, 130), script=True),
    "UT": PlateStyle("UTAH", (245, 240, 230), (160, 40, 40), (30, 30, 30)),
    "NY": PlateStyle("NEW YORK", (250, 235, 200), (20, 60, 120), (20, 60, 120), footer="EXCELSIOR"),
}


def plate_style(state: str | None) -> PlateStyle:
    code = (state or "").upper()
    return _STYLES.get(code) or PlateStyle(code, (240, 240, 240), (60, 60, 60), (30, 30, 30))


@lru_cache(maxsize=64)
def _template(state: str | None) -> tuple[np.ndarray, bytes, np.ndarray]:
    """The plate without its characters as palette indices, its PNG palette and RGB lookup.

    Indices below _TEMPLATE_COLOURS are the template's own colours; the next _INK_LEVELS
    blend the background into the character colour for the anti-aliased characters.
    """
    style = plate_style(state)
    bgr = lambda rgb: tuple(reversed(rgb))  # noqa: E731 - OpenCV draws in BGR
    img = np.empty((CROP_HEIGHT, CROP_WIDTH, 3), np.uint8)
    img[:] = bgr(style.background)
    # A little of the bumper around the plate, as a camera's crop shows it.
    cv2.rectangle(img, (0, 0), (CROP_WIDTH - 1, CROP_HEIGHT - 1), (70, 70, 70), 6)
    cv2.rectangle(img, (6, 6), (CROP_WIDTH - 7, CROP_HEIGHT - 7), (150, 150, 150), 1, cv2.LINE_AA)
    for x in (40, CROP_WIDTH - 40):
        cv2.circle(img, (x, 16), 3, (120, 120, 120), -1, cv2.LINE_AA)
    if style.header:
        font = cv2.FONT_HERSHEY_SCRIPT_SIMPLEX if style.script else cv2.FONT_HERSHEY_DUPLEX
        scale = 0.95 if style.script else 0.7
        (w, _), _ = cv2.getTextSize(style.header, font, scale, 2)
        cv2.putText(img, style.header, ((CROP_WIDTH - w) // 2, 32), font, scale,
                    bgr(style.header_colour), 2, cv2.LINE_AA)
    if style.footer:
        font, scale = cv2.FONT_HERSHEY_SIMPLEX, 0.4
        (w, _), _ = cv2.getTextSize(style.footer, font, scale, 1)
        cv2.putText(img, style.footer, ((CROP_WIDTH - w) // 2, CROP_HEIGHT - 13), font, scale,
                    bgr(style.header_colour), 1, cv2.LINE_AA)
    quantised = Image.fromarray(img[:, :, ::-1]).quantize(_TEMPLATE_COLOURS, method=Image.Quantize.MEDIANCUT)
    indices = np.asarray(quantised, dtype=np.uint8).copy()
    palette = np.zeros((_TEMPLATE_COLOURS + _INK_LEVELS, 3), np.uint8)
    own = np.array(quantised.getpalette()[: _TEMPLATE_COLOURS * 3], np.uint8).reshape(-1, 3)
    palette[: len(own)] = own
    steps = np.linspace(0.0, 1.0, _INK_LEVELS)[:, None]
    ink = np.array(style.background) + (np.array(style.text_colour) - np.array(style.background)) * steps
    palette[_TEMPLATE_COLOURS:] = np.rint(ink).astype(np.uint8)
    for array in (indices, palette):
        array.setflags(write=False)
    return indices, palette.tobytes(), palette


def _plate_indices(text: str, state: str | None) -> np.ndarray:
    """Palette indices of the whole plate, one filter byte (0) before each row, as PNG wants."""
    chars = normalise_plate(text) or "?"
    template = _template(state)[0]
    font = cv2.FONT_HERSHEY_DUPLEX
    (w, h), _ = cv2.getTextSize(chars, font, 1.0, 3)
    # Characters fill most of the width, as on a real plate, but stay under 56 px tall.
    scale = min((CROP_WIDTH - 36) / w, 56 / h)
    (w, h), _ = cv2.getTextSize(chars, font, scale, 3)
    baseline = 44 + (CROP_HEIGHT - 66 + h) // 2
    # Only the band the characters occupy is drawn and blended; the rest is the template.
    top, bottom = max(0, baseline - h - 8), min(CROP_HEIGHT, baseline + 12)
    ink = np.zeros((bottom - top, CROP_WIDTH), np.uint8)
    cv2.putText(ink, chars, ((CROP_WIDTH - w) // 2, baseline - top), font, scale, 255, 3, cv2.LINE_AA)
    rows = _with_filter_bytes(state).copy()
    rows[top:bottom, 1:] = np.where(ink > 0, _INK_INDEX[ink], template[top:bottom])
    return rows


# Ink coverage 0-255 → the palette index of that blend of background and character colour.
_INK_INDEX = (_TEMPLATE_COLOURS + (np.arange(256) * (_INK_LEVELS - 1) + 127) // 255).astype(np.uint8)


@lru_cache(maxsize=64)
def _with_filter_bytes(state: str | None) -> np.ndarray:
    rows = np.zeros((CROP_HEIGHT, CROP_WIDTH + 1), np.uint8)
    rows[:, 1:] = _template(state)[0]
    rows.setflags(write=False)
    return rows


def render_plate(text: str, state: str | None = "CA") -> np.ndarray:
    """The plate as an RGB array (CROP_HEIGHT × CROP_WIDTH × 3), characters centred and fitted."""
    return _template(state)[2][_plate_indices(text, state)[:, 1:]]


def render_plate_png(text: str, state: str | None = "CA") -> bytes:
    """PNG bytes of the plate; the same text and state always give the same bytes."""
    header = struct.pack(">IIBBBBB", CROP_WIDTH, CROP_HEIGHT, 8, 3, 0, 0, 0)
    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", header),
        _chunk(b"PLTE", _template(state)[1]),
        _chunk(b"IDAT", zlib.compress(_plate_indices(text, state).tobytes(), 2)),
        _chunk(b"IEND", b""),
    ))


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
