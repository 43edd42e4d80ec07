"""Export of selected search results to CSV: data leaving the system, so an audited access."""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

from sqlalchemy import select

from app.data import audit_log
from app.data.db import Database
from app.data.orm import Plate, PlateRead, Source
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import ValidationError
from app.domain.roles import Permission
from app.services.access import Gate, facts
from app.services.search import require_purpose

CSV_FIELDS = ["id", "plate", "plate_as_read", "state", "captured_at_utc", "lat", "lon", "source", "confidence",
              "image_sha256", "crop_sha256"]
MAX_EXPORT = 1_000_000


class ExportService:
    def __init__(self, db: Database, gate: Gate, now: Clock) -> None:
        self._db = db
        self._gate = gate
        self._now = now

    def export_reads_csv(self, caller: Caller, read_ids: list[int], out: Path) -> int:
        """Write the chosen reads to `out`; the file appears whole or not at all."""
        require_purpose(caller)
        ids = sorted(set(read_ids))
        if not ids:
            raise ValidationError("Select the reads to export first.")
        if len(ids) > MAX_EXPORT:
            raise ValidationError(f"Export at most {MAX_EXPORT:,} reads at a time.")
        elements = {"reads": len(ids), "first_ids": ids[:20], "out": str(out)}
        caller = self._gate.require(caller, Permission.SEARCH_HISTORY, action="export_csv", query=elements)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".export-", suffix=".csv")
        try:
            with self._db.transaction() as session, os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(CSV_FIELDS)
                count = 0
                for chunk_start in range(0, len(ids), 5000):
                    chunk = ids[chunk_start:chunk_start + 5000]
                    rows = session.execute(
                        select(PlateRead.id, Plate.text, PlateRead.plate_as_read, PlateRead.state,
                               PlateRead.captured_at, PlateRead.lat, PlateRead.lon, Source.name,
                               PlateRead.confidence, PlateRead.image_sha256, PlateRead.crop_sha256)
                        .join(Plate, Plate.id == PlateRead.plate_id).join(Source, Source.id == PlateRead.source_id)
                        .where(PlateRead.id.in_(chunk)).order_by(PlateRead.id))
                    for row in rows:
                        values = list(row)
                        values[4] = row.captured_at.isoformat(timespec="seconds") + "Z"
                        writer.writerow(values)
                        count += 1
                audit_log.append(session, facts(caller), action="export_csv", outcome=Outcome.OK.value,
                                 now=self._now(), query=elements, result_count=count)
                handle.flush()
                os.fsync(handle.fileno())
                os.replace(tmp, out)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return count
