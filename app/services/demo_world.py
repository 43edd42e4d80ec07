"""The demo's Glendora: intersections with fixed cameras, streets patrol units drive, and
the vehicles (their plates and habits) that pass them.

Everything here is pure and drawn from one numpy Generator, so a seed gives the same
town every time. Coordinates are real-ish (within a block or two of the real corners).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.domain.plates import CONFUSABLE_GROUPS

GLENDORA = (34.136, -117.865)

# Street lines of the demo map: east-west streets by latitude, north-south by longitude.
_LAT = {
    "Sierra Madre Ave": 34.1452, "Foothill Blvd": 34.1366, "Route 66": 34.1283,
    "Auto Centre Dr": 34.1215, "Gladstone St": 34.1139, "Arrow Hwy": 34.1066,
}
_LON = {
    "Citrus Ave": -117.8896, "Barranca Ave": -117.8766, "Glendora Ave": -117.8653,
    "Grand Ave": -117.8483, "Lone Hill Ave": -117.8294,
}

# (east-west street, north-south street, has a fixed camera). West of Citrus Ave,
# Route 66 is still called Alosta Ave, hence the camera's name there.
_CORNERS = [
    ("Sierra Madre Ave", "Glendora Ave", True), ("Sierra Madre Ave", "Grand Ave", True),
    ("Foothill Blvd", "Citrus Ave", True), ("Foothill Blvd", "Glendora Ave", True),
    ("Foothill Blvd", "Grand Ave", True), ("Route 66", "Citrus Ave", True),
    ("Route 66", "Barranca Ave", True), ("Route 66", "Glendora Ave", True),
    ("Route 66", "Grand Ave", True), ("Route 66", "Lone Hill Ave", True),
    ("Auto Centre Dr", "Lone Hill Ave", True), ("Gladstone St", "Glendora Ave", True),
    ("Gladstone St", "Grand Ave", True), ("Gladstone St", "Lone Hill Ave", True),
    ("Arrow Hwy", "Grand Ave", True), ("Arrow Hwy", "Lone Hill Ave", False),
    ("Gladstone St", "Barranca Ave", False), ("Foothill Blvd", "Barranca Ave", False),
]
_DISPLAY = {("Route 66", "Citrus Ave"): "Alosta Ave & Citrus Ave"}

PATROL_UNITS = ("Patrol unit 21", "Patrol unit 24", "Patrol unit 32", "Traffic unit 7")


@dataclass(frozen=True)
class Camera:
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Town:
    cameras: tuple[Camera, ...]
    neighbours: tuple[tuple[int, ...], ...]  # cameras one block away along a street
    segments: np.ndarray  # (n, 4): lat0, lon0, lat1, lon1 of each block patrol units drive


def build_town() -> Town:
    corners = [(ew, ns, _LAT[ew], _LON[ns], cam) for ew, ns, cam in _CORNERS]
    cameras = tuple(Camera(_DISPLAY.get((ew, ns), f"{ew} & {ns}"), lat, lon)
                    for ew, ns, lat, lon, cam in corners if cam)
    camera_at = {(ew, ns): i for i, (ew, ns) in enumerate((c[0], c[1]) for c in corners if c[4])}
    neighbours: dict[int, set[int]] = {i: set() for i in range(len(cameras))}
    segments = []
    for street, axis in [(s, 0) for s in _LAT] + [(s, 1) for s in _LON]:
        on_street = sorted((c for c in corners if c[axis] == street), key=lambda c: c[3] if axis == 0 else -c[2])
        for a, b in zip(on_street, on_street[1:]):
            segments.append((a[2], a[3], b[2], b[3]))
            ia, ib = camera_at.get(a[:2]), camera_at.get(b[:2])
            if ia is not None and ib is not None:
                neighbours[ia].add(ib)
                neighbours[ib].add(ia)
    return Town(cameras, tuple(tuple(sorted(neighbours[i])) for i in range(len(cameras))),
                np.array(segments, dtype=np.float64))


# --- plates -----------------------------------------------------------------------------

_LETTERS = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"))  # California skips I, O and Q
_ALL_LETTERS = np.array(list("ABCDEFGHIJKLMNPRSTUVWXYZ"))
_DIGITS = np.array(list("0123456789"))
_VANITY = ("GLNDORA", "SURFN", "MYTESLA", "LUV2RUN", "GO BRUNS", "ROUTE66", "FOOTHIL", "DAD TAXI",
           "BIGSUR", "SOCAL", "MTBALDY", "CITRUS", "TACOTRK", "NOHURRY", "GRDNR", "VETRN")
# Out-of-state plates seen around Glendora, with a common format each: L letter, D digit.
_OUT_OF_STATE = (("NV", "DDDLDD", 0.30), ("AZ", "LLLDDDD", 0.25), ("TX", "LLLDDDD", 0.12),
                 ("OR", "DDDLLL", 0.10), ("WA", "LLLDDDD", 0.10), ("UT", "LDDDLL", 0.06),
                 ("NY", "LLLDDDD", 0.07))


_CA_FORMATS = (("SLLLDDD", 0.84), ("DLDDDDD", 0.06), ("LLLDDD", 0.036), ("DDDLLL", 0.024), ("vanity", 0.04))
# The leading digit of the current sequence, as cars on the road in 2026 carry it.
_LEAD_DIGITS, _LEAD_WEIGHTS = np.array(list("456789")), np.array([0.04, 0.10, 0.17, 0.24, 0.27, 0.18])


def _assemble(fmt: str, letters: np.ndarray, digits: np.ndarray, lead: str) -> str:
    out, li, di = [], 0, 0
    for c in fmt:
        if c == "L":
            out.append(letters[li])
            li += 1
        elif c == "D":
            out.append(digits[di])
            di += 1
        else:
            out.append(lead)
    return "".join(out)


def random_plates(rng: np.random.Generator, n: int, out_of_state_share: np.ndarray) -> tuple[list[str], list[str]]:
    """`n` distinct plates and their states.

    California plates are mostly the current 1ABC234 sequence (no I, O or Q), some
    commercial 1A23456, some 1970s ABC123 / 123ABC, a few vanity; the rest are
    out-of-state in each state's common format.
    """
    ca_p = np.array([w for _, w in _CA_FORMATS])
    oos_p = np.array([w for _, _, w in _OUT_OF_STATE])
    plates: list[str] = []
    states: list[str] = []
    seen: set[str] = set()
    while len(plates) < n:
        m = n - len(plates)
        share = out_of_state_share[len(plates):]
        away = rng.random(m) < share
        ca_fmt = rng.choice(len(_CA_FORMATS), size=m, p=ca_p)
        oos = rng.choice(len(_OUT_OF_STATE), size=m, p=oos_p / oos_p.sum())
        ca_letters = _LETTERS[rng.integers(0, len(_LETTERS), (m, 4))]
        any_letters = _ALL_LETTERS[rng.integers(0, len(_ALL_LETTERS), (m, 4))]
        digits = _DIGITS[rng.integers(0, 10, (m, 7))]
        lead = rng.choice(_LEAD_DIGITS, size=m, p=_LEAD_WEIGHTS)
        vanity = rng.integers(0, len(_VANITY), m)
        for i in range(m):
            if away[i]:
                state, fmt, _ = _OUT_OF_STATE[oos[i]]
                plate = _assemble(fmt, any_letters[i], digits[i], "")
            else:
                state, fmt = "CA", _CA_FORMATS[ca_fmt[i]][0]
                if fmt == "vanity":
                    word = _VANITY[vanity[i]].replace(" ", "")
                    plate = word if i % 2 else word[: max(2, len(word) - 1)] + digits[i][0]
                else:
                    plate = _assemble(fmt, ca_letters[i], digits[i], lead[i])
            if plate not in seen:  # a repeat (mostly a vanity word) is drawn again
                seen.add(plate)
                plates.append(plate)
                states.append(state)
    return plates, states


def misread_of(plate: str, u: float, v: float) -> str | None:
    """The plate with one character swapped for a look-alike, as OCR gets it wrong.

    `u` and `v` (uniform in [0, 1)) choose the position and the look-alike.
    """
    positions = [i for i, c in enumerate(plate) if any(c in g for g in CONFUSABLE_GROUPS)]
    if not positions:
        return None
    at = positions[int(u * len(positions))]
    group = next(g for g in CONFUSABLE_GROUPS if plate[at] in g)
    options = sorted(group - {plate[at]})
    return plate[:at] + options[int(v * len(options))] + plate[at + 1:]


# --- vehicles ---------------------------------------------------------------------------

COMMUTER, LOCAL, VISITOR, PASSER = 0, 1, 2, 3
MAX_ROUTE = 3


@dataclass
class Fleet:
    """The vehicles of one demo run, as parallel arrays indexed by vehicle number."""

    plates: list[str]
    states: list[str]
    misreads: list[str | None]
    kind: np.ndarray  # COMMUTER | LOCAL | VISITOR | PASSER
    route: np.ndarray  # (n, MAX_ROUTE) camera numbers of the morning drive, -1 padded
    route_len: np.ndarray
    depart_am: np.ndarray  # minutes after local midnight
    depart_pm: np.ndarray
    home: np.ndarray  # (n, 3) cameras near home or the places they visit
    activity: np.ndarray  # chance of driving on a given day (commuters: a weekday)
    period: np.ndarray  # visitors: days between visits
    phase: np.ndarray

    def __len__(self) -> int:
        return len(self.plates)

    def members(self, kind: int) -> np.ndarray:
        return np.flatnonzero(self.kind == kind)


def fleet_sizes(reads: int, days: float) -> dict[int, int]:
    """How many vehicles of each kind make `reads` reads over `days` days.

    Commuters are sized to pass ~4 cameras a working day, locals to drive on about half of
    the days, visitors to come every one to six weeks and be read once or twice a visit
    (some twenty reads in all); one-off passers fill the rest of a vehicle
    budget that grows with the reads but stays a few hundred thousand at most, since each
    vehicle costs a plate image.
    """
    per_day = reads / days
    budget = int(np.clip(reads // 40, 60, 250_000))
    commuters = max(4, int(per_day * 0.38 * 7 / 5 / 3.6))
    locals_ = max(6, int(per_day * 0.30 / 0.9))
    visitors = max(6, int(per_day * 0.17 / 0.05))
    passers = max(10, budget - commuters - locals_ - visitors)
    return {COMMUTER: commuters, LOCAL: locals_, VISITOR: visitors, PASSER: passers}


def build_fleet(rng: np.random.Generator, town: Town, sizes: dict[int, int]) -> Fleet:
    kind = np.concatenate([np.full(n, k, np.int8) for k, n in sorted(sizes.items())])
    n = len(kind)
    out_of_state_share = np.array([0.01, 0.02, 0.10, 0.18])[kind]
    plates, states = random_plates(rng, n, out_of_state_share)
    pick = rng.random((n, 2))
    misreads = [misread_of(p, u, v) for p, (u, v) in zip(plates, pick)]

    n_cams = len(town.cameras)
    route = np.full((n, MAX_ROUTE), -1, np.int16)
    route_len = np.zeros(n, np.int8)
    for i in np.flatnonzero(kind == COMMUTER):  # a walk of 1-3 cameras along the streets
        stops = [int(rng.integers(n_cams))]
        for _ in range(int(rng.choice([0, 1, 1, 2, 2, 2]))):
            options = [c for c in town.neighbours[stops[-1]] if c not in stops]
            if not options:
                break
            stops.append(int(rng.choice(options)))
        route[i, :len(stops)] = stops
        route_len[i] = len(stops)

    # Home area: the three cameras nearest a point somewhere in town.
    cams = np.array([(c.lat, c.lon) for c in town.cameras])
    spots = cams[rng.integers(n_cams, size=n)] + rng.normal(0, 0.006, size=(n, 2))
    distance = ((spots[:, None, :] - cams[None, :, :]) ** 2).sum(axis=2)
    home = np.argsort(distance, axis=1)[:, :3].astype(np.int16)

    return Fleet(
        plates=plates, states=states, misreads=misreads, kind=kind, route=route, route_len=route_len,
        depart_am=np.clip(rng.normal(7.4 * 60, 45, n), 5 * 60, 10 * 60),
        depart_pm=np.clip(rng.normal(17.1 * 60, 55, n), 15 * 60, 20 * 60),
        home=home,
        activity=np.where(kind == COMMUTER, rng.uniform(0.8, 0.97, n), rng.uniform(0.2, 0.7, n)),
        period=rng.integers(7, 45, n), phase=rng.integers(0, 45, n),
    )
