"""Retention (424.4): the purge deletes exactly the old reads not on hold, and leaves no trace."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update

from app.data.orm import (Alert, AuditRecord, Case, EvidenceHold, Plate, PlateRead, RetentionRun,
                          StoredImage)
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.roles import Role
from app.jobs import Cancelled, CancelToken
from app.services.hotlists import HotlistService
from app.services.retention import RetentionService
from tests.integration.test_hotlists import store_reads

NOW = datetime(2026, 11, 27, 12, 0)  # the FakeClock's start
OLD = NOW - timedelta(days=400)
PURGED = "ZQXPRG1"   # a plate only ever read long ago: must vanish from the files
HELD = "HLDPLT8"
RELEASED = "RLSPLT7"
RECENT = "RCNTPL2"


@pytest.fixture
def retention(services):
    return RetentionService(services.db, services.gate, services.images, services.now, batch_size=2)


@pytest.fixture
def world(services, admin):
    """Old reads (one held, one whose hold was released), recent ones, shared and own crops, an alert."""
    HotlistService(services.db, services.gate, services.images, services.now).add_entry(
        admin, PURGED[:-1] + "I", "stolen_vehicle")  # a fuzzy hit (1/I): the entry text differs
    old = store_reads(services, [(PURGED, "CA", OLD), (PURGED, "CA", OLD + timedelta(days=31)),
                                 (HELD, "CA", OLD), (RELEASED, "CA", OLD + timedelta(days=2)),
                                 ("SHARED1", "CA", OLD)], image=b"crop of ")
    new = store_reads(services, [(RECENT, "CA", NOW - timedelta(days=30)),
                                 ("SHARED1", "CA", NOW - timedelta(days=3))], image=b"crop of ")
    with services.db.transaction() as s:
        case_id = s.execute(insert(Case).values(number="GPD-25-0042", title="Burglary", created_by="admin",
                                                created_at=OLD).returning(Case.id)).scalar_one()
        for read_id, released in ((old[2], None), (old[3], NOW - timedelta(days=1))):
            s.execute(insert(EvidenceHold).values(read_id=read_id, case_id=case_id, placed_by="admin", placed_at=OLD,
                                                  reason="evidence", released_at=released,
                                                  released_by="admin" if released else None))
        assert s.scalar(select(func.count()).select_from(Alert)) == 2
    return old, new


def _files(settings_url: str) -> bytes:
    path = Path(settings_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def _plates(services) -> set[str]:
    with services.db.transaction() as s:
        return set(s.scalars(select(Plate.text).join(PlateRead, PlateRead.plate_id == Plate.id)))


def test_the_period_is_never_under_a_year(services, retention, admin, make_user):
    assert retention.retention_days() == 365
    with pytest.raises(ValidationError, match="cannot be under 365 days"):
        retention.set_retention_days(admin, 364)
    retention.set_retention_days(admin, 730)
    assert retention.retention_days() == 730
    officer = make_user("ofc", Role.OFFICER)
    with pytest.raises(PermissionDenied):
        retention.set_retention_days(officer, 800)


def test_preview_and_dry_run_count_by_month_and_delete_nothing(services, retention, admin, world):
    preview = retention.preview(admin)
    assert preview.cutoff == NOW - timedelta(days=365)
    assert [(m.month, m.purge, m.held) for m in preview.months] == [("2025-10", 3, 1), ("2025-11", 1, 0)]
    assert (preview.reads, preview.held, preview.images) == (4, 1, 2)
    result = retention.run(admin, dry_run=True)
    assert (result.dry_run, result.deleted_reads, result.kept_on_hold) == (True, 4, 1)
    with services.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(PlateRead)) == 7
        run = s.get(RetentionRun, result.run_id)
        assert run.dry_run and run.run_by == "admin"


def test_purge_deletes_exactly_the_old_unheld_reads_and_leaves_no_trace(services, settings, retention, admin,
                                                                        world):
    old, new = world
    with services.db.transaction() as s:
        audit_before = s.scalar(select(func.count()).select_from(AuditRecord))
        crops = dict(s.execute(select(PlateRead.id, PlateRead.crop_sha256)).all())
    assert PURGED.encode() in _files(settings.db_url) or settings.db_url.startswith("postgresql")
    seen = []
    result = retention.run(admin, progress=seen.append)
    assert (result.deleted_reads, result.kept_on_hold, result.deleted_alerts) == (4, 1, 2)
    assert seen[-1].done == seen[-1].total == 4 and len(seen) >= 3  # batches of two
    with services.db.transaction() as s:
        left = set(s.scalars(select(PlateRead.id)))
        assert left == {old[2], *new}
        assert s.scalar(select(func.count()).select_from(AuditRecord)) > audit_before
        assert s.scalar(select(func.count()).select_from(Alert)) == 0
        assert s.scalar(select(func.count()).select_from(EvidenceHold)) == 1
        images = set(s.scalars(select(StoredImage.sha256)))
        run = s.get(RetentionRun, result.run_id)
        record = s.scalars(select(AuditRecord).where(AuditRecord.action == "retention_purge")).one()
    assert (run.deleted_reads, run.kept_on_hold, run.dry_run, run.run_by) == (4, 1, False, "admin")
    assert json.loads(record.query)["cutoff"] == (NOW - timedelta(days=365)).isoformat()
    assert _plates(services) == {HELD, RECENT, "SHARED1"}
    # Own crops of purged reads are gone from the store and the table; the shared one stays.
    for read_id in (old[0], old[1], old[3]):
        assert crops[read_id] not in images and not services.images.exists(crops[read_id])
    assert crops[old[4]] == crops[new[1]] and services.images.exists(crops[new[1]])
    assert services.images.exists(crops[old[2]])
    if settings.db_url.startswith("sqlite"):
        raw = _files(settings.db_url)
        assert PURGED.encode() not in raw and RELEASED.encode() not in raw
        assert HELD.encode() in raw
    assert services.audit.verify(admin).ok


def test_a_cancelled_purge_keeps_what_it_did_and_is_recorded(services, retention, admin, world):
    token = CancelToken()

    def progress(p):
        if p.done >= 2:
            token.cancel()

    with pytest.raises(Cancelled):
        retention.run(admin, cancel=token, progress=progress)
    with services.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(PlateRead)) == 5
        record = s.scalars(select(AuditRecord).where(AuditRecord.action == "retention_purge")).one()
        assert record.outcome == "failed" and "cancelled" in record.detail
    assert retention.run(admin).deleted_reads == 2


def test_only_retention_roles_run_it(services, retention, make_user):
    detective = make_user("det", Role.DETECTIVE)
    with pytest.raises(PermissionDenied):
        retention.run(detective, dry_run=True)
    custodian = make_user("cor", Role.CUSTODIAN)
    assert retention.run(custodian, dry_run=True).deleted_reads == 0
