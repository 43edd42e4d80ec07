"""Demo reads: when and where each vehicle of the demo fleet passes a camera.

Reads come out day by day in time order (so the time index is appended to, not
scattered), as numpy arrays in batches. Day quotas are fixed up front, so the total is
exactly what was asked for; within a day each population behaves in its own way:
commuters pass the same cameras on weekday mornings and evenings, locals drive near
home on some days, visitors come back every few weeks, passers are seen once or twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterator

import numpy as np

from app.services.demo_world import COMMUTER, LOCAL, PASSER, VISITOR, Fleet, Town

_EPOCH = datetime(1970, 1, 1)
DAY = 86_400

# Traffic by local hour: quiet before dawn, peaks at the commutes.
_HOURLY = np.array([0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.8, 5.5, 6.5, 5.0, 4.6, 5.0,
                    5.6, 5.5, 5.4, 6.0, 7.0, 7.4, 6.2, 4.6, 3.6, 2.8, 1.9, 1.1])
_HOURLY_P = _HOURLY / _HOURLY.sum()
# Share of a day's reads by population (commuter, local, visitor), before the passers' share.
_WEEKDAY_MIX = np.array([0.40, 0.35, 0.25])
_WEEKEND_MIX = np.array([0.06, 0.54, 0.40])
# Corners with shops, the auto mall and the university, where visitors mostly go.
_DESTINATIONS = ("Route 66 & Grand Ave", "Route 66 & Lone Hill Ave", "Auto Centre Dr & Lone Hill Ave",
                 "Alosta Ave & Citrus Ave", "Foothill Blvd & Glendora Ave")
MOBILE_SHARE = 0.12
MISREAD_SHARE = 0.012


def to_epoch(moment: datetime) -> int:
    return int((moment - _EPOCH).total_seconds())


def months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    first_of_next = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (first_of_next - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def pacific_offset_hours(day: date) -> int:
    """UTC minus Pacific time on `day`: 7 under daylight saving (second Sunday in March
    to first Sunday in November), else 8. Computed here so no tz database is needed."""
    march_1, november_1 = date(day.year, 3, 1), date(day.year, 11, 1)
    dst_start = march_1 + timedelta(days=(6 - march_1.weekday()) % 7 + 7)
    dst_end = november_1 + timedelta(days=(6 - november_1.weekday()) % 7)
    return 7 if dst_start <= day < dst_end else 8


@dataclass
class ReadArrays:
    """One batch of reads as parallel arrays. `source` counts cameras first, then units."""

    vehicle: np.ndarray
    misread: np.ndarray
    source: np.ndarray
    at: np.ndarray  # seconds since 1970, UTC
    lat: np.ndarray
    lon: np.ndarray
    confidence: np.ndarray

    def __len__(self) -> int:
        return len(self.vehicle)

    @staticmethod
    def join(parts: list["ReadArrays"]) -> "ReadArrays":
        return ReadArrays(*(np.concatenate([getattr(p, f) for p in parts]) for f in ReadArrays.__annotations__))


@dataclass(frozen=True)
class _Day:
    index: int
    weekday: bool
    local_midnight: int  # epoch seconds (UTC) of the local day's start
    lo: int  # covered part of the day, epoch seconds
    hi: int


class Traffic:
    """Plans `reads` reads over [start, end) and yields them in time order."""

    def __init__(self, rng: np.random.Generator, town: Town, fleet: Fleet, reads: int,
                 start: datetime, end: datetime, patrol_units: int) -> None:
        self._rng, self._town, self._fleet = rng, town, fleet
        self._units = patrol_units
        self._cams = np.array([(c.lat, c.lon) for c in town.cameras])
        degree = max(len(n) for n in town.neighbours)
        self._near = np.array([list(n) + [n[0]] * (degree - len(n)) for n in town.neighbours])
        self._near_count = np.array([len(n) for n in town.neighbours])
        names = [c.name for c in town.cameras]
        self._destinations = np.array([names.index(n) for n in _DESTINATIONS])
        self._pools = {k: fleet.members(k) for k in (COMMUTER, LOCAL, VISITOR, PASSER)}
        self._has_misread = np.array([m is not None for m in fleet.misreads], bool)

        self.days = self._days(to_epoch(start), to_epoch(end))
        weight = np.array([(1.0 if d.weekday else 0.8) * (d.hi - d.lo) / DAY for d in self.days])
        per_day = rng.multinomial(reads, weight / weight.sum())
        passer_share = min(0.35, 1.5 * len(self._pools[PASSER]) / max(reads, 1))
        self._split = np.zeros((len(self.days), 4), np.int64)
        for i, (day, quota) in enumerate(zip(self.days, per_day)):
            mix = (_WEEKDAY_MIX if day.weekday else _WEEKEND_MIX) * (1 - passer_share)
            self._split[i] = rng.multinomial(quota, np.append(mix, passer_share))
        self.total = int(self._split.sum())
        self._passer_total = int(self._split[:, 3].sum())
        self._passer_done = 0

    @staticmethod
    def _days(lo: int, hi: int) -> list[_Day]:
        days = []
        day = (_EPOCH + timedelta(seconds=lo - 8 * 3600)).date()
        while True:
            midnight = to_epoch(datetime(day.year, day.month, day.day)) + pacific_offset_hours(day) * 3600
            if midnight >= hi:
                return days
            covered = (max(lo, midnight), min(hi, midnight + DAY))
            if covered[0] < covered[1]:
                days.append(_Day(len(days), day.weekday() < 5, midnight, *covered))
            day += timedelta(days=1)

    def batches(self, size: int) -> Iterator[ReadArrays]:
        """Whole days of reads, in time order, about `size` reads at a time."""
        parts, held = [], 0
        for day, split in zip(self.days, self._split):
            part = self._one_day(day, split)
            parts.append(part)
            held += len(part)
            if held >= size:
                yield ReadArrays.join(parts)
                parts, held = [], 0
        if parts:
            yield ReadArrays.join(parts)

    # --- one day ----------------------------------------------------------------------

    def _one_day(self, day: _Day, split: np.ndarray) -> ReadArrays:
        rng = self._rng
        pieces = [
            self._commuters(day, int(split[0])),
            self._errands(day, self._pools[LOCAL], int(split[1]), near_home=0.75),
            self._visitors(day, int(split[2])),
            self._passers(day, int(split[3])),
        ]
        vehicle = np.concatenate([p[0] for p in pieces])
        camera = np.concatenate([p[1] for p in pieces])
        at = np.concatenate([p[2] for p in pieces])
        commuting = np.concatenate([np.full(len(p[0]), i == 0) for i, p in enumerate(pieces)])
        n = len(vehicle)

        # Anything pushed outside the day (or the window) is redrawn inside it.
        outside = (at < day.lo) | (at >= day.hi)
        at[outside] = rng.integers(day.lo, day.hi, int(outside.sum()))

        lat, lon = self._cams[camera, 0].copy(), self._cams[camera, 1].copy()
        source = camera.astype(np.int32)
        # Patrol units read along the streets between corners, never for a commute pass.
        mobile = ~commuting & (rng.random(n) < MOBILE_SHARE)
        k = int(mobile.sum())
        seg = self._town.segments[rng.integers(0, len(self._town.segments), k)]
        t = rng.random(k)
        lat[mobile] = seg[:, 0] + t * (seg[:, 2] - seg[:, 0]) + rng.normal(0, 3e-5, k)
        lon[mobile] = seg[:, 1] + t * (seg[:, 3] - seg[:, 1]) + rng.normal(0, 3e-5, k)
        source[mobile] = len(self._cams) + rng.integers(0, self._units, k)

        confidence = 0.80 + 0.19 * rng.beta(5.0, 1.8, n)
        low = rng.random(n) < 0.05
        confidence[low] = rng.uniform(0.55, 0.80, int(low.sum()))
        misread = (rng.random(n) < MISREAD_SHARE) & self._has_misread[vehicle]
        confidence[misread] = rng.uniform(0.58, 0.86, int(misread.sum()))

        order = np.argsort(at, kind="stable")
        return ReadArrays(vehicle[order].astype(np.int32), misread[order], source[order], at[order],
                          lat[order], lon[order], np.round(confidence[order], 3))

    def _clock(self, day: _Day, n: int) -> np.ndarray:
        """`n` times of day drawn from the hourly traffic profile, as epoch seconds."""
        hours = self._rng.choice(24, size=n, p=_HOURLY_P)
        return day.local_midnight + hours * 3600 + self._rng.integers(0, 3600, n)

    def _commuters(self, day: _Day, count: int):
        rng, fleet, pool = self._rng, self._fleet, self._pools[COMMUTER]
        if count == 0 or len(pool) == 0:
            return _empty()
        if not day.weekday:
            return self._errands(day, pool, count, near_home=0.5)
        active = pool[rng.random(len(pool)) < fleet.activity[pool]]
        if len(active) == 0:
            active = pool
        length = fleet.route_len[active].astype(np.int64)
        vehicle = np.repeat(active, length)
        stop = np.arange(len(vehicle)) - np.repeat(np.cumsum(length) - length, length)
        # One jitter per commuter and trip, so a day's passes hang together.
        late_am = np.repeat(rng.normal(0, 8, len(active)), length)
        late_pm = np.repeat(rng.normal(0, 12, len(active)), length)
        step = rng.uniform(2.5, 5.0, len(vehicle))
        am_min = fleet.depart_am[vehicle] + late_am + stop * step
        pm_min = fleet.depart_pm[vehicle] + late_pm + stop * step
        last = np.repeat(length, length) - 1
        cams = np.concatenate([fleet.route[vehicle, stop], fleet.route[vehicle, last - stop]])
        minutes = np.concatenate([am_min, pm_min])
        vehicles = np.concatenate([vehicle, vehicle])
        at = day.local_midnight + (minutes * 60).astype(np.int64) + rng.integers(0, 60, len(minutes))
        if len(vehicles) >= count:
            keep = np.sort(rng.choice(len(vehicles), count, replace=False))
            return vehicles[keep], cams[keep].astype(np.int64), at[keep]
        extra = self._errands(day, pool, count - len(vehicles), near_home=0.7)
        return (np.concatenate([vehicles, extra[0]]), np.concatenate([cams.astype(np.int64), extra[1]]),
                np.concatenate([at, extra[2]]))

    def _errands(self, day: _Day, pool: np.ndarray, count: int, near_home: float):
        """Trips around town: the day's active drivers, mostly past cameras near home."""
        rng, fleet = self._rng, self._fleet
        if count == 0 or len(pool) == 0:
            return _empty()
        active = pool[rng.random(len(pool)) < fleet.activity[pool]]
        if len(active) == 0:
            active = pool
        vehicle = active[rng.integers(0, len(active), count)]
        camera = fleet.home[vehicle, rng.integers(0, 3, count)].astype(np.int64)
        roam = rng.random(count) >= near_home
        camera[roam] = rng.integers(0, len(self._cams), int(roam.sum()))
        return vehicle, camera, self._clock(day, count)

    def _visitors(self, day: _Day, count: int):
        rng, fleet, pool = self._rng, self._fleet, self._pools[VISITOR]
        if count == 0 or len(pool) == 0:
            return _empty()
        coming = pool[(day.index + fleet.phase[pool]) % fleet.period[pool] == 0]
        if len(coming) == 0:
            coming = pool[rng.integers(0, len(pool), max(1, len(pool) // 20))]
        pick = rng.integers(0, len(coming), count)
        vehicle = coming[pick]
        # A visit is a couple of hours: each visitor's reads gather around one arrival time.
        arrival = self._clock(day, len(coming))
        at = arrival[pick] + rng.integers(0, 2 * 3600, count)
        camera = np.where(rng.random(count) < 0.55,
                          self._destinations[rng.integers(0, len(self._destinations), count)],
                          fleet.home[vehicle, rng.integers(0, 3, count)]).astype(np.int64)
        return vehicle, camera, at

    def _passers(self, day: _Day, count: int):
        rng, pool = self._rng, self._pools[PASSER]
        if count == 0 or len(pool) == 0:
            return _empty()
        # The passers are used up in order: each is seen once or twice, on one drive through.
        serial = np.arange(self._passer_done, self._passer_done + count)
        self._passer_done += count
        slot = np.minimum(serial * len(pool) // max(self._passer_total, 1), len(pool) - 1)
        first = np.r_[True, slot[1:] != slot[:-1]]
        group = np.cumsum(first) - 1
        rank = np.arange(count) - np.flatnonzero(first)[group]
        start_cam = rng.integers(0, len(self._cams), int(first.sum()))[group]
        next_cam = self._near[start_cam, rng.integers(0, 64, count) % self._near_count[start_cam]]
        camera = np.where(rank == 0, start_cam, next_cam).astype(np.int64)
        at = self._clock(day, int(first.sum()))[group] + rank * rng.integers(90, 420, count)
        return pool[slot], camera, at


def _empty():
    return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
