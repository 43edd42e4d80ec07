"""What an investigator asks of the historical reads, and what comes back."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field, fields
from datetime import datetime
from typing import overload

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


HIT_FIELDS = tuple(f.name for f in fields(ReadHit))


class Hits(Sequence[ReadHit]):
    """Search hits held by column, in rank order.

    A broad pattern returns tens of thousands of reads; holding them as a dozen lists rather
    than one object each keeps a search's cost in the database, not in Python. A ReadHit is
    built only when one is asked for (the rows on screen, the one in the detail pane).
    """

    __slots__ = ("_columns", "_n")

    def __init__(self, columns: dict[str, list]) -> None:
        self._columns = {name: _as_list(columns[name]) for name in HIT_FIELDS}
        self._n = len(self._columns["id"])

    @classmethod
    def of(cls, hits: Iterable[ReadHit]) -> "Hits":
        rows = [astuple(h) for h in hits]
        columns = list(zip(*rows)) if rows else [() for _ in HIT_FIELDS]
        return cls(dict(zip(HIT_FIELDS, columns)))

    def column(self, name: str) -> list:
        """One field of every hit, in order (the list itself: do not change it)."""
        return self._columns[name]

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, index: int) -> ReadHit: ...

    @overload
    def __getitem__(self, index: slice) -> "Hits": ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Hits({name: values[index] for name, values in self._columns.items()})
        if index < 0:
            index += self._n
        if not 0 <= index < self._n:
            raise IndexError(index)
        return ReadHit(*(self._columns[name][index] for name in HIT_FIELDS))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(other) == self._n and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"<Hits: {self._n} reads>"


def _as_list(values) -> list:
    return values if isinstance(values, list) else list(values)


@dataclass(frozen=True)
class SearchResult:
    hits: Hits
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
