"""Opening one read: its image, crop and facts. An access like any search."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.data import audit_log
from app.data.db import Database
from app.data.images import ImageStore
from app.data.orm import Plate, PlateRead, Source
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import NotFound
from app.domain.roles import Permission
from app.services.access import Gate, facts


@dataclass(frozen=True)
class ReadDetail:
    id: int
    plate: str
    plate_as_read: str
    corrected_text: str | None
    state: str | None
    confidence: float
    captured_at: datetime
    lat: float
    lon: float
    source: str
    image_sha256: str | None
    crop_sha256: str | None
    video_sha256: str | None
    frame: int | None
    t_video_s: float | None


class ReadService:
    def __init__(self, db: Database, gate: Gate, images: ImageStore, now: Clock) -> None:
        self._db = db
        self._gate = gate
        self.images = images
        self._now = now

    def get_read(self, caller: Caller, read_id: int) -> ReadDetail:
        caller = self._gate.require(caller, Permission.VIEW_READ, action="read_open", query={"read_id": read_id})
        with self._db.transaction() as session:
            row = session.execute(
                select(PlateRead, Plate.text, Source.name)
                .join(Plate, Plate.id == PlateRead.plate_id)
                .join(Source, Source.id == PlateRead.source_id)
                .where(PlateRead.id == read_id)
            ).first()
            audit_log.append(session, facts(caller), action="read_open", outcome=Outcome.OK.value,
                             now=self._now(), query={"read_id": read_id, "plate": row[1] if row else None},
                             result_count=1 if row else 0)
        if row is None:
            raise NotFound(f"No read with id {read_id}.")
        read, plate, source = row
        return ReadDetail(
            id=read.id, plate=plate, plate_as_read=read.plate_as_read, corrected_text=read.corrected_text,
            state=read.state, confidence=read.confidence, captured_at=read.captured_at, lat=read.lat,
            lon=read.lon, source=source, image_sha256=read.image_sha256, crop_sha256=read.crop_sha256,
            video_sha256=read.video_sha256, frame=read.frame, t_video_s=read.t_video_s,
        )

    def count_reads(self) -> int:
        """How many reads are stored: a figure for the status bar, no plate data."""
        with self._db.transaction() as session:
            return session.scalar(select(func.count()).select_from(PlateRead)) or 0
