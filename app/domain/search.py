"""What an investigator asks of the historical reads, and what comes back."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.domain.geo import GeoPoint

DEFAULT_LIMIT = 100_000


@dataclass(frozen=True)
class SearchCriteria:
    plate: str | None = None  # a pattern: exact, or with ? and *
    fuzzy: bool = False
    state: str | None = None
    source_ids: tuple[int, ...] = ()
    start: datetime | None = None  # naive UTC, inclusive
    end: datetime | None = None  # naive UTC, exclusive
    near: GeoPoint | None = None
    radius_m: float | None = None
    area: tuple[GeoPoint, ...] | None = None  # a drawn polygon or rectangle
    limit: int = DEFAULT_LIMIT

    def elements(self) -> dict:
        """The data elements used to query, as the access record keeps them."""
        out: dict = {}
        if self.plate:
            out["plate"] = self.plate
            out["fuzzy"] = self.fuzzy
        if self.state:
            out["state"] = self.state
        if self.source_ids:
            out["sources"] = list(self.source_ids)
        if self.start:
            out["from"] = self.start.isoformat()
        if self.end:
            out["to"] = self.end.isoformat()
        if self.near:
            out["near"] = [self.near.lat, self.near.lon]
            out["radius_m"] = self.radius_m
        if self.area:
            out["area"] = [[p.lat, p.lon] for p in self.area]
        return out


@dataclass(frozen=True)
class SourceInfo:
    id: int
    name: str
    kind: str  # fixed | mobile | video | photo
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class ReadHit:
    id: int
    plate: str
    state: str | None
    captured_at: datetime
    lat: float
    lon: float
    source: str
    source_id: int
    confidence: float
    fuzzy: bool = False
    differences: str = ""  # e.g. "0 for O at 6"
    plate_as_read: str = ""


@dataclass(frozen=True)
class SearchResult:
    hits: list[ReadHit]
    truncated: bool  # more reads matched than the limit let through
    explanation: str = ""


@dataclass(frozen=True)
class Scene:
    """One place and time window of a multi-scene canvass."""

    label: str
    near: GeoPoint
    radius_m: float
    start: datetime
    end: datetime


@dataclass(frozen=True)
class PlateAcrossScenes:
    plate: str
    scenes: tuple[str, ...]
    reads: list[ReadHit] = field(default_factory=list)


@dataclass(frozen=True)
class Associate:
    """A plate seen near the target plate (same source, within the window) again and again."""

    plate: str
    occasions: int
    reads: list[ReadHit] = field(default_factory=list)
