"""Retention (424.4): keep reads at least a year, then purge those not on evidence hold.

A purge first shows what it would delete (counts by month); the run itself deletes reads,
their alerts, plates no read uses any more, and images no remaining read references, in
batches with progress and cancel. The audit log is never touched. On SQLite, where
secure_delete is on, the WAL is checkpointed and truncated afterwards so no purged plate
is left in the database files; on PostgreSQL the tables are vacuumed.

"Held" is read straight from `evidence_holds` (released_at IS NULL) in `_held`, the one
query this module makes of the cases engineer's table.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select, union
from sqlalchemy.orm import Session

from app.data import audit_log
from app.data.db import Database, is_sqlite
from app.data.images import ImageStore
from app.data.orm import Alert, EvidenceHold, Plate, PlateRead, RetentionRun, StoredImage
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import ValidationError
from app.domain.roles import Permission
from app.jobs import Cancelled, CancelToken, Progress, ProgressCallback, no_progress
from app.services import system
from app.services.access import Gate, facts

log = logging.getLogger(__name__)

MIN_RETENTION_DAYS = 365  # Government Code §34090.6: at least one year
BATCH = 2000


@dataclass(frozen=True)
class MonthCount:
    month: str  # YYYY-MM (UTC)
    purge: int
    held: int


@dataclass(frozen=True)
class RetentionPreview:
    cutoff: datetime
    days: int
    months: list[MonthCount]
    reads: int
    held: int
    images: int


@dataclass(frozen=True)
class RetentionResult:
    run_id: int
    cutoff: datetime
    dry_run: bool
    deleted_reads: int
    deleted_images: int
    deleted_alerts: int
    deleted_plates: int
    kept_on_hold: int
    cancelled: bool = False
    months: list[MonthCount] = field(default_factory=list)


@dataclass(frozen=True)
class RetentionRunInfo:
    id: int
    run_by: str
    run_at: datetime
    cutoff: datetime
    dry_run: bool
    deleted_reads: int
    deleted_images: int
    kept_on_hold: int


def _held():
    """Reads on evidence hold: an unreleased EvidenceHold row for the read."""
    return exists().where(EvidenceHold.read_id == PlateRead.id, EvidenceHold.released_at.is_(None))


def _month(session: Session, column):
    if session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


class RetentionService:
    def __init__(self, db: Database, gate: Gate, images: ImageStore, now: Clock, batch_size: int = BATCH) -> None:
        self._db = db
        self._gate = gate
        self._images = images
        self._now = now
        self._batch = batch_size

    # --- the setting ---------------------------------------------------------------------

    def retention_days(self) -> int:
        with self._db.transaction() as session:
            return int(system.get_setting(session, system.RETENTION_DAYS, str(system.DEFAULT_RETENTION_DAYS)))

    def set_retention_days(self, caller: Caller, days: int) -> None:
        """Change the retention period; never under 365 days (424.4)."""
        if int(days) < MIN_RETENTION_DAYS:
            raise ValidationError(f"The retention period cannot be under {MIN_RETENTION_DAYS} days "
                                  f"(Policy 424.4: ALPR data is kept at least one year); {days} was refused.")
        caller = self._gate.require(caller, Permission.RUN_RETENTION, action="retention_setting",
                                    query={"days": int(days)})
        with self._db.transaction() as session:
            before = system.get_setting(session, system.RETENTION_DAYS, str(system.DEFAULT_RETENTION_DAYS))
            system.put_setting(session, system.RETENTION_DAYS, str(int(days)))
            audit_log.append(session, facts(caller), action="retention_setting", outcome=Outcome.OK.value,
                             now=self._now(), query={"days": int(days), "before": int(before)})

    def cutoff(self) -> datetime:
        return self._now() - timedelta(days=self.retention_days())

    # --- what a purge would delete ----------------------------------------------------

    def preview(self, caller: Caller) -> RetentionPreview:
        """Counts by month of the reads past the cutoff: to purge, and kept on hold."""
        caller = self._gate.require(caller, Permission.RUN_RETENTION, action="retention_preview")
        days = self.retention_days()
        cutoff = self._now() - timedelta(days=days)
        with self._db.transaction() as session:
            preview = self._count(session, cutoff, days)
            audit_log.append(session, facts(caller), action="retention_preview", outcome=Outcome.OK.value,
                             now=self._now(), query={"cutoff": cutoff.isoformat(), "days": days},
                             result_count=preview.reads)
        return preview

    def _count(self, session: Session, cutoff: datetime, days: int) -> RetentionPreview:
        month = _month(session, PlateRead.captured_at).label("month")
        held = _held().label("held")
        sub = select(month, held).where(PlateRead.captured_at < cutoff).subquery()
        rows = session.execute(select(sub.c.month, sub.c.held, func.count()).group_by(sub.c.month, sub.c.held)
                               .order_by(sub.c.month)).all()
        by_month: dict[str, list[int]] = {}
        for name, is_held, count in rows:
            by_month.setdefault(name, [0, 0])[1 if is_held else 0] += count
        months = [MonthCount(m, p, h) for m, (p, h) in sorted(by_month.items())]
        return RetentionPreview(cutoff, days, months, sum(m.purge for m in months), sum(m.held for m in months),
                                self._count_images(session, cutoff))

    @staticmethod
    def _count_images(session: Session, cutoff: datetime) -> int:
        """Images that only purgeable reads reference (what the purge would delete)."""
        purge = (PlateRead.captured_at < cutoff) & ~_held()
        keep = ~purge
        gone = union(select(PlateRead.image_sha256.label("sha")).where(purge, PlateRead.image_sha256.is_not(None)),
                     select(PlateRead.crop_sha256.label("sha")).where(purge, PlateRead.crop_sha256.is_not(None))
                     ).subquery()
        kept = union(select(PlateRead.image_sha256.label("sha")).where(keep, PlateRead.image_sha256.is_not(None)),
                     select(PlateRead.crop_sha256.label("sha")).where(keep, PlateRead.crop_sha256.is_not(None))
                     ).subquery()
        return session.scalar(select(func.count()).select_from(gone).where(gone.c.sha.not_in(select(kept.c.sha))))

    # --- the run ----------------------------------------------------------------------

    def run(self, caller: Caller, *, dry_run: bool = False, cancel: CancelToken | None = None,
            progress: ProgressCallback = no_progress) -> RetentionResult:
        """Purge reads older than the cutoff that are not on hold, or only count them.

        Each batch is its own transaction, so a cancel keeps what was purged and stops
        cleanly; the run is recorded (who, when, cutoff, counts deleted and kept on hold)
        whether it finished, was cancelled or dry. Raises Cancelled after recording a
        cancelled run.
        """
        action = "retention_dry_run" if dry_run else "retention_purge"
        caller = self._gate.require(caller, Permission.RUN_RETENTION, action=action)
        cancel = cancel or CancelToken()
        days = self.retention_days()
        cutoff = self._now() - timedelta(days=days)
        with self._db.transaction() as session:
            preview = self._count(session, cutoff, days)
            if dry_run:
                run_id = self._record(session, caller, action, cutoff, True, preview.reads, preview.images, 0, 0,
                                      preview.held, Outcome.OK, "")
                return RetentionResult(run_id, cutoff, True, preview.reads, preview.images, 0, 0, preview.held,
                                       months=preview.months)
            audit_log.append(session, facts(caller), action="retention_purge_started", outcome=Outcome.OK.value,
                             now=self._now(), query={"cutoff": cutoff.isoformat(), "days": days},
                             result_count=preview.reads)
        totals = {"reads": 0, "images": 0, "alerts": 0, "plates": 0}
        outcome, detail, cancelled = Outcome.OK, "", False
        started = time.monotonic()
        progress(Progress(0, preview.reads, "Purging reads"))
        try:
            while True:
                cancel.raise_if_cancelled()
                files = self._purge_batch(cutoff, totals)
                if files is None:
                    break
                for sha in files:  # after the commit: a rolled-back batch never loses a file
                    self._images.delete(sha)
                rate = totals["reads"] / max(time.monotonic() - started, 1e-6)
                progress(Progress(min(totals["reads"], preview.reads), preview.reads, "Purging reads", rate))
        except Cancelled:
            outcome, detail, cancelled = Outcome.FAILED, "cancelled by the user", True
        except Exception as exc:
            outcome, detail = Outcome.FAILED, f"stopped on an error: {exc}"
            raise
        finally:
            with self._db.transaction() as session:
                held = session.scalar(select(func.count()).select_from(PlateRead)
                                      .where(PlateRead.captured_at < cutoff, _held()))
                run_id = self._record(session, caller, action, cutoff, False, totals["reads"], totals["images"],
                                      totals["alerts"], totals["plates"], held, outcome, detail)
            self._compact()
        if cancelled:
            raise Cancelled()
        progress(Progress(preview.reads, preview.reads, "Purge finished"))
        return RetentionResult(run_id, cutoff, False, totals["reads"], totals["images"], totals["alerts"],
                               totals["plates"], held, months=preview.months)

    def _purge_batch(self, cutoff: datetime, totals: dict[str, int]) -> list[str] | None:
        """Delete one batch of purgeable reads; the image files to remove after the commit, or None when done."""
        with self._db.transaction() as session:
            rows = session.execute(
                select(PlateRead.id, PlateRead.plate_id, PlateRead.image_sha256, PlateRead.crop_sha256)
                .where(PlateRead.captured_at < cutoff, ~_held()).order_by(PlateRead.id).limit(self._batch)).all()
            if not rows:
                return None
            ids = [r.id for r in rows]
            plate_ids = sorted({r.plate_id for r in rows})
            shas = sorted({s for r in rows for s in (r.image_sha256, r.crop_sha256) if s})
            totals["alerts"] += session.execute(delete(Alert).where(Alert.read_id.in_(ids))).rowcount
            # Released holds of a purged read go with it; the hold's history stays in the audit log.
            session.execute(delete(EvidenceHold).where(EvidenceHold.read_id.in_(ids)))
            totals["reads"] += session.execute(delete(PlateRead).where(PlateRead.id.in_(ids))).rowcount
            totals["plates"] += session.execute(delete(Plate).where(
                Plate.id.in_(plate_ids), ~exists().where(PlateRead.plate_id == Plate.id))).rowcount
            orphans = []
            if shas:
                used = set(session.scalars(select(PlateRead.image_sha256).where(PlateRead.image_sha256.in_(shas))))
                used |= set(session.scalars(select(PlateRead.crop_sha256).where(PlateRead.crop_sha256.in_(shas))))
                orphans = [s for s in shas if s not in used]
                if orphans:
                    session.execute(delete(StoredImage).where(StoredImage.sha256.in_(orphans)))
            totals["images"] += len(orphans)
            return orphans

    def _record(self, session: Session, caller: Caller, action: str, cutoff: datetime, dry_run: bool, reads: int,
                images: int, alerts: int, plates: int, held: int, outcome: Outcome, detail: str) -> int:
        now = self._now()
        run = RetentionRun(run_by=caller.username, run_at=now, cutoff=cutoff, dry_run=dry_run, deleted_reads=reads,
                           deleted_images=images, kept_on_hold=held)
        session.add(run)
        session.flush()
        audit_log.append(session, facts(caller), action=action, outcome=outcome.value, now=now, result_count=reads,
                         query={"run_id": run.id, "cutoff": cutoff.isoformat(), "dry_run": dry_run, "reads": reads,
                                "images": images, "alerts": alerts, "plates": plates, "kept_on_hold": held},
                         detail=detail)
        return run.id

    def _compact(self) -> None:
        """Leave no purged plate in the database files: fold the WAL back and truncate it
        (SQLite, whose secure_delete has zeroed the freed cells), or vacuum (PostgreSQL)."""
        engine = self._db.engine
        if is_sqlite(engine):
            raw = engine.raw_connection()
            try:
                for _ in range(20):
                    busy, _, _ = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                    if not busy:
                        return
                    time.sleep(0.1)
                log.warning("the WAL checkpoint after the purge stayed busy; it completes at the next checkpoint")
            finally:
                raw.close()
            return
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("plate_reads", "plates", "alerts", "images", "evidence_holds"):
                conn.exec_driver_sql(f"VACUUM {table}")  # fixed names, no user input

    def list_runs(self, caller: Caller, limit: int = 50) -> list[RetentionRunInfo]:
        self._gate.require(caller, Permission.RUN_RETENTION, action="retention_runs_list")
        with self._db.transaction() as session:
            runs = session.scalars(select(RetentionRun).order_by(RetentionRun.id.desc()).limit(limit)).all()
            return [RetentionRunInfo(r.id, r.run_by, r.run_at, r.cutoff, r.dry_run, r.deleted_reads,
                                     r.deleted_images, r.kept_on_hold) for r in runs]
