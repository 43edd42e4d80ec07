"""The demo data generator against real databases: what it writes, and what it refuses."""
from __future__ import annotations

import io
import math
import re
from collections import Counter, defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select

from app.config import Settings
from app.data.orm import (
    AuditRecord, Hotlist, HotlistEntry, ImportBatch, Plate, PlateRead, Source, StoredImage,
)
from app.domain.errors import Refused
from app.domain.plates import confusables
from app.domain.roles import Role
from app.jobs import CancelToken, Cancelled
from app.services.container import build_services
from app.services.demo import HOTLIST_NAME, DemoService, render_plate_png
from app.services.demo_traffic import months_before
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD

READS = 8000
GLENDORA = (34.136, -117.865)
PACIFIC = ZoneInfo("America/Los_Angeles")


def demo_of(services, **kwargs) -> DemoService:
    return DemoService(services.db, services.gate, services.images, services.now, **kwargs)


def km_from_glendora(lat: float, lon: float) -> float:
    dlat = math.radians(lat - GLENDORA[0])
    dlon = math.radians(lon - GLENDORA[1]) * math.cos(math.radians(GLENDORA[0]))
    return 6371.0 * math.hypot(dlat, dlon)


def count(services, table) -> int:
    with services.db.transaction() as s:
        return s.scalar(select(func.count()).select_from(table))


def all_reads(services) -> list[tuple]:
    """Every read with its plate and source names, in a fixed order."""
    with services.db.transaction() as s:
        return [tuple(r) for r in s.execute(
            select(Plate.text, PlateRead.plate_as_read, PlateRead.state, PlateRead.captured_at, Source.name,
                   Source.kind, PlateRead.lat, PlateRead.lon, PlateRead.confidence, PlateRead.crop_sha256)
            .join(Plate, Plate.id == PlateRead.plate_id).join(Source, Source.id == PlateRead.source_id)
            .order_by(PlateRead.captured_at, PlateRead.id))]


@pytest.fixture
def seeded(services, admin):
    return demo_of(services).seed(admin, READS, seed=7)


def test_seed_writes_the_reads_asked_for_in_one_demo_batch(services, admin, seeded):
    assert seeded.reads == READS
    assert count(services, PlateRead) == READS
    with services.db.transaction() as s:
        batches = s.execute(select(ImportBatch.id, ImportBatch.kind, ImportBatch.created_by)).all()
        assert [(kind, by) for _, kind, by in batches] == [("demo", "admin")]
        assert s.scalar(select(func.count()).where(PlateRead.batch_id != batches[0][0])) == 0
        kinds = Counter(s.scalars(select(Source.kind)))
        assert kinds["fixed"] >= 12 and kinds["mobile"] >= 3
        assert sum(kinds.values()) == seeded.sources
        used = s.scalar(select(func.count(func.distinct(PlateRead.plate_id))))
        assert s.scalar(select(func.count()).select_from(Plate)) - used <= seeded.vehicles // 20
        record = s.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).one()
    assert (record.username, record.action, record.outcome, record.result_count) == \
        ("admin", "demo_seeded", "ok", READS)
    assert '"reads":8000' in record.query and '"seed":7' in record.query
    assert services.audit.verify(admin).ok


def test_reads_lie_around_glendora_within_fourteen_months(services, seeded, clock):
    reads = all_reads(services)
    assert max(km_from_glendora(r[6], r[7]) for r in reads) < 15
    start, end = months_before(clock(), 14), clock()
    times = [r[3] for r in reads]
    assert start <= min(times) and max(times) <= end
    assert (min(times), max(times)) == (seeded.first, seeded.last)
    assert max(times) - min(times) > timedelta(days=400)  # spread over the window, not bunched
    mobile = [r for r in reads if r[5] == "mobile"]
    assert 0.03 < len(mobile) / len(reads) < 0.3
    # Patrol reads fall along the streets, not all on the camera corners.
    corners = {(r[6], r[7]) for r in reads if r[5] == "fixed"}
    assert sum((r[6], r[7]) not in corners for r in mobile) > 0.9 * len(mobile)
    # Fewer reads in the small hours than at the evening rush (local time).
    hours = Counter(r[3].replace(tzinfo=ZoneInfo("UTC")).astimezone(PACIFIC).hour for r in reads)
    assert sum(hours[h] for h in (1, 2, 3)) * 4 < sum(hours[h] for h in (16, 17, 18))


def test_every_read_has_a_stored_png_plate_crop(services, seeded):
    reads = all_reads(services)
    crops = {r[9] for r in reads}
    assert None not in crops and len(crops) <= seeded.vehicles
    with services.db.transaction() as s:
        stored = dict(s.execute(select(StoredImage.sha256, StoredImage.media_type)).all())
    assert crops <= set(stored) and all(stored[c] == "image/png" for c in crops)
    for sha in crops:
        data = services.images.read(sha)
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(services.images.read(reads[0][9])))
    assert image.size == (240, 120)


def test_plates_look_californian_with_some_out_of_state_and_misreads(services, seeded):
    reads = all_reads(services)
    states = Counter(r[2] for r in reads)
    assert states["CA"] > 0.8 * len(reads)
    assert set(states) - {"CA"} and sum(v for k, v in states.items() if k != "CA") > 0.02 * len(reads)
    ca_plates = {r[0] for r in reads if r[2] == "CA"}
    modern = [p for p in ca_plates if re.fullmatch(r"[1-9][A-Z]{3}[0-9]{3}", p)]
    assert len(modern) > 0.6 * len(ca_plates)
    confidences = [r[8] for r in reads]
    assert all(0.5 <= c <= 1.0 for c in confidences)
    assert sum(0.8 <= c <= 0.99 for c in confidences) > 0.8 * len(confidences)
    # A misread: one crop read as two texts that differ in a single look-alike character.
    texts_by_crop = defaultdict(set)
    for r in reads:
        texts_by_crop[r[9]].add(r[1])
    misread = [texts for texts in texts_by_crop.values() if len(texts) > 1]
    assert misread
    for texts in misread:
        a, b = sorted(texts)[:2]
        diff = [(x, y) for x, y in zip(a, b) if x != y]
        assert len(a) == len(b) and len(diff) == 1 and diff[0][1] in confusables(diff[0][0])


def test_commuters_pass_the_same_camera_on_weekday_mornings(services, seeded):
    mornings = defaultdict(set)
    for plate, _, _, at, source, kind, *_ in all_reads(services):
        local = at.replace(tzinfo=ZoneInfo("UTC")).astimezone(PACIFIC)
        if kind == "fixed" and local.weekday() < 5 and 5 <= local.hour < 11:
            mornings[(plate, source)].add(local.date())
    assert max(len(days) for days in mornings.values()) >= 40


def test_hotlist_entries_name_demo_plates(services, seeded):
    with services.db.transaction() as s:
        lists = s.execute(select(Hotlist.id, Hotlist.name)).all()
        entries = s.execute(select(HotlistEntry.plate, HotlistEntry.state, HotlistEntry.reason)).all()
        read_plates = {(t, st) for t, st in s.execute(
            select(Plate.text, PlateRead.state).join(Plate, Plate.id == PlateRead.plate_id).distinct())}
    assert [name for _, name in lists] == [HOTLIST_NAME]
    assert len(entries) == seeded.hotlist_entries
    reasons = Counter(reason for _, _, reason in entries)
    assert reasons["stolen_vehicle"] >= 3 and reasons["stolen_plate"] == 1 and reasons["bolo"] == 1
    assert all((plate, state) in read_plates for plate, state, _ in entries)


def test_reads_of_hotlisted_demo_vehicles_raise_alerts(services, seeded):
    from app.data.orm import Alert

    with services.db.transaction() as s:
        alerted = s.execute(select(Plate.text, HotlistEntry.plate).select_from(Alert)
                            .join(PlateRead, PlateRead.id == Alert.read_id)
                            .join(Plate, Plate.id == PlateRead.plate_id)
                            .join(HotlistEntry, HotlistEntry.id == Alert.entry_id)
                            .where(Alert.fuzzy.is_(False))).all()
    assert alerted and all(read == listed for read, listed in alerted)


def test_seeding_again_adds_a_batch_without_duplicating_sources_or_plates(services, admin, seeded):
    before = {t: count(services, t) for t in (Source, Plate, StoredImage, HotlistEntry, Hotlist)}
    again = demo_of(services).seed(admin, READS, seed=7)
    assert count(services, PlateRead) == 2 * READS
    assert count(services, ImportBatch) == 2
    assert {t: count(services, t) for t in before} == before
    assert again.hotlist_entries == 0


def fresh_services(tmp_path, name: str, clock):
    services = build_services(Settings(data_dir=tmp_path / name, workstation="ws"), now=clock)
    services.users.create_first_admin("admin", ADMIN_PASSWORD, "Glendora PD", "ws")
    return services, services.auth.login("admin", ADMIN_PASSWORD)


def test_the_same_seed_gives_the_same_data(tmp_path, clock):
    runs = []
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        services, admin = fresh_services(tmp_path, name, clock)
        try:
            demo_of(services).seed(admin, 3000, seed=seed)
            runs.append(all_reads(services))
        finally:
            services.close()
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


class CancelWhen(CancelToken):
    """Cancels itself at the first progress report of `phase` (for reads: once some are written)."""

    def __init__(self, phase: str) -> None:
        super().__init__()
        self.phase = phase
        self.reports = []

    def __call__(self, progress) -> None:
        self.reports.append(progress)
        if progress.message.startswith(self.phase) and (progress.done > 0 or "reads" not in self.phase):
            self.cancel()


@pytest.mark.parametrize("phase", ["Drawing plate crops", "Writing reads"])
def test_cancel_leaves_nothing_of_the_run(services, admin, phase):
    token = CancelWhen(phase)
    # Small batches, so a cancel while writing lands after some reads went in.
    with pytest.raises(Cancelled):
        demo_of(services, batch_size=500).seed(admin, READS, seed=3, progress=token, cancel=token)
    if phase == "Writing reads":
        assert any(p.message == "Writing reads" and p.done >= 500 for p in token.reports)
    else:
        assert not any(p.message == "Writing reads" for p in token.reports)
    for table in (PlateRead, Plate, Source, StoredImage, ImportBatch, Hotlist, HotlistEntry):
        assert count(services, table) == 0, table.__tablename__
    assert not [f for f in services.images.root.rglob("*") if f.is_file()]
    with services.db.transaction() as s:
        assert s.scalar(select(func.count()).where(AuditRecord.action == "demo_seeded")) == 0
    # The database is usable afterwards: a full run goes through.
    assert demo_of(services).seed(admin, 500, seed=3).reads == 500


def test_an_officer_may_not_seed(services, admin):
    services.users.add_user(admin, "officer1", USER_PASSWORD, [Role.OFFICER])
    officer = services.auth.login("officer1", USER_PASSWORD)
    with pytest.raises(Refused):
        demo_of(services).seed(officer, 1000)
    assert count(services, PlateRead) == 0
    with services.db.transaction() as s:
        record = s.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).one()
    assert (record.username, record.action, record.outcome) == ("officer1", "demo_seed", "refused")


def test_plate_png_is_deterministic_and_sized_like_a_crop():
    first = render_plate_png("7ABC123", "CA")
    assert first == render_plate_png("7abc 123", "CA")
    assert first != render_plate_png("7ABC123", "NV")
    image = Image.open(io.BytesIO(first)).convert("RGB")
    assert image.size == (240, 120)
    # California: a white plate with dark blue characters.
    pixels = Counter(map(tuple, np.asarray(image).reshape(-1, 3).tolist()))
    background = pixels.most_common(1)[0][0]
    assert min(background) > 220
    assert any(b > r + 40 and b < 160 for r, g, b in pixels)
