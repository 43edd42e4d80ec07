"""Verifying and exporting the access log (424.5(c))."""
from __future__ import annotations

import csv
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from app.data import audit_log
from app.data.audit_log import Checkpoint
from app.data.db import Database
from app.data.orm import AuditRecord
from app.domain.accounts import Caller
from app.domain.audit import AuditEntry, ChainReport, Outcome
from app.domain.clock import Clock
from app.domain.errors import ValidationError
from app.domain.roles import Permission
from app.services.access import Gate, facts

EXPORT_FIELDS = [f for f in AuditEntry.__dataclass_fields__]
MAX_PAGE = 5000


@dataclass(frozen=True)
class AuditFilters:
    """What the audit viewer narrows the log to; empty fields do not filter."""

    username: str = ""
    start: datetime | None = None  # naive UTC, inclusive
    end: datetime | None = None    # naive UTC, exclusive
    action: str = ""
    plate: str = ""                # found anywhere in the record's query elements
    case_number: str = ""          # part of the case number
    outcome: str = ""              # ok | refused | failed
    offset: int = 0
    limit: int = 500
    newest_first: bool = True

    def elements(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(self).items()
                if v not in ("", None) and k not in ("offset", "limit", "newest_first")}


class AuditService:
    def __init__(self, db: Database, gate: Gate, checkpoint: Checkpoint | None, now: Clock) -> None:
        self._db = db
        self._gate = gate
        self._checkpoint = checkpoint
        self._now = now

    def verify(self, caller: Caller) -> ChainReport:
        """Walk the chain and compare it with the signed checkpoint; the check is itself audited."""
        caller = self._gate.require(caller, Permission.AUDIT_REVIEW, action="audit_verify")
        with self._db.transaction() as session:
            report = verify_database(session, self._checkpoint)
            audit_log.append(session, facts(caller), action="audit_verify",
                             outcome=Outcome.OK.value if report.ok else Outcome.FAILED.value,
                             now=self._now(), result_count=report.records, detail=report.describe())
        return report

    def export(self, caller: Caller, out: Path, fmt: str = "csv") -> int:
        """Write the whole log to `out` (csv or jsonl); a half-written file never appears."""
        if fmt not in ("csv", "jsonl"):
            raise ValidationError("The export format is csv or jsonl.")
        caller = self._gate.require(caller, Permission.AUDIT_REVIEW, action="audit_export",
                                    query={"out": str(out), "format": fmt})
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".audit-export-")
        count = 0
        try:
            with self._db.transaction() as session, os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, EXPORT_FIELDS) if fmt == "csv" else None
                if writer:
                    writer.writeheader()
                for entry in audit_log.iter_entries(session):
                    row = asdict(entry)
                    row["occurred_at"] = entry.occurred_at.isoformat(timespec="microseconds") + "Z"
                    if writer:
                        writer.writerow(row)
                    else:
                        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
                audit_log.append(session, facts(caller), action="audit_export", outcome=Outcome.OK.value,
                                 now=self._now(), query={"out": str(out), "format": fmt}, result_count=count)
                handle.flush()
                os.fsync(handle.fileno())
                os.replace(tmp, out)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return count


    def search(self, caller: Caller, filters: AuditFilters = AuditFilters()) -> list[AuditEntry]:
        """One page of the access log matching `filters` (424.5(c)); the review is itself recorded."""
        caller = self._gate.require(caller, Permission.AUDIT_REVIEW, action="audit_search", query=filters.elements())
        if not 1 <= filters.limit <= MAX_PAGE or filters.offset < 0:
            raise ValidationError(f"A page holds 1 to {MAX_PAGE} records.")
        with self._db.transaction() as session:
            order = AuditRecord.seq.desc() if filters.newest_first else AuditRecord.seq
            stmt = _filtered(select(AuditRecord), filters).order_by(order).offset(filters.offset).limit(filters.limit)
            entries = list(audit_log.iter_entries(session, stmt))
            audit_log.append(session, facts(caller), action="audit_search", outcome=Outcome.OK.value,
                             now=self._now(), query=filters.elements(), result_count=len(entries))
        return entries

    def count(self, caller: Caller, filters: AuditFilters = AuditFilters()) -> int:
        """How many records match (for the viewer's pager); no record content is read."""
        self._gate.require(caller, Permission.AUDIT_REVIEW, action="audit_search")
        with self._db.transaction() as session:
            return session.scalar(_filtered(select(func.count()).select_from(AuditRecord), filters)) or 0

    def actions(self, caller: Caller) -> list[str]:
        """The actions present in the log, for the viewer's filter."""
        self._gate.require(caller, Permission.AUDIT_REVIEW, action="audit_search")
        with self._db.transaction() as session:
            return list(session.scalars(select(AuditRecord.action).distinct().order_by(AuditRecord.action)))


def _filtered(stmt, f: AuditFilters):
    if f.username.strip():
        stmt = stmt.where(AuditRecord.username == f.username.strip())
    if f.start:
        stmt = stmt.where(AuditRecord.occurred_at >= f.start)
    if f.end:
        stmt = stmt.where(AuditRecord.occurred_at < f.end)
    if f.action.strip():
        stmt = stmt.where(AuditRecord.action == f.action.strip())
    if f.outcome.strip():
        stmt = stmt.where(AuditRecord.outcome == f.outcome.strip().lower())
    if f.plate.strip():
        # Bound and escaped: a typed % or _ is literal. Plates are stored upper-case.
        stmt = stmt.where(AuditRecord.query.contains(f.plate.strip().upper(), autoescape=True))
    if f.case_number.strip():
        stmt = stmt.where(AuditRecord.case_number.contains(f.case_number.strip(), autoescape=True))
    return stmt


def verify_database(session, checkpoint: Checkpoint | None) -> ChainReport:
    return audit_log.verify_chain(session, checkpoint)
