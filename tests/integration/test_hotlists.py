"""Hotlists and alerts: import all-or-nothing, matching on arrival, back-search, dispositions."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from app.data.orm import Alert, AuditRecord, Hotlist, HotlistEntry, Plate, PlateRead, Source, StoredImage
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.roles import Role
from app.services.hotlists import HotlistFileError, HotlistService, match_new_reads, plate_variants

HEADER = "plate,state,reason,reference,entered,expires,make,colour\n"
T0 = datetime(2026, 11, 20, 8, 0)


def store_reads(services, reads, *, match=True, image: bytes | None = None) -> list[int]:
    """Insert reads as any code storing them would, matching them in the same transaction."""
    ids = []
    with services.db.transaction() as s:
        source_id = s.scalar(select(Source.id).where(Source.name == "Foothill & Grand")) or s.execute(
            insert(Source).values(name="Foothill & Grand", kind="fixed", lat=34.1365, lon=-117.8653,
                                  description="").returning(Source.id)).scalar_one()
        for text, state, at in reads:
            plate_id = s.scalar(select(Plate.id).where(Plate.text == text)) or s.execute(
                insert(Plate).values(text=text).returning(Plate.id)).scalar_one()
            crop = None
            if image is not None:
                crop = services.images.put(image + text.encode())
                if s.get(StoredImage, crop) is None:
                    s.add(StoredImage(sha256=crop, media_type="image/png", size_bytes=len(image),
                                      created_at=at))
                    s.flush()
            ids.append(s.execute(insert(PlateRead).values(
                plate_id=plate_id, plate_as_read=text, state=state, confidence=0.93, captured_at=at,
                lat=34.1365, lon=-117.8653, source_id=source_id, crop_sha256=crop).returning(PlateRead.id)).scalar_one())
        if match:
            match_new_reads(s, ids, services.now())
    return ids


@pytest.fixture
def hotlists(services):
    return HotlistService(services.db, services.gate, services.images, services.now)


@pytest.fixture
def supervisor(admin):
    return admin  # the first administrator is an IS supervisor


@pytest.fixture
def officer(make_user):
    return make_user("ofc", Role.OFFICER)


def _alerts(services):
    with services.db.transaction() as s:
        return s.execute(select(Alert.read_id, Alert.entry_id, Alert.fuzzy).order_by(Alert.id)).all()


def test_a_file_with_bad_rows_imports_nothing_and_names_each_line(services, hotlists, supervisor, tmp_path):
    path = tmp_path / "svs.csv"
    path.write_text(HEADER
                    + "7ABC123,CA,stolen_vehicle,SVS-1,2026-11-01,,Honda,silver\n"
                    + "8XYZ999,CA,stolen_bicycle,SVS-2,2026-11-01,,,\n"
                    + "5DEF456,California,wanted,W-3,2026-11-01,,,\n"
                    + "\n"
                    + "6GHI789,CA,bolo,B-4,01/11/2026,,,\n"
                    + "4JKL012,CA,stolen_plate,SP-5,2026-11-01,2026-10-01,,\n")
    with pytest.raises(HotlistFileError) as caught:
        hotlists.import_csv(supervisor, path)
    lines = [(b.line, b.reason.split(" ")[0]) for b in caught.value.bad_rows]
    assert lines == [(3, "reason"), (4, "state"), (6, "entered"), (7, "expires")]
    assert "line 3" in str(caught.value) and "nothing was imported" in str(caught.value)
    with services.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(HotlistEntry)) == 0
        assert s.scalar(select(func.count()).select_from(Hotlist)) == 0
        failed = s.scalars(select(AuditRecord).where(AuditRecord.action == "hotlist_import")).one()
        assert failed.outcome == "failed" and "line 3" in failed.detail


def test_a_header_without_the_required_columns_is_refused(hotlists, supervisor, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("plate,reason\n7ABC123,wanted\n")
    with pytest.raises(HotlistFileError, match="line 1: the header lacks the column"):
        hotlists.import_csv(supervisor, path)


def test_import_keeps_extra_columns_and_back_searches(services, hotlists, supervisor, tmp_path):
    old = store_reads(services, [("7ABC123", "CA", T0), ("7A8C123", None, T0 + timedelta(minutes=5)),
                                 ("7ABC123", "NV", T0 + timedelta(minutes=9)), ("1XYZ000", "CA", T0)])
    assert _alerts(services) == []
    path = tmp_path / "svs.csv"
    path.write_text(HEADER + "7abc-123,ca,Stolen Vehicle,SVS-1,2026-11-01,,Honda,silver\n"
                    + "9OLD000,CA,wanted,W-9,2025-01-01,2026-01-01,,\n")
    summary = hotlists.import_csv(supervisor, path, name="CA SVS extract")
    assert summary.entries == 2 and summary.alerts == 2 and summary.name == "CA SVS extract"
    with services.db.transaction() as s:
        entry = s.scalars(select(HotlistEntry).where(HotlistEntry.plate == "7ABC123")).one()
        assert entry.reason == "stolen_vehicle" and entry.state == "CA"
        assert json.loads(entry.extra) == {"make": "Honda", "colour": "silver"}
    # The CA read exactly, the state-less read with B/8 as a fuzzy hit; not the Nevada read.
    assert _alerts(services) == [(old[0], entry.id, False), (old[1], entry.id, True)]


def test_an_arriving_read_raises_an_alert(services, hotlists, supervisor, officer):
    entry_id, back = hotlists.add_entry(supervisor, "6TRK514", "bolo", state="CA", reference="BOLO-26-88",
                                        note="grey pickup, shooting suspect")
    assert back == 0
    store_reads(services, [("1NOP000", "CA", T0)])
    assert _alerts(services) == []
    (read_id,) = store_reads(services, [("6TRK514", "CA", T0 + timedelta(hours=1))], image=b"\x89PNG fake crop")
    assert _alerts(services) == [(read_id, entry_id, False)]
    alerts = hotlists.list_alerts(officer)
    assert [(a.plate, a.reason_label, a.reference, a.fuzzy) for a in alerts] == [("6TRK514", "BOLO", "BOLO-26-88", False)]
    assert alerts[0].extra == {"note": "grey pickup, shooting suspect"}
    detail = hotlists.open_alert(officer, alerts[0].id)
    assert detail.crop.startswith(b"\x89PNG fake crop") and detail.image is None
    # Matching the same read again never doubles the alert.
    with services.db.transaction() as s:
        assert match_new_reads(s, [read_id], services.now()) == 0


def test_expired_entries_and_fuzzy_off_raise_nothing(services, hotlists, supervisor, clock):
    hotlists.add_entry(supervisor, "5SAM123", "wanted", expires=clock().date() + timedelta(days=1))
    clock.advance(days=3)
    store_reads(services, [("5SAM123", "CA", T0)])
    assert _alerts(services) == []
    hotlists.add_entry(supervisor, "8BOB800", "stolen_plate")
    ids = store_reads(services, [("BBOB800", "CA", T0)], match=False)
    with services.db.transaction() as s:
        assert match_new_reads(s, ids, clock(), fuzzy=False) == 0
        assert match_new_reads(s, ids, clock(), fuzzy=True) == 1


def test_a_disposition_is_recorded_once_with_its_note(services, hotlists, supervisor, officer):
    hotlists.add_entry(supervisor, "4MPX221", "missing_person", state="CA", reference="MP-26-3")
    store_reads(services, [("4MPX221", "CA", T0)])
    (alert,) = hotlists.list_alerts(officer)
    with pytest.raises(ValidationError, match="note"):
        hotlists.dispose(officer, alert.id, "confirmed", "  ")
    with pytest.raises(ValidationError, match="disposition is one of"):
        hotlists.dispose(officer, alert.id, "arrested", "x")
    done = hotlists.dispose(officer, alert.id, "misread", "CLETS: plate is 4MPX227, not on file")
    assert done.disposition == "misread" and done.disposed_by == "ofc"
    with pytest.raises(ValidationError, match="already disposed"):
        hotlists.dispose(officer, alert.id, "dismissed", "again")
    assert hotlists.list_alerts(officer) == []
    assert [a.disposition for a in hotlists.list_alerts(officer, open_only=False)] == ["misread"]
    with services.db.transaction() as s:
        actions = s.scalars(select(AuditRecord.action).where(AuditRecord.username == "ofc")).all()
        record = s.scalars(select(AuditRecord).where(AuditRecord.action == "alert_dispose")).one()
    assert actions.count("alerts_view") == 3 and "alert_dispose" in actions
    assert json.loads(record.query)["plate"] == "4MPX221" and "CLETS" in record.detail


def test_officers_cannot_import_and_supervisors_need_no_alert_access(hotlists, officer, tmp_path):
    path = tmp_path / "svs.csv"
    path.write_text(HEADER + "7ABC123,CA,stolen_vehicle,SVS-1,2026-11-01,,,\n")
    with pytest.raises(PermissionDenied):
        hotlists.import_csv(officer, path)
    with pytest.raises(PermissionDenied):
        hotlists.add_entry(officer, "7ABC123")


def test_plate_variants_are_one_confusable_away():
    assert plate_variants("B0") == {"80", "BO", "BD", "BQ"}
    assert "7ABC123" not in plate_variants("7ABC123")


def test_a_bulk_batch_matches_in_memory_like_a_small_one(services, hotlists, supervisor, monkeypatch):
    import app.services.hotlists as module

    hotlists.add_entry(supervisor, "6TRK514", "stolen_vehicle", state="CA")
    hotlists.add_entry(supervisor, "8BOB800", "bolo")
    monkeypatch.setattr(module, "BULK_READS", 2)
    ids = store_reads(services, [("6TRK514", "CA", T0), ("6TRK514", "NV", T0), ("BBOB800", None, T0),
                                 ("1NOP000", "CA", T0)])
    assert [(r, f) for r, _, f in _alerts(services)] == [(ids[0], False), (ids[2], True)]
