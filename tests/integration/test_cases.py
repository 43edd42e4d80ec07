"""Cases and evidence holds on SQLite and PostgreSQL: holds placed, kept from retention, released
only by the right person with a reason, every step in the access log; and the `case` CLI."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import delete, insert, select

from app.data.orm import AuditRecord, EvidenceHold, Plate, PlateRead, Source, StoredImage
from app.domain.errors import NotFound, PermissionDenied, ValidationError
from app.domain.roles import Role
from app.services.cases import CaseService
from app.services.holds import held_read_ids, held_reads, is_held
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD

T0 = datetime(2026, 10, 1, 8, 0)
CAMERAS = {
    "Foothill & Grand": (34.1365, -117.8653),
    "Route 66 & Lone Hill": (34.1290, -117.8420),
    "Alosta & Citrus": (34.1300, -117.8890),
    "Glendora Ave & Bennett": (34.1338, -117.8652),
}


def _font(size: int):
    for name in ("DejaVuSansMono-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def plate_image(text: str) -> bytes:
    """A plate crop as a camera would cut it: PNG, 240 × 110."""
    image = Image.new("RGB", (240, 110), "#f4f4f0")
    draw = ImageDraw.Draw(image)
    draw.rectangle((3, 3, 236, 106), outline="#1b2f8f", width=3)
    draw.text((120, 18), "California", fill="#b3261e", anchor="mm", font=_font(14))
    draw.text((120, 64), text, fill="#1b2f8f", anchor="mm", font=_font(40))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def scene_image(text: str, seed: int = 0) -> bytes:
    """A scene photo: JPEG, 1280 × 720, a car with the plate, different for each seed."""
    image = Image.new("RGB", (1280, 720), (96 + seed % 40, 104, 116))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 470, 1280, 720), fill="#3d434b")
    for lane in range(0, 1280, 160):
        draw.rectangle((lane + (seed * 13) % 60, 590, lane + 80 + (seed * 13) % 60, 600), fill="#d8d8c8")
    x = 300 + (seed * 37) % 400
    draw.rounded_rectangle((x, 250, x + 520, 560), 40, fill=(150 + seed % 80, 160, 190))
    draw.rectangle((x + 180, 470, x + 340, 530), fill="#f4f4f0", outline="#1b2f8f", width=3)
    draw.text((x + 260, 500), text, fill="#1b2f8f", anchor="mm", font=_font(30))
    draw.text((20, 20), f"CAM {seed:04d}  {text}", fill="white", font=_font(22))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def seed_reads(services, plates: list[str], *, images: bool = True, camera: str = "Foothill & Grand",
               start: datetime = T0, every: timedelta = timedelta(minutes=7), video: bool = False) -> list[int]:
    """Insert reads as an import would, with real stored images; return their ids."""
    ids = []
    with services.db.transaction() as s:
        for name, (lat, lon) in CAMERAS.items():
            if s.scalar(select(Source.id).where(Source.name == name)) is None:
                s.execute(insert(Source).values(name=name, kind="fixed", lat=lat, lon=lon, description=""))
        source_id = s.scalar(select(Source.id).where(Source.name == camera))
        lat, lon = CAMERAS[camera]
        for i, text in enumerate(plates):
            plate_id = s.scalar(select(Plate.id).where(Plate.text == text)) or s.execute(
                insert(Plate).values(text=text).returning(Plate.id)).scalar_one()
            shas = [None, None]
            if images:
                for k, (data, media) in enumerate(((plate_image(text), "image/png"),
                                                   (scene_image(text, len(ids) + i), "image/jpeg"))):
                    sha = services.images.put(data)
                    if s.get(StoredImage, sha) is None:
                        s.add(StoredImage(sha256=sha, media_type=media, size_bytes=len(data), created_at=T0))
                        s.flush()
                    shas[k] = sha
            values = dict(plate_id=plate_id, plate_as_read=text, state="CA", confidence=0.82 + (i % 17) / 100,
                          captured_at=start + i * every, lat=lat + (i % 5) * 0.0002, lon=lon - (i % 3) * 0.0003,
                          source_id=source_id, crop_sha256=shas[0], image_sha256=shas[1])
            if video:
                values.update(video_sha256="ab" * 32, frame=1200 + 30 * i, t_video_s=40.0 + i)
            ids.append(s.execute(insert(PlateRead).values(**values).returning(PlateRead.id)).scalar_one())
    return ids


@pytest.fixture
def cases(services):
    return CaseService(services.db, services.gate, services.now)


@pytest.fixture
def people(make_user):
    return {
        "det": replace(make_user("det.ruiz", Role.DETECTIVE), purpose="Burglary series", case_number="GPD-26-1107"),
        "det2": make_user("det.kim", Role.DETECTIVE),
        "tech": make_user("et.nguyen", Role.EVIDENCE_TECHNICIAN),
        "custodian": make_user("cor.adams", Role.CUSTODIAN),
        "officer": make_user("ofc.lee", Role.OFFICER),
    }


def last_record(services) -> AuditRecord:
    with services.db.transaction() as s:
        return s.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).one()


def test_a_case_is_created_and_listed_with_its_lead(services, cases, people):
    made = cases.create_case(people["det"], "GPD-26-1107", "Burglaries on Foothill Blvd")
    assert (made.number, made.lead, made.created_by, made.reads, made.held) == (
        "GPD-26-1107", "det.ruiz", "det.ruiz", 0, 0)
    other = cases.create_case(people["tech"], "GPD-26-1200", "Hit and run", lead="det.kim")
    assert other.lead == "det.kim"
    assert [c.number for c in cases.list_cases(people["custodian"])] == ["GPD-26-1200", "GPD-26-1107"]
    record = last_record(services)
    assert (record.action, record.case_number, record.username) == ("case_create", "GPD-26-1200", "et.nguyen")

    with pytest.raises(ValidationError, match="already exists"):
        cases.create_case(people["det"], "GPD-26-1107", "again")
    with pytest.raises(ValidationError):
        cases.create_case(people["det"], "  ", "no number")
    with pytest.raises(PermissionDenied):
        cases.create_case(people["officer"], "X-1", "not for officers")
    assert last_record(services).outcome == "refused"


def test_adding_reads_places_holds_with_who_when_and_why(services, cases, people, clock):
    ids = seed_reads(services, ["7ABC123", "8XYZ777", "4KLM905"], images=False)
    cases.create_case(people["det"], "GPD-26-1107", "Burglaries")
    added = cases.add_reads(people["det"], "GPD-26-1107", ids[:2], reason="Seen at two burglaries")
    assert added.added == ids[:2] and added.already_held == []
    again = cases.add_reads(people["tech"], "GPD-26-1107", ids)
    assert again.added == [ids[2]] and again.already_held == ids[:2]

    reads = cases.case_reads(people["tech"], "GPD-26-1107")
    assert [r.read_id for r in reads] == ids and all(r.held for r in reads)
    first = reads[0]
    assert (first.placed_by, first.placed_at, first.reason) == ("det.ruiz", clock(), "Seen at two burglaries")
    assert reads[2].reason == "Evidence in case GPD-26-1107 (Policy 424.4)"
    assert cases.get_case(people["det"], "GPD-26-1107").held == 3

    with services.db.transaction() as s:
        records = s.scalars(select(AuditRecord).where(AuditRecord.action == "case_add_reads")
                            .order_by(AuditRecord.seq)).all()
    assert [(r.username, r.result_count, r.case_number) for r in records] == [
        ("det.ruiz", 2, "GPD-26-1107"), ("et.nguyen", 1, "GPD-26-1107")]
    assert records[0].purpose == "Burglary series"

    with pytest.raises(NotFound, match="999999"):
        cases.add_reads(people["det"], "GPD-26-1107", [ids[0], 999999])
    with pytest.raises(NotFound):
        cases.add_reads(people["det"], "NO-SUCH", ids)


def test_a_held_read_survives_a_purge(services, cases, people):
    """The query retention uses: every read past the cutoff but the held ones is purged."""
    ids = seed_reads(services, ["OLD1", "OLD2", "OLD3", "OLD4"], images=False)
    cases.create_case(people["det"], "GPD-26-1107", "Burglaries")
    cases.create_case(people["det2"], "GPD-26-1300", "Other")
    cases.add_reads(people["det"], "GPD-26-1107", ids[:2])
    cases.add_reads(people["det2"], "GPD-26-1300", [ids[1]])
    cases.release_hold(people["det"], "GPD-26-1107", ids[1], reason="Not the suspect vehicle")
    cases.release_hold(people["det"], "GPD-26-1107", ids[0], reason="Not the suspect vehicle")
    cases.add_reads(people["det"], "GPD-26-1107", [ids[0]], reason="Held again after review")

    with services.db.transaction() as s:
        assert held_read_ids(s) == {ids[0], ids[1]}  # ids[1] still held by the other case
        assert held_read_ids(s, ids[1:]) == {ids[1]}
        assert is_held(s, ids[0]) and not is_held(s, ids[2])
        # A purge as retention will run it: skip held reads (and their hold rows' history stays).
        doomed = s.scalars(select(PlateRead.id).where(PlateRead.id.in_(ids), PlateRead.id.not_in(held_reads())))
        doomed = sorted(doomed)
        s.execute(delete(PlateRead).where(PlateRead.id.in_(doomed)))
    assert doomed == ids[2:]
    with services.db.transaction() as s:
        assert sorted(s.scalars(select(PlateRead.id).where(PlateRead.id.in_(ids)))) == ids[:2]


def test_releasing_a_hold_needs_the_right_role_and_a_reason_both_logged(services, cases, people):
    ids = seed_reads(services, ["7ABC123", "8XYZ777"], images=False)
    cases.create_case(people["det"], "GPD-26-1107", "Burglaries")
    cases.add_reads(people["det"], "GPD-26-1107", ids)

    with pytest.raises(ValidationError, match="why"):
        cases.release_hold(people["custodian"], "GPD-26-1107", ids[0], reason=" ")
    for who in ("tech", "officer"):
        with pytest.raises(PermissionDenied):
            cases.release_hold(people[who], "GPD-26-1107", ids[0], reason="Not needed")
        record = last_record(services)
        assert (record.action, record.outcome, record.username) == ("hold_release", "refused",
                                                                    people[who].username)
    with pytest.raises(PermissionDenied, match="lead investigator"):
        cases.release_hold(people["det2"], "GPD-26-1107", ids[0], reason="Not needed")
    record = last_record(services)
    assert (record.action, record.outcome, record.case_number) == ("hold_release", "refused", "GPD-26-1107")

    cases.release_hold(people["custodian"], "GPD-26-1107", ids[0], reason="Case closed; court order 26-44")
    record = last_record(services)
    assert (record.action, record.outcome, record.username) == ("hold_release", "ok", "cor.adams")
    assert "court order 26-44" in record.detail and "court order 26-44" in record.query
    cases.release_hold(people["det"], "GPD-26-1107", ids[1], reason="Lead: not the vehicle")

    reads = {r.read_id: r for r in cases.case_reads(people["det"], "GPD-26-1107")}
    assert not reads[ids[0]].held and reads[ids[0]].released_by == "cor.adams"
    assert reads[ids[0]].release_reason == "Case closed; court order 26-44"
    with pytest.raises(NotFound, match="not on hold"):
        cases.release_hold(people["custodian"], "GPD-26-1107", ids[0], reason="twice")
    with services.db.transaction() as s:
        assert held_read_ids(s, ids) == set()
        assert s.scalar(select(EvidenceHold.released_by).where(EvidenceHold.read_id == ids[1])) == "det.ruiz"


# --- the command line -------------------------------------------------------------------

@pytest.fixture
def cli(db_url, tmp_path):
    def run(*args: str, user: str | None = None, password: str = USER_PASSWORD) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLATE_DESK_")}
        env["PLATE_DESK_PASSWORD"] = password
        command = [sys.executable, "-m", "app", "--db", db_url, "--data-dir", str(tmp_path)]
        if user:
            command += ["--user", user]
        return subprocess.run(command + list(args), capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=120)
    return run


def test_case_commands(cli, services, people):
    ids = seed_reads(services, ["7ABC123", "8XYZ777"], images=False)
    made = cli("case", "create", "GPD-26-1107", "--title", "Burglaries on Foothill", user="det.ruiz")
    assert made.returncode == 0, made.stderr
    added = cli("case", "add", "GPD-26-1107", "--read", str(ids[0]), str(ids[1]), "--reason", "Seen at scene",
                user="det.ruiz")
    assert added.returncode == 0, added.stderr
    assert "2 reads placed on hold" in added.stdout

    listed = cli("case", "list", "--json", user="et.nguyen")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 1 and rows[0].pop("created_at").endswith("Z")
    assert rows == [{"number": "GPD-26-1107", "title": "Burglaries on Foothill", "lead": "det.ruiz",
                     "created_by": "det.ruiz", "reads": 2, "held": 2}]
    plain = cli("case", "list", user="et.nguyen")
    assert "GPD-26-1107" in plain.stdout and "Burglaries on Foothill" in plain.stdout

    refused = cli("case", "create", "X-1", "--title", "t", user="ofc.lee")
    assert refused.returncode == 3 and refused.stderr.startswith("refused:")
    missing = cli("case", "add", "GPD-26-1107", "--read", "999999", user="det.ruiz")
    assert missing.returncode == 1 and missing.stderr.startswith("error:") and missing.stderr.count("\n") == 1
    usage = cli("case", "add", "GPD-26-1107", user="det.ruiz")
    assert usage.returncode == 2
    no_user = cli("case", "list")
    assert no_user.returncode == 2
    assert ADMIN_PASSWORD  # the admin exists; the case commands are for the case roles
