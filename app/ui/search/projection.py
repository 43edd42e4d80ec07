"""Web-Mercator (EPSG:3857) in metres, the map's scene coordinates, and XYZ tile arithmetic.

Qt-free so the benchmark and the tests use it without a window. North is +y, as in a
pyqtgraph view that is not inverted.
"""
from __future__ import annotations

import math

import numpy as np

from app.domain.geo import GeoPoint

R = 6_378_137.0
HALF_WORLD = math.pi * R  # x and y run from -HALF_WORLD to +HALF_WORLD
MAX_LAT = 85.05112878


def to_mercator(lat, lon):
    """Degrees (scalars or arrays) to metres."""
    lat = np.clip(np.asarray(lat, dtype=np.float64), -MAX_LAT, MAX_LAT)
    x = np.radians(np.asarray(lon, dtype=np.float64)) * R
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * R
    return x, y


def to_lat_lon(x, y):
    lon = np.degrees(np.asarray(x, dtype=np.float64) / R)
    lat = np.degrees(2 * np.arctan(np.exp(np.asarray(y, dtype=np.float64) / R)) - np.pi / 2)
    return lat, lon


def point_at(x: float, y: float) -> GeoPoint:
    lat, lon = to_lat_lon(x, y)
    return GeoPoint(round(float(lat), 6), round(float(lon), 6))


def scale_at(lat: float) -> float:
    """Mercator metres per ground metre at a latitude (1 / cos φ)."""
    return 1.0 / max(0.01, math.cos(math.radians(lat)))


def tile_size(z: int) -> float:
    return 2 * HALF_WORLD / (1 << z)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(left, bottom, width, height) of tile x/y at zoom z, in metres."""
    size = tile_size(z)
    left = -HALF_WORLD + x * size
    top = HALF_WORLD - y * size
    return left, top - size, size, size


def zoom_for(metres_per_pixel: float) -> int:
    """The tile zoom whose 256-px tiles are drawn closest to one screen pixel per tile pixel."""
    if metres_per_pixel <= 0:
        return 18
    z = math.log2(2 * HALF_WORLD / (256 * metres_per_pixel))
    return int(min(19, max(0, round(z))))


def tiles_covering(z: int, left: float, bottom: float, right: float, top: float,
                   limit: int = 64) -> list[tuple[int, int, int]]:
    """The tiles over a view rectangle, centre first; at most `limit` (none when zoomed far out)."""
    size = tile_size(z)
    n = 1 << z
    x0 = max(0, int((left + HALF_WORLD) // size))
    x1 = min(n - 1, int((right + HALF_WORLD) // size))
    y0 = max(0, int((HALF_WORLD - top) // size))
    y1 = min(n - 1, int((HALF_WORLD - bottom) // size))
    if x1 < x0 or y1 < y0 or (x1 - x0 + 1) * (y1 - y0 + 1) > limit:
        return []
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    tiles = [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    tiles.sort(key=lambda t: (t[1] - cx) ** 2 + (t[2] - cy) ** 2)
    return tiles
