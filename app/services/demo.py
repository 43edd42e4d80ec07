"""Demo data that looks real: Glendora's cameras, 14 months of reads, a stolen-vehicle hotlist.

The town, the fleet and the traffic are built in demo_world and demo_traffic; this module
draws the plate crops, writes everything with bulk Core inserts, and keeps the run whole:
one transaction for all rows, so a cancel (or a crash) leaves nothing of the run behind.
"""
from __future__ import annotations

import json
import queue
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterator

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from app.data import audit_log
from app.data.db import Database
from app.data.images import ImageStore, sha256_bytes
from app.data.orm import Hotlist, HotlistEntry, ImportBatch, Plate, PlateRead, Source, StoredImage
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import ValidationError
from app.domain.roles import Permission
from app.jobs import CancelToken, Progress, ProgressCallback, no_progress
from app.services.access import Gate, facts
from app.services.hotlists import back_search
from app.services.demo_plate_image import PNG_MEDIA_TYPE, render_plate_png
from app.services.demo_traffic import DAY, ReadArrays, Traffic, months_before
from app.services.demo_world import COMMUTER, LOCAL, PATROL_UNITS, VISITOR, Fleet, build_fleet, build_town, fleet_sizes

__all__ = ["DemoService", "DemoSummary", "render_plate_png", "HOTLIST_NAME"]

MONTHS = 14
READ_BATCH = 50_000
LOOKUP_CHUNK = 500  # bound parameters per IN (...) lookup
MAX_READS = 100_000_000
HOTLIST_NAME = "Demo: CA stolen vehicle system extract"
# SQLite page cache while seeding, by the run's size: 256 MB to 1 GB, about 1 KB per 3 reads.
_SQLITE_CACHE_KIB = (256 * 1024, 1024 * 1024)
_MAKES = (("Honda", "Civic", "silver"), ("Toyota", "Camry", "white"), ("Ford", "F-150", "black"),
          ("Nissan", "Altima", "grey"), ("Chevrolet", "Silverado", "red"), ("Hyundai", "Elantra", "blue"),
          ("Kia", "Optima", "white"), ("Toyota", "Tacoma", "tan"), ("Honda", "Accord", "black"))


@dataclass(frozen=True)
class DemoSummary:
    reads: int
    vehicles: int
    sources: int
    hotlist_entries: int
    first: datetime
    last: datetime


class _Reporter:
    """Progress in reads written, at most ten times a second; the first report of each
    phase (drawing crops, writing reads) and the last always go through."""

    def __init__(self, callback: ProgressCallback, total: int) -> None:
        self._callback, self._total = callback, total
        self._last, self._phase = 0.0, ""

    def __call__(self, done: int, message: str, rate: float | None = None, force: bool = False) -> None:
        now = time.monotonic()
        phase = message.split(" (")[0]
        if force or phase != self._phase or now - self._last >= 0.1:
            self._last, self._phase = now, phase
            self._callback(Progress(done, self._total, message, rate))


class DemoService:
    def __init__(self, db: Database, gate: Gate, images: ImageStore, now: Clock,
                 batch_size: int = READ_BATCH) -> None:
        self._db = db
        self._gate = gate
        self._images = images
        self._now = now
        self._batch_size = batch_size

    def seed(self, caller: Caller, reads: int, seed: int = 424, progress: ProgressCallback = no_progress,
             cancel: CancelToken | None = None) -> DemoSummary:
        """Seed `reads` demo reads over the 14 months ending now, for the IS supervisor.

        Fixed cameras at Glendora intersections and patrol units on its streets read the
        plates of commuters, locals, repeat visitors and passers-by; each vehicle gets a
        plate-crop PNG, a few go on a demo stolen-vehicle hotlist. The same seed (and clock)
        gives the same data. Seeding again adds a further batch, reusing sources and plates.
        All rows are written in one transaction with the audit record: on cancel, Cancelled
        is raised and neither rows nor newly stored images of the run remain.
        """
        query = {"reads": reads, "seed": seed}
        caller = self._gate.require(caller, Permission.SEED_DEMO, action="demo_seed", query=query)
        if not 1 <= reads <= MAX_READS:
            raise ValidationError(f"Ask for between 1 and {MAX_READS:,} demo reads.")
        cancel = cancel or CancelToken()
        end = self._now().replace(microsecond=0)
        start = months_before(end, MONTHS)
        town = build_town()
        fleet = build_fleet(np.random.default_rng([seed, 1]), town,
                            fleet_sizes(reads, (end - start).total_seconds() / DAY))
        traffic = Traffic(np.random.default_rng([seed, 2]), town, fleet, reads, start, end, len(PATROL_UNITS))
        report = _Reporter(progress, reads)
        store = _CropWriter(self._images)
        try:
            crops = self._draw_crops(fleet, store, cancel, report)
            with self._db.transaction() as session:
                conn = session.connection()
                with _sqlite_page_cache(conn, reads):
                    first, last, added, batch_id = self._write(conn, caller, town, fleet, traffic, crops, seed,
                                                               reads, end, cancel, report)
                # Stored reads of the demo's hotlisted vehicles raise their alerts, as any read would.
                entry_ids = session.scalars(
                    select(HotlistEntry.id).join(Hotlist, Hotlist.id == HotlistEntry.hotlist_id)
                    .where(Hotlist.name == HOTLIST_NAME)).all()
                back_search(session, list(entry_ids), end)
                # Every crop a read names is on disk before the reads are committed.
                store.finish()
                audit_log.append(session, facts(caller), action="demo_seeded", outcome=Outcome.OK.value,
                                 now=self._now(), result_count=reads,
                                 query={**query, "batch_id": batch_id, "vehicles": len(fleet),
                                        "from": start.isoformat(), "to": end.isoformat()})
        except BaseException:
            store.abandon()  # the rows are rolled back; the files they would have named go too
            raise
        report(reads, "Updating the database's statistics", force=True)
        self._db.refresh_statistics(PlateRead.__tablename__, Plate.__tablename__)
        report(reads, "Demo data ready", force=True)
        return DemoSummary(reads=reads, vehicles=len(fleet), sources=len(town.cameras) + len(PATROL_UNITS),
                           hotlist_entries=added, first=first, last=last)

    def _write(self, conn: Connection, caller: Caller, town, fleet: Fleet, traffic: Traffic,
               crops: list[tuple[str, int]], seed: int, reads: int, end: datetime, cancel: CancelToken,
               report: _Reporter) -> tuple[datetime, datetime, int, int]:
        """Every row of the run, inside the caller's transaction."""
        sources = self._sources(conn, town)
        plate_ids = self._plate_ids(conn, fleet.plates)
        self._image_rows(conn, crops)
        batch_id = conn.execute(insert(ImportBatch).values(
            kind="demo", description=f"Demo data: {reads:,} reads, seed {seed}", file_sha256=None,
            created_by=caller.username, created_at=end,
        ).returning(ImportBatch.id)).scalar_one()
        first, last = self._write_reads(conn, traffic, fleet, plate_ids, crops, sources, batch_id,
                                        cancel, report)
        added = self._hotlist(conn, fleet, caller, end, np.random.default_rng([seed, 3]))
        return first, last, added, batch_id

    # --- images -----------------------------------------------------------------------

    def _draw_crops(self, fleet: Fleet, store: "_CropWriter", cancel: CancelToken,
                    report: _Reporter) -> list[tuple[str, int]]:
        """One plate-crop PNG per vehicle, handed to the store: (sha256, size) by vehicle number."""
        crops = []
        for i, (plate, state) in enumerate(zip(fleet.plates, fleet.states)):
            if i % 500 == 0:
                cancel.raise_if_cancelled()
                report(0, f"Drawing plate crops ({i:,} of {len(fleet):,} vehicles)")
            data = render_plate_png(plate, state)
            sha = sha256_bytes(data)
            store.put(sha, data)
            crops.append((sha, len(data)))
        cancel.raise_if_cancelled()
        return crops

    def _image_rows(self, conn: Connection, crops: list[tuple[str, int]]) -> None:
        wanted = dict(crops)
        have = _existing(conn, StoredImage.sha256, StoredImage.sha256, list(wanted))
        created = self._now()
        rows = [{"sha256": sha, "media_type": PNG_MEDIA_TYPE, "size_bytes": size, "created_at": created}
                for sha, size in wanted.items() if sha not in have]
        for at in range(0, len(rows), READ_BATCH):
            conn.execute(insert(StoredImage), rows[at:at + READ_BATCH])

    # --- reference rows ---------------------------------------------------------------

    @staticmethod
    def _sources(conn: Connection, town) -> list[int]:
        """Source ids: the fixed cameras first, then the patrol units, reused by name."""
        wanted = [dict(name=c.name, kind="fixed", lat=c.lat, lon=c.lon,
                       description="Demo fixed ALPR camera at an intersection in Glendora, CA")
                  for c in town.cameras]
        wanted += [dict(name=u, kind="mobile", lat=None, lon=None,
                        description="Demo mobile ALPR on a Glendora patrol car") for u in PATROL_UNITS]
        names = [w["name"] for w in wanted]
        have = _existing(conn, Source.name, Source.id, names)
        missing = [w for w in wanted if w["name"] not in have]
        if missing:
            conn.execute(insert(Source), missing)
            have.update(_existing(conn, Source.name, Source.id, [w["name"] for w in missing]))
        return [have[name] for name in names]

    @staticmethod
    def _plate_ids(conn: Connection, texts: list[str]) -> dict[str, int]:
        """Ids of the plates with these texts, adding the ones not stored yet."""
        have = _existing(conn, Plate.text, Plate.id, texts)
        missing = sorted(set(texts) - set(have))
        for at in range(0, len(missing), READ_BATCH):
            conn.execute(insert(Plate), [{"text": t} for t in missing[at:at + READ_BATCH]])
        have.update(_existing(conn, Plate.text, Plate.id, missing))
        return have

    # --- reads --------------------------------------------------------------------------

    def _write_reads(self, conn: Connection, traffic: Traffic, fleet: Fleet, plate_ids: dict[str, int],
                     crops: list[tuple[str, int]], sources: list[int], batch_id: int,
                     cancel: CancelToken, report: _Reporter) -> tuple[datetime, datetime]:
        # Per vehicle, what every read of it carries; a misread swaps in the look-alike plate
        # (slot offset + vehicle), whose plate row is added when a read first needs it.
        text = np.array(fleet.plates + [m or p for m, p in zip(fleet.misreads, fleet.plates)], dtype=object)
        plate_id = np.array([plate_ids[t] for t in fleet.plates] + [-1] * len(fleet), dtype=np.int64)
        state = np.array(fleet.states, dtype=object)
        crop = np.array([sha for sha, _ in crops], dtype=object)
        source_id = np.array(sources, dtype=np.int64)
        statement = insert(PlateRead)
        offset = len(fleet)  # misread slots follow the vehicles' own
        done, first, last = 0, None, None
        started = time.monotonic()
        report(0, "Writing reads")
        for batch in traffic.batches(self._batch_size):
            cancel.raise_if_cancelled()
            slots = np.unique(batch.vehicle[batch.misread]) + offset
            slots = slots[plate_id[slots] < 0]
            if len(slots):
                ids = self._plate_ids(conn, text[slots].tolist())
                plate_id[slots] = [ids[t] for t in text[slots]]
            rows = _read_rows(batch, text, plate_id, state, crop, source_id, offset, batch_id)
            conn.execute(statement, rows)
            first = first or rows[0]["captured_at"]
            last = rows[-1]["captured_at"]
            done += len(rows)
            report(done, "Writing reads", done / max(time.monotonic() - started, 1e-6))
        cancel.raise_if_cancelled()
        return first, last

    # --- hotlist ------------------------------------------------------------------------

    @staticmethod
    def _hotlist(conn: Connection, fleet: Fleet, caller: Caller, now: datetime, rng: np.random.Generator) -> int:
        """A few of the fleet's regulars on a demo hotlist: stolen vehicles, a stolen plate, a BOLO."""
        hotlist_id = conn.scalar(select(Hotlist.id).where(Hotlist.name == HOTLIST_NAME).order_by(Hotlist.id).limit(1))
        if hotlist_id is None:
            hotlist_id = conn.execute(insert(Hotlist).values(
                name=HOTLIST_NAME, file_sha256=None, imported_by=caller.username, imported_at=now,
            ).returning(Hotlist.id)).scalar_one()
        regulars = np.flatnonzero(np.isin(fleet.kind, [COMMUTER, LOCAL, VISITOR]))
        chosen = rng.choice(regulars, size=min(7, len(regulars)), replace=False)
        reasons = ["stolen_vehicle"] * (len(chosen) - 2) + ["stolen_plate", "bolo"]
        have = {(p, r) for p, r in conn.execute(
            select(HotlistEntry.plate, HotlistEntry.reason).where(HotlistEntry.hotlist_id == hotlist_id))}
        rows = []
        for vehicle, reason in zip(chosen.tolist(), reasons[-len(chosen):]):
            plate = fleet.plates[vehicle]
            if (plate, reason) in have:
                continue
            make, model, colour = _MAKES[int(rng.integers(len(_MAKES)))]
            entered = (now - timedelta(days=int(rng.integers(3, 200) if reason != "bolo" else 4))).date()
            rows.append(dict(
                hotlist_id=hotlist_id, plate=plate, state=fleet.states[vehicle], reason=reason,
                reference=f"{'BOLO' if reason == 'bolo' else 'SVS'}-{now:%y}-{int(rng.integers(10000, 99999))}",
                entered=entered, expires=entered + timedelta(days=30) if reason == "bolo" else None,
                extra=json.dumps({"make": make, "model": model, "colour": colour, "agency": "Glendora PD",
                                  "note": "demo data"}, sort_keys=True),
            ))
        if rows:
            conn.execute(insert(HotlistEntry), rows)
        return len(rows)


def _read_rows(batch: ReadArrays, text, plate_id, state, crop, source_id, offset: int, batch_id: int) -> list[dict]:
    """Rows for a Core executemany: lists out of numpy first, then one dict per read."""
    key = batch.vehicle + np.where(batch.misread, offset, 0)
    captured = batch.at.astype("datetime64[s]").tolist()
    return [
        {"plate_id": p, "plate_as_read": t, "state": s, "confidence": c, "captured_at": at, "lat": la,
         "lon": lo, "source_id": src, "crop_sha256": cr, "batch_id": batch_id}
        for p, t, s, c, at, la, lo, src, cr in zip(
            plate_id[key].tolist(), text[key].tolist(), state[batch.vehicle].tolist(),
            batch.confidence.tolist(), captured, batch.lat.tolist(), batch.lon.tolist(),
            source_id[batch.source].tolist(), crop[batch.vehicle].tolist())
    ]


class _CropWriter:
    """Writes plate crops to the image store on a second thread.

    Storing a file is mostly file-system calls, which run while the main thread draws the
    next crop and writes rows. The queue is bounded, so memory stays small however many
    vehicles there are. Only the writer touches the store; no database session crosses over.
    """

    def __init__(self, images: ImageStore, depth: int = 2000) -> None:
        self._images = images
        self._queue: queue.Queue = queue.Queue(depth)
        self._error: BaseException | None = None
        self.new: list[str] = []  # files this run created, read only after the thread ends
        self._thread = threading.Thread(target=self._run, name="demo-crop-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # keep draining so the producer never blocks on a dead writer
            sha, data = item
            try:
                if not self._images.exists(sha):
                    self._images.put(data)
                    self.new.append(sha)
            except BaseException as exc:  # reported by finish()
                self._error = exc

    def put(self, sha: str, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((sha, data))

    def finish(self) -> None:
        """Wait until every crop is stored; raise the writer's error if it had one."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error

    def abandon(self) -> None:
        """Stop, and delete the files this run created."""
        try:
            self.finish()
        except BaseException:  # noqa: BLE001 - the caller is already raising the first error
            pass
        for sha in self.new:
            self._images.delete(sha)


def _existing(conn: Connection, key_column, value_column, keys: list) -> dict:
    """{key: value} for the keys already stored, looked up a chunk of bound parameters at a time."""
    found = {}
    for at in range(0, len(keys), LOOKUP_CHUNK):
        chunk = keys[at:at + LOOKUP_CHUNK]
        found.update((k, v) for k, v in conn.execute(select(key_column, value_column).where(key_column.in_(chunk))))
    return found


@contextmanager
def _sqlite_page_cache(conn: Connection, reads: int) -> Iterator[None]:
    """A larger page cache for the run on SQLite, so the plate index (filled in random
    order) stays in memory; the pooled connection gets its own setting back afterwards.

    At 3 M reads, 1 GB instead of 256 MB cut the CPU time of a seed by 30 % and its time
    writing rows by half: pages of that index no longer go to the WAL and back."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar())
    low, high = _SQLITE_CACHE_KIB
    conn.exec_driver_sql(f"PRAGMA cache_size=-{min(high, max(low, reads // 3))}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={before}")
