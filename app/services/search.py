"""Historical search (424.3): plates, partial plates, canvass, multi-scene and associates.

Only dispatchers, corporals and detectives reach it; each query needs a purpose and a case
or incident number (424.5(b)) and writes its own access record with its data elements and
the number of results, in the same transaction as the query.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import Select, not_, select
from sqlalchemy.orm import Session

from app.data import audit_log
from app.data.db import Database
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
    Associate, PlateAcrossScenes, ReadHit, Scene, SearchCriteria, SearchResult, SourceInfo,
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
             pattern: PlatePattern | None) -> tuple[list[ReadHit], bool]:
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
        rows = self._rows(session, stmt, pattern, limit)

        hits: list[ReadHit] = []
        matches: dict[str, object] = {}
        hits: list[ReadHit] = []
        matches: dict[str, object] = {}
        for row in rows:
            point = GeoPoint(row.lat, row.lon)
            if criteria.near is not None and distance_m(criteria.near, point) > criteria.radius_m:
                continue
            if criteria.area and not in_polygon(point, criteria.area):
                continue
            fuzzy, differences = False, ""
            if pattern is not None and pattern.fuzzy:
                if row.plate not in matches:
                    matches[row.plate] = pattern.match(row.plate)
                found = matches[row.plate]
                fuzzy, differences = found.fuzzy, found.describe()
            hits.append(_hit(row, fuzzy, differences))
            if len(hits) > criteria.limit:
                break
        truncated = len(hits) > criteria.limit
        hits = hits[: criteria.limit]
        hits.sort(key=lambda h: h.fuzzy)  # stable: exact hits first, each group newest first
        return hits, truncated

    @staticmethod
    def _rows(session: Session, stmt: Select, pattern: PlatePattern | None, limit: int | None):
        """The reads, exact hits first, each group newest first. A pattern is matched against
        the distinct plates first: when few plates match, their reads come by the (plate,
        time) index; when many do, walking the time index finds the newest of them sooner."""
        newest_first = PlateRead.captured_at.desc()
        if pattern is None:
            return session.execute(stmt.order_by(newest_first).limit(limit))
        condition = plate_condition(session, pattern)
        plates = session.execute(select(Plate.id, Plate.text).where(condition).limit(FEW_PLATES + 1)).all()
        if len(plates) > FEW_PLATES:
            if not pattern.fuzzy:
                return session.execute(stmt.where(condition).order_by(newest_first).limit(limit))
            exact = plate_condition(session, PlatePattern(pattern.tokens))
            rows = session.execute(stmt.where(exact).order_by(newest_first).limit(limit)).all()
            if limit is None or len(rows) < limit:
                rest = None if limit is None else limit - len(rows)
                rows += session.execute(stmt.where(condition, not_(exact)).order_by(newest_first).limit(rest)).all()
            return rows
        if not plates:
            return []
        # No ORDER BY in SQL here: with one, a planner may walk the time index instead.
        rows = session.execute(stmt.where(PlateRead.plate_id.in_([plate_id for plate_id, _ in plates]))).all()
        fuzzy = {text for _, text in plates if pattern.fuzzy and pattern.match(text).fuzzy}
        rows.sort(key=lambda row: row.captured_at, reverse=True)
        rows.sort(key=lambda row: row.plate in fuzzy)
        return rows if limit is None else rows[:limit]

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
            target_reads = _read_columns().where(Plate.text == plate)
            if start:
                target_reads = target_reads.where(PlateRead.captured_at >= start)
            if end:
                target_reads = target_reads.where(PlateRead.captured_at < end)
            occasions: dict[str, set[int]] = defaultdict(set)
            reads: dict[str, list[ReadHit]] = defaultdict(list)
            window = timedelta(seconds=window_s)
            for anchor in session.execute(target_reads.order_by(PlateRead.captured_at)).all():
                nearby = _read_columns().where(
                    PlateRead.source_id == anchor.source_id,
                    PlateRead.captured_at.between(anchor.captured_at - window, anchor.captured_at + window),
                    Plate.text != plate,
                )
                for row in session.execute(nearby):
                    occasions[row.plate].add(anchor.id)
                    reads[row.plate].append(_hit(row))
            result = [Associate(p, len(o), reads[p]) for p, o in occasions.items() if len(o) >= min_occasions]
            result.sort(key=lambda a: (-a.occasions, a.plate))
            audit_log.append(session, facts(caller), action="associates", outcome=Outcome.OK.value,
                             now=self._now(), query=elements, result_count=len(result))
        return result


def _read_columns() -> Select:
    return (
        select(PlateRead.id, Plate.text.label("plate"), PlateRead.state, PlateRead.captured_at,
               PlateRead.lat, PlateRead.lon, Source.name.label("source"), PlateRead.source_id,
               PlateRead.confidence, PlateRead.plate_as_read)
        .join(Plate, Plate.id == PlateRead.plate_id)
        .join(Source, Source.id == PlateRead.source_id)
    )


def _hit(row, fuzzy: bool = False, differences: str = "") -> ReadHit:
    return ReadHit(
        id=row.id, plate=row.plate, state=row.state, captured_at=row.captured_at, lat=row.lat, lon=row.lon,
        source=row.source, source_id=row.source_id, confidence=row.confidence, fuzzy=fuzzy,
        differences=differences, plate_as_read=row.plate_as_read,
    )


def _scene_elements(scene: Scene) -> dict:
    return {"label": scene.label, "near": [scene.near.lat, scene.near.lon], "radius_m": scene.radius_m,
            "from": scene.start.isoformat(), "to": scene.end.isoformat()}
