"""A small vector map of a read's place: no tiles, no network, legible when printed in grey.

The map is a local flat projection (metres east and north of the read), fine over the
kilometre it spans: a grid, the fixed cameras nearby, the read's point, a scale bar and
a north arrow.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.platypus import Flowable

from app.reports.packet_model import Camera

M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LON_EQUATOR = 111_320.0

GRID = colors.HexColor("#d5dbe3")
LAND = colors.HexColor("#f6f7f4")
CAMERA = colors.HexColor("#2a5d9f")
READ = colors.HexColor("#b3261e")
INK = colors.HexColor("#1d2838")


def offset_m(lat0: float, lon0: float, lat: float, lon: float) -> tuple[float, float]:
    """Metres east and north of (lat0, lon0)."""
    east = (lon - lon0) * M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    north = (lat - lat0) * M_PER_DEG_LAT
    return east, north


class PlaceMap(Flowable):
    """The read at the centre of a square `size` points wide spanning `span_m` metres."""

    def __init__(self, lat: float, lon: float, cameras: Sequence[Camera], size: float,
                 span_m: float = 1200.0, source: str = "") -> None:
        super().__init__()
        self.lat, self.lon = lat, lon
        self.size = size
        self.span_m = span_m
        self.source = source
        half = span_m / 2
        self.cameras = []
        for cam in cameras:
            east, north = offset_m(lat, lon, cam.lat, cam.lon)
            if abs(east) <= half and abs(north) <= half:
                self.cameras.append((cam, east, north))

    def wrap(self, avail_width, avail_height):
        return self.size, self.size

    def _xy(self, east: float, north: float) -> tuple[float, float]:
        scale = self.size / self.span_m
        return self.size / 2 + east * scale, self.size / 2 + north * scale

    def draw(self) -> None:
        c, s = self.canv, self.size
        c.saveState()
        c.setFillColor(LAND)
        c.setStrokeColor(INK)
        c.setLineWidth(0.6)
        c.rect(0, 0, s, s, stroke=1, fill=1)
        path = c.beginPath()
        path.rect(0, 0, s, s)
        c.clipPath(path, stroke=0, fill=0)

        # Grid every 200 m, centred on the read.
        c.setStrokeColor(GRID)
        c.setLineWidth(0.4)
        step = 200.0
        k = math.ceil(self.span_m / 2 / step)
        for i in range(-k, k + 1):
            x, y = self._xy(i * step, i * step)
            c.line(x, 0, x, s)
            c.line(0, y, s, y)

        c.setFont("Helvetica", 5.5)
        for cam, east, north in self.cameras:
            x, y = self._xy(east, north)
            is_source = cam.name == self.source
            c.setFillColor(CAMERA)
            c.setStrokeColor(colors.white)
            c.setLineWidth(0.5)
            side = 5.0 if is_source else 4.0
            c.rect(x - side / 2, y - side / 2, side, side, stroke=1, fill=1)
            c.setFillColor(INK)
            label = cam.name if len(cam.name) <= 24 else cam.name[:23] + "…"
            # Labels keep clear of the read's cross-hair: beside it when the camera stands at
            # the read, below the marker when the label would run across it.
            near = abs(x - s / 2) < 12 and abs(y - s / 2) < 12
            dx = 12 if near else 4
            dy = -9 if (not near and abs(y - s / 2) < 12) else 3
            if x > s * 0.62:
                c.drawRightString(x - dx, y + dy, label)
            else:
                c.drawString(x + dx, y + dy, label)

        cx, cy = self._xy(0, 0)
        c.setStrokeColor(READ)
        c.setLineWidth(0.8)
        c.line(cx - 10, cy, cx - 4, cy)
        c.line(cx + 4, cy, cx + 10, cy)
        c.line(cx, cy - 10, cx, cy - 4)
        c.line(cx, cy + 4, cx, cy + 10)
        c.setFillColor(READ)
        c.circle(cx, cy, 2.6, stroke=0, fill=1)

        self._scale_bar()
        self._north_arrow()
        c.restoreState()
        c.setStrokeColor(INK)
        c.setLineWidth(0.6)
        c.rect(0, 0, s, s, stroke=1, fill=0)

    def _scale_bar(self) -> None:
        c = self.canv
        metres = 200.0
        length = metres * self.size / self.span_m
        x0, y0 = 8, 9
        c.setFillColor(colors.white)
        c.setStrokeColor(colors.white)
        c.rect(x0 - 4, y0 - 5, length + 26, 17, stroke=0, fill=1)
        c.setStrokeColor(INK)
        c.setFillColor(INK)
        c.setLineWidth(0.8)
        c.line(x0, y0, x0 + length, y0)
        for x in (x0, x0 + length / 2, x0 + length):
            c.line(x, y0, x, y0 + 3)
        c.setFont("Helvetica", 5.5)
        c.drawString(x0 - 1, y0 + 4.5, "0")
        c.drawCentredString(x0 + length / 2, y0 + 4.5, "100")
        c.drawString(x0 + length + 2, y0 + 4.5, "200 m")

    def _north_arrow(self) -> None:
        c = self.canv
        x, y = self.size - 12, self.size - 24
        c.setFillColor(INK)
        c.setStrokeColor(INK)
        path = c.beginPath()
        path.moveTo(x, y + 12)
        path.lineTo(x - 4, y)
        path.lineTo(x, y + 3)
        path.lineTo(x + 4, y)
        path.close()
        c.drawPath(path, stroke=0, fill=1)
        c.setFont("Helvetica-Bold", 6.5)
        c.drawCentredString(x, y + 14, "N")
