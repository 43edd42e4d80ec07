"""Historical search (424.3): plates, partial plates, canvass, multi-scene and associates.

Only dispatchers, corporals and detectives reach it; each query needs a purpose and a case
or incident number (424.5(b)) and writes its own access record with its data elements and
the number of results, in the same transaction as the query.
"""
from __future__ import annotations

import operator
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import Select, not_, select
from sqlalchemy.orm import Session

from app.data import audit_log
from app.data.db import Database
from app.data.columns import Converter, driver_rows, to_columns
from app.data.orm import Plate, PlateRead, Source
from app.data.plate_match import plate_condition
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import ValidationError
from app.domain.geo import GeoPoint, bounding_box, distance_m, in_polygon, polygon_box
from app.domain.patterns import PlatePattern
from app.domain.plates import normalise_plate
from app.domain.roles import Permission
from app.domain.search import (
    Associate, Hits, PlateAcrossScenes, ReadHit, Scene, SearchCriteria, SearchResult, SourceInfo,
)
from app.services.access import Gate, facts

MAX_RADIUS_M = 50_000
MAX_ASSOCIATE_WINDOW_S = 3600
# Up to this many matching plates, their reads are fetched plate by plate (see _rows).
FEW_PLATES = 5000


def require_purpose(caller: Caller) -> None:
    if not caller.purpose.strip() or not caller.case_number.strip():
        raise ValidationError(
            "Give the purpose and a case or incident number before searching (Policy 424.5(b))."
        )


class SearchService:
    def __init__(self, db: Database, gate: Gate, now: Clock) -> None:
        self._db = db
        self._gate = gate
        self._now = now

    def list_sources(self, caller: Caller) -> list[SourceInfo]:
        """The cameras and units, for the source filter and the offline map (no plate data)."""
        self._gate.require(caller, Permission.SEARCH_HISTORY, action="list_sources")
        with self._db.transaction() as session:
            rows = session.execute(select(Source).order_by(Source.name)).scalars().all()
            return [SourceInfo(r.id, r.name, r.kind, r.lat, r.lon) for r in rows]

    # --- plate search and canvass -------------------------------------------------------

    def search(self, caller: Caller, criteria: SearchCriteria) -> SearchResult:
        """Reads matching a plate pattern and/or a place, with the filters; exact hits first."""
        require_purpose(caller)
        pattern = self._validate(criteria)
        caller = self._gate.require(caller, Permission.SEARCH_HISTORY, action="search",
                                    query=criteria.elements())
        with self._db.transaction() as session:
            hits, truncated = self._run(session, criteria, pattern)
            audit_log.append(session, facts(caller), action="search", outcome=Outcome.OK.value,
                             now=self._now(), query=criteria.elements(), result_count=len(hits))
        explanation = pattern.describe() if pattern else ""
        return SearchResult(hits, truncated, explanation)

    def _validate(self, criteria: SearchCriteria) -> PlatePattern | None:
        pattern = PlatePattern.parse(criteria.plate, criteria.fuzzy) if criteria.plate else None
        if pattern is None and criteria.near is None and not criteria.area:
            raise ValidationError("Give a plate (or partial plate) or a place to canvass.")
        if criteria.near is not None:
            if not criteria.radius_m or not (0 < criteria.radius_m <= MAX_RADIUS_M):
                raise ValidationError(f"A canvass radius is between 1 m and {MAX_RADIUS_M // 1000} km.")
        if criteria.area is not None and len(criteria.area) < 3:
            raise ValidationError("A drawn area needs at least three corners.")
        if criteria.start and criteria.end and criteria.start >= criteria.end:
            raise ValidationError("The time window ends before it starts.")
        if criteria.limit < 1:
            raise ValidationError("The result limit must be at least 1.")
        return pattern

    def _run(self, session: Session, criteria: SearchCriteria,
             pattern: PlatePattern | None) -> tuple[Hits, bool]:
        stmt = _read_columns()
        if criteria.state:
            stmt = stmt.where(PlateRead.state == criteria.state.upper())
        if criteria.source_ids:
            stmt = stmt.where(PlateRead.source_id.in_(criteria.source_ids))
        if criteria.start:
            stmt = stmt.where(PlateRead.captured_at >= criteria.start)
        if criteria.end:
            stmt = stmt.where(PlateRead.captured_at < criteria.end)
        box = None
        if criteria.near is not None:
            box = bounding_box(criteria.near, criteria.radius_m)
        elif criteria.area:
            box = polygon_box(criteria.area)
        if box is not None:
            min_lat, min_lon, max_lat, max_lon = box
            stmt = stmt.where(PlateRead.lat.between(min_lat, max_lat), PlateRead.lon.between(min_lon, max_lon))
        # The place is checked exactly in Python, so no SQL limit when there is one.
        limit = None if box is not None else criteria.limit + 1
        rows, converters, texts = self._rows(session, stmt, pattern, limit)
        if criteria.near is not None:
            near, radius = criteria.near, criteria.radius_m
            rows = [r for r in rows if distance_m(near, GeoPoint(r[_LAT], r[_LON])) <= radius]
        if criteria.area:
            rows = [r for r in rows if in_polygon(GeoPoint(r[_LAT], r[_LON]), criteria.area)]
        truncated = len(rows) > criteria.limit
        rows = rows[: criteria.limit]
        names = _source_names(session) if rows else {}
        return _hits(rows, converters, texts, names, pattern), truncated

    @staticmethod
    def _rows(session: Session, stmt: Select, pattern: PlatePattern | None,
              limit: int | None) -> tuple[list[tuple], list[Converter], dict[int, str] | None]:
        """The reads, exact hits first, each group newest first, as the driver's tuples with
        their columns' converters (see app.data.columns); and the texts of their plates when
        already known (else the rows carry them, last). A pattern is matched against the distinct plates first:
        when few match, their reads come by the covering (plate, time, ...) index without
        touching plates again; when many do, walking the time index finds the newest of
        them sooner."""
        connection = session.connection()
        newest_first = PlateRead.captured_at.desc()
        with_text = stmt.add_columns(Plate.text).join(Plate, Plate.id == PlateRead.plate_id)
        if pattern is None:
            return *driver_rows(connection, with_text.order_by(newest_first).limit(limit)), None
        condition = plate_condition(session, pattern)
        plates = connection.execute(select(Plate.id, Plate.text).where(condition).limit(FEW_PLATES + 1)).all()
        if len(plates) > FEW_PLATES:
            if not pattern.fuzzy:
                return *driver_rows(connection, with_text.where(condition).order_by(newest_first).limit(limit)), None
            exact = plate_condition(session, PlatePattern(pattern.tokens))
            rows, converters = driver_rows(connection, with_text.where(exact).order_by(newest_first).limit(limit))
            if limit is None or len(rows) < limit:
                rest = None if limit is None else limit - len(rows)
                more, converters = driver_rows(
                    connection, with_text.where(condition, not_(exact)).order_by(newest_first).limit(rest))
                rows += more
            return rows, converters, None
        texts = dict(plates)
        if not plates:
            return [], [], texts
        # No ORDER BY in SQL here: with one, a planner may walk the time index instead.
        rows, converters = driver_rows(connection, stmt.where(PlateRead.plate_id.in_(texts)))
        rows.sort(key=_captured_at, reverse=True)
        if pattern.fuzzy:
            fuzzy = {plate_id for plate_id, text in plates if pattern.match(text).fuzzy}
            rows.sort(key=lambda row: row[_PLATE_ID] in fuzzy)
        return (rows if limit is None else rows[:limit]), converters, texts

    # --- multi-scene ----------------------------------------------------------------

    def multi_scene(self, caller: Caller, scenes: list[Scene], min_scenes: int = 2) -> list[PlateAcrossScenes]:
        """Plates read near at least `min_scenes` of the scenes, each in its own window."""
        require_purpose(caller)
        if len(scenes) < 2:
            raise ValidationError("A multi-scene canvass needs at least two scenes.")
        if not 2 <= min_scenes <= len(scenes):
            raise ValidationError("Ask for plates seen at two or more of the scenes.")
        elements = {"scenes": [_scene_elements(s) for s in scenes], "min_scenes": min_scenes}
        caller = self._gate.require(caller, Permission.SEARCH_HISTORY, action="canvass_multi_scene", query=elements)
        with self._db.transaction() as session:
            seen: dict[str, dict[str, list[ReadHit]]] = defaultdict(dict)
            for scene in scenes:
                if scene.start >= scene.end:
                    raise ValidationError(f"The window of scene {scene.label!r} ends before it starts.")
                criteria = SearchCriteria(near=scene.near, radius_m=scene.radius_m, start=scene.start,
                                          end=scene.end, limit=1_000_000)
                hits, _ = self._run(session, criteria, None)
                for hit in hits:
                    seen[hit.plate].setdefault(scene.label, []).append(hit)
            result = [
                PlateAcrossScenes(plate, tuple(by_scene), [h for reads in by_scene.values() for h in reads])
                for plate, by_scene in seen.items() if len(by_scene) >= min_scenes
            ]
            result.sort(key=lambda p: (-len(p.scenes), p.plate))
            audit_log.append(session, facts(caller), action="canvass_multi_scene", outcome=Outcome.OK.value,
                             now=self._now(), query=elements, result_count=len(result))
        return result

    # --- associates (convoy) -----------------------------------------------------------

    def associates(self, caller: Caller, target: str, window_s: int = 60, min_occasions: int = 2,
                   start=None, end=None) -> list[Associate]:
        """Plates read at the same source within `window_s` seconds of the target, on at
        least `min_occasions` separate reads of the target."""
        require_purpose(caller)
        plate = normalise_plate(target)
        if not plate:
            raise ValidationError("Give the target's full plate.")
        if not 1 <= window_s <= MAX_ASSOCIATE_WINDOW_S:
            raise ValidationError(f"The window is between 1 and {MAX_ASSOCIATE_WINDOW_S} seconds.")
        elements = {"target": plate, "window_s": window_s, "min_occasions": min_occasions,
                    "from": start.isoformat() if start else None, "to": end.isoformat() if end else None}
        caller = self._gate.require(caller, Permission.SEARCH_HISTORY, action="associates", query=elements)
        with self._db.transaction() as session:
            target_reads = _read_columns().join(Plate, Plate.id == PlateRead.plate_id).where(Plate.text == plate)
            if start:
                target_reads = target_reads.where(PlateRead.captured_at >= start)
            if end:
                target_reads = target_reads.where(PlateRead.captured_at < end)
            occasions: dict[str, set[int]] = defaultdict(set)
            reads: dict[str, list[ReadHit]] = defaultdict(list)
            window = timedelta(seconds=window_s)
            names = _source_names(session)
            for anchor in session.execute(target_reads.order_by(PlateRead.captured_at)).all():
                nearby = _read_columns().add_columns(Plate.text).join(Plate, Plate.id == PlateRead.plate_id).where(
                    PlateRead.source_id == anchor.source_id,
                    PlateRead.captured_at.between(anchor.captured_at - window, anchor.captured_at + window),
                    Plate.text != plate,
                )
                for hit in _hits(*driver_rows(session.connection(), nearby), None, names, None):
                    occasions[hit.plate].add(anchor.id)
                    reads[hit.plate].append(hit)
            result = [Associate(p, len(o), reads[p]) for p, o in occasions.items() if len(o) >= min_occasions]
            result.sort(key=lambda a: (-a.occasions, a.plate))
            audit_log.append(session, facts(caller), action="associates", outcome=Outcome.OK.value,
                             now=self._now(), query=elements, result_count=len(result))
        return result


def _read_columns() -> Select:
    """A read's own columns; the plate's text and the source's name are looked up apart
    (a join per row costs more than a dictionary)."""
    return select(PlateRead.id, PlateRead.plate_id, PlateRead.state, PlateRead.captured_at, PlateRead.lat,
                  PlateRead.lon, PlateRead.source_id, PlateRead.confidence, PlateRead.plate_as_read)


_PLATE_ID, _CAPTURED_AT, _LAT, _LON, _WIDTH = 1, 3, 4, 5, 9  # positions in _read_columns()
_captured_at = operator.itemgetter(_CAPTURED_AT)


def _source_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Source.id, Source.name)).all())


def _hits(rows: list[tuple], converters: list[Converter], texts: dict[int, str] | None,
          names: dict[int, str], pattern: PlatePattern | None) -> Hits:
    """Driver rows of _read_columns() (then the plate's text when `texts` is None) as the
    columns of Hits, each hit marked exact or fuzzy and named by its source."""
    n = len(rows)
    (ids, plate_ids, states, times, lats, lons, source_ids, confidences, as_read, *rest) = (
        to_columns(rows, converters, _WIDTH + (texts is None)))
    plates = rest[0] if texts is None else [texts[plate_id] for plate_id in plate_ids]
    fuzzy, differences = [False] * n, [""] * n
    if pattern is not None and pattern.fuzzy:
        matches = {plate: pattern.match(plate) for plate in set(plates)}
        fuzzy = [matches[plate].fuzzy for plate in plates]
        differences = [matches[plate].describe() for plate in plates]
    return Hits({"id": ids, "plate": plates, "state": states, "captured_at": times, "lat": lats, "lon": lons,
                 "source": [names[source_id] for source_id in source_ids], "source_id": source_ids,
                 "confidence": confidences, "fuzzy": fuzzy, "differences": differences, "plate_as_read": as_read})


def _scene_elements(scene: Scene) -> dict:
    return {"label": scene.label, "near": [scene.near.lat, scene.near.lon], "radius_m": scene.radius_m,
            "from": scene.start.isoformat(), "to": scene.end.isoformat()}
