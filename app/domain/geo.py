"""Places on the ground: points, distances, the box around a radius, points in an area."""
from __future__ import annotations

import math
from dataclasses import dataclass

from app.domain.errors import ValidationError

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class GeoPoint:
    lat: float
    lon: float

    @classmethod
    def parse(cls, text: str) -> "GeoPoint":
        try:
            lat_text, lon_text = text.split(",")
            point = cls(float(lat_text), float(lon_text))
        except ValueError:
            raise ValidationError(f"A place is LAT,LON in degrees, e.g. 34.1365,-117.8653; not {text!r}.") from None
        if not (-90 <= point.lat <= 90 and -180 <= point.lon <= 180):
            raise ValidationError(f"{text!r} is not a place on Earth.")
        return point

    def text(self) -> str:
        """LAT,LON as `parse` takes it (and a place field shows it): six decimals are about ten centimetres."""
        return f"{self.lat:.6f},{self.lon:.6f}"


def distance_m(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance (haversine); ample for canvass radii of metres to kilometres."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(centre: GeoPoint, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) enclosing the circle: what an index can use."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * max(0.01, math.cos(math.radians(centre.lat)))))
    return centre.lat - dlat, centre.lon - dlon, centre.lat + dlat, centre.lon + dlon


def polygon_box(points: tuple[GeoPoint, ...]) -> tuple[float, float, float, float]:
    lats = [p.lat for p in points]
    lons = [p.lon for p in points]
    return min(lats), min(lons), max(lats), max(lons)


def in_polygon(point: GeoPoint, polygon: tuple[GeoPoint, ...]) -> bool:
    """Even-odd ray casting; a drawn rectangle is a polygon of four corners."""
    inside = False
    n = len(polygon)
    for i in range(n):
        a, b = polygon[i], polygon[(i + 1) % n]
        if (a.lat > point.lat) != (b.lat > point.lat):
            cross = a.lon + (point.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat)
            if point.lon < cross:
                inside = not inside
    return inside
