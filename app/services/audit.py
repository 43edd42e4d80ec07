"""Verifying and exporting the access log (424.5(c))."""
from __future__ import annotations

import csv
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from app.data import audit_log
from app.data.audit_log import Checkpoint
from app.data.db import Database
from app.domain.accounts import Caller
from app.domain.audit import AuditEntry, ChainReport, Outcome
from app.domain.clock import Clock
from app.domain.errors import ValidationError
from app.domain.roles import Permission
from app.services.access import Gate, facts

EXPORT_FIELDS = [f for f in AuditEntry.__dataclass_fields__]


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


def verify_database(session, checkpoint: Checkpoint | None) -> ChainReport:
    return audit_log.verify_chain(session, checkpoint)
