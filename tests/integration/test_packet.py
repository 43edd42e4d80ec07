"""Evidence packets from a real database and real images: the PDF read back with pypdf, a page
rendered to PNG, the bag checked, damaged and re-checked, and an export killed half-way."""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select, update

from app.data.images import sha256_file
from app.data.orm import AuditRecord, EvidencePacket, EvidencePacketRead, PacketExport, PlateRead
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.roles import Role
from app.jobs import Cancelled, CancelToken
from app.services.bags import PARTIAL_PREFIX, verify_bag
from app.services.cases import CaseService
from app.services.packets import PacketService
from tests.conftest import USER_PASSWORD
from tests.integration.test_cases import T0, cli, seed_reads  # noqa: F401 - cli is a fixture

CASE = "GPD-26-1107"
LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def people(make_user):
    return {
        "det": replace(make_user("det.ruiz", Role.DETECTIVE), purpose="Burglary series", case_number=CASE),
        "tech": make_user("et.nguyen", Role.EVIDENCE_TECHNICIAN),
    }


@pytest.fixture
def packets(services, tmp_path):
    return PacketService(services.db, services.gate, services.images, services.now,
                         work_dir=tmp_path / "packets", zone=LA)


@pytest.fixture
def case_reads(services, people):
    """Four held reads: two with scene and crop, one from a video, one with only a crop; one corrected."""
    ids = seed_reads(services, ["7ABC123", "8XYZ777"])
    ids += seed_reads(services, ["4KLM905"], camera="Route 66 & Lone Hill", video=True, start=T0 + timedelta(hours=1))
    crop_only = seed_reads(services, ["6TRD441"], camera="Alosta & Citrus", start=T0 + timedelta(hours=2))
    ids += crop_only
    with services.db.transaction() as s:
        s.execute(update(PlateRead).where(PlateRead.id == crop_only[0]).values(image_sha256=None))
        s.execute(update(PlateRead).where(PlateRead.id == ids[1]).values(corrected_text="8XYZ771"))
    cases = CaseService(services.db, services.gate, services.now)
    cases.create_case(people["det"], CASE, "Burglaries on Foothill Blvd")
    cases.add_reads(people["det"], CASE, ids, reason="Vehicles seen near the burglaries")
    seed_reads(services, ["NOTINCASE1"])
    return ids


def page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(pdf)).pages]


def test_the_packet_pdf_holds_cover_table_read_pages_custody_and_hashes(services, packets, people, case_reads):
    built = packets.build(people["tech"], CASE)
    pages = page_texts(built.pdf)
    assert len(pages) == built.page_count
    total = len(pages)

    cover = pages[0]
    for expected in ("Glendora PD", "ALPR Evidence Packet", CASE, "Burglaries on Foothill Blvd", built.packet_id,
                     "et.nguyen", "2026-11-27 04:00:00 PST", "2026-11-27 12:00:00 UTC",
                     "Booking into evidence (Policy 424.4)", "Number of reads", "det.ruiz", "CLETS"):
        assert expected in cover, expected
    assert re.search(r"Number of reads\s*4", cover)

    summary = pages[1]
    for plate in ("7ABC123", "8XYZ777", "4KLM905", "6TRD441"):
        assert plate in summary
    assert "8XYZ771" in summary  # the corrected text
    assert "NOTINCASE1" not in "".join(pages)
    assert "2026-10-01 01:00:00 PDT" in summary  # 08:00 UTC in Glendora
    # Each header cell on one line: narrow columns once broke "State" and "Conf." in two.
    assert "#\nTime (local)\nPlate\nState\nPlace (lat, lon)\nSource\nConf.\nCorrected\n" in summary

    # One page per read, in order, each with its facts and the CLETS notice.
    read_pages = [i for i, text in enumerate(pages) if re.search(r"Read \d of 4:", text)]
    assert len(read_pages) == 4 and read_pages == list(range(read_pages[0], read_pages[0] + 4))
    with services.db.transaction() as s:
        video_read = s.get(PlateRead, case_reads[2])
        crop_sha = s.get(PlateRead, case_reads[0]).crop_sha256
    first = pages[read_pages[0]]
    assert "Read 1 of 4: 7ABC123 (CA)" in first and "Time (UTC)" in first and "CLETS" in first
    assert crop_sha[:32] in first and crop_sha[32:] in first
    assert "34.136500, -117.865300" in first and "Foothill & Grand (fixed)" in first
    video = pages[read_pages[2]]
    assert "4KLM905" in video and "Video SHA-256" in video and "ab" * 16 in video
    assert "Frame" in video and str(video_read.frame) in video and "40.000 s" in video
    assert "No scene image stored for this read." in pages[read_pages[3]]
    assert "Vehicles seen near the burglaries" in first

    custody = pages[read_pages[-1] + 1]
    for field in ("Chain of custody", "Released by", "Received by", "Date and time", "Purpose of transfer",
                  "Signatures"):
        assert field in custody

    # The appendix lists every file with its SHA-256, and the hashes are the files' own.
    appendix = "".join(pages[read_pages[-1] + 2:])
    assert len(built.files) == 3 + 4 + 2  # 3 scenes, 4 crops, reads.csv and access-log.csv
    for f in built.files:
        assert f.name in appendix and f.sha256 in appendix.replace("\n", "")
        assert sha256_file(built.staging / f.name) == f.sha256
    names = {f.name for f in built.files}
    assert f"data/images/read-{case_reads[0]}-scene.jpg" in names
    assert f"data/images/read-{case_reads[3]}-plate.png" in names
    assert f"data/images/read-{case_reads[3]}-scene.jpg" not in names

    # Headers, footers and bookmarks.
    for number, text in enumerate(pages, start=1):
        assert f"Case {CASE}" in text and f"page {number} of {total}" in text and built.packet_id in text
    reader = PdfReader(str(built.pdf))
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["Cover", "Summary of reads", "Reads", "Chain of custody", "Appendix: files and SHA-256"]
    reads_outline = outline[titles.index("Reads") + 1]
    assert [item.title.split(" ·")[0] for item in reads_outline] == [
        "1. 7ABC123", "2. 8XYZ777", "3. 4KLM905", "4. 6TRD441"]
    assert [reader.get_destination_page_number(item) for item in reads_outline] == read_pages

    # The packet on record, and its access record with the PDF's SHA-256.
    with services.db.transaction() as s:
        row = s.get(EvidencePacket, built.packet_id)
        in_packet = set(s.scalars(select(EvidencePacketRead.read_id)
                                  .where(EvidencePacketRead.packet_id == built.packet_id)))
        record = s.scalars(select(AuditRecord).where(AuditRecord.action == "packet_build")).one()
    assert row.pdf_sha256 == sha256_file(built.pdf) == built.pdf_sha256 and row.read_count == 4
    assert in_packet == set(case_reads)
    query = json.loads(record.query)
    assert query["packet_id"] == built.packet_id and query["pdf_sha256"] == built.pdf_sha256
    assert (record.username, record.case_number, record.result_count) == ("et.nguyen", CASE, 4)
    built.discard()
    assert not built.staging.exists()


def test_the_access_log_excerpt_and_the_reads_csv(services, packets, people, case_reads):
    built = packets.build(people["tech"], CASE)
    log = (built.staging / "data" / "access-log.csv").read_text()
    assert "case_create" in log and "case_add_reads" in log and "packet_build" not in log
    reads = (built.staging / "data" / "reads.csv").read_text().splitlines()
    assert reads[0].startswith("read_id,plate,plate_as_read,corrected_text") and len(reads) == 5
    assert "8XYZ771" in reads[2] and "2026-10-01T08:07:00Z" in reads[2]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_a_read_page_renders_to_png(packets, people, case_reads, tmp_path):
    built = packets.build(people["tech"], CASE)
    page = 3  # the first read page: cover, summary, read 1
    subprocess.run(["pdftoppm", "-r", "60", "-f", str(page), "-l", str(page), "-png", str(built.pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    png = next(tmp_path.glob("page*.png"))
    with Image.open(png) as image:
        assert image.size == (510, 660)  # Letter at 60 dpi
        histogram = image.convert("L").histogram()
        dark = sum(histogram[:128])
    assert dark > 2000  # text, the scene photo and the map, not a blank page


def test_selection_permissions_and_cancel(services, packets, people, case_reads, make_user):
    built = packets.build(people["tech"], CASE, read_ids=case_reads[:2], purpose="Discovery request 26-881")
    assert built.read_ids == case_reads[:2]
    assert "Discovery request 26-881" in page_texts(built.pdf)[0]
    with services.db.transaction() as s:
        outsider = s.scalar(select(PlateRead.id).order_by(PlateRead.id.desc()).limit(1))
    with pytest.raises(ValidationError, match="not held"):
        packets.build(people["tech"], CASE, read_ids=[case_reads[0], outsider])
    with pytest.raises(PermissionDenied):
        packets.build(people["det"], CASE)
    with services.db.transaction() as s:
        refused = s.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).one()
    assert (refused.action, refused.outcome) == ("packet_build", "refused")

    cancel = CancelToken()

    def progress(p):
        if p.done >= 2:
            cancel.cancel()
    with pytest.raises(Cancelled):
        packets.build(people["tech"], CASE, cancel=cancel, progress=progress)
    with services.db.transaction() as s:
        assert len(s.scalars(select(EvidencePacket)).all()) == 1
    assert len(list((packets._work_dir).iterdir())) == 1  # only the first build's staging


def test_export_verify_and_a_flipped_byte(services, packets, people, case_reads, tmp_path, cli):  # noqa: F811
    built = packets.build(people["tech"], CASE)
    media = tmp_path / "media"
    bag = packets.export(people["tech"], built, media)
    assert bag.path == media / f"{CASE}_{built.packet_id}" and bag.files == len(built.files) + 1
    assert sorted(p.name for p in media.iterdir()) == [bag.path.name]
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"):
        assert (bag.path / name).is_file()
    assert (bag.path / "data" / built.pdf_name).is_file() and (bag.path / "data" / "reads.csv").is_file()
    assert sha256_file(bag.path / "data" / built.pdf_name) == built.pdf_sha256
    info = (bag.path / "bag-info.txt").read_text()
    for field in (f"Case-Number: {CASE}", f"Packet-Id: {built.packet_id}", f"Packet-PDF-SHA256: {built.pdf_sha256}",
                  "Released-By: et.nguyen",
                  "Source-Organization: Glendora PD", "Read-Count: 4", "Payload-Oxum"):
        assert field in info, field
    # Read-only: no write bit anywhere.
    for path in [bag.path, *bag.path.rglob("*")]:
        assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), path

    with services.db.transaction() as s:
        export = s.scalars(select(PacketExport)).one()
        record = s.scalars(select(AuditRecord).where(AuditRecord.action == "packet_export")).one()
    assert export.destination == str(bag.path) and export.tagmanifest_sha256 == bag.tagmanifest_sha256
    assert json.loads(record.query)["pdf_sha256"] == built.pdf_sha256

    ok = cli("packet", "verify", str(bag.path))
    assert ok.returncode == 0 and "bag verified" in ok.stdout and built.packet_id in ok.stdout, ok.stderr

    image = bag.path / "data" / "images" / f"read-{case_reads[1]}-scene.jpg"
    os.chmod(image, stat.S_IRUSR | stat.S_IWUSR)
    data = bytearray(image.read_bytes())
    data[len(data) // 2] ^= 0x01
    image.write_bytes(bytes(data))
    bad = cli("packet", "verify", str(bag.path))
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.startswith("error:") and bad.stderr.count("\n") == 1
    assert f"changed: data/images/read-{case_reads[1]}-scene.jpg" in bad.stderr
    as_json = cli("packet", "verify", str(bag.path), "--json")
    assert json.loads(as_json.stdout)["ok"] is False

    data[len(data) // 2] ^= 0x01
    image.write_bytes(bytes(data))
    assert verify_bag(bag.path).ok
    os.chmod(bag.path / "data", stat.S_IRWXU)
    (bag.path / "data" / "reads.csv").unlink()
    assert verify_bag(bag.path).problem == "missing: data/reads.csv"
    (bag.path / "data" / "notes.txt").write_text("added later")
    report = verify_bag(bag.path)
    assert report.problem == "missing: data/reads.csv" and report.problems == 2
    os.chmod(bag.path, stat.S_IRWXU)
    os.chmod(bag.path / "bag-info.txt", stat.S_IRUSR | stat.S_IWUSR)
    with open(bag.path / "bag-info.txt", "a") as handle:
        handle.write("Received-By: someone\n")
    assert verify_bag(bag.path).problem.startswith("changed: bag-info.txt")

    again = packets.export(people["tech"], built, tmp_path / "second")
    assert verify_bag(again.path).ok
    with pytest.raises(ValidationError, match="exists already"):
        packets.export(people["tech"], built, tmp_path / "second")


KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from app.config import Settings
    from app.services.container import build_services
    from app.services.packets import PacketService
    data_dir, db_url, media = sys.argv[1:4]
    services = build_services(Settings(data_dir=Path(data_dir), db_url=db_url, workstation="kill-ws"))
    tech = services.auth.login("et.nguyen", os.environ["PLATE_DESK_PASSWORD"])
    packets = PacketService(services.db, services.gate, services.images, services.now,
                            work_dir=Path(data_dir) / "kill-packets")
    built = packets.build(tech, "GPD-26-1107")
    print(built.bag_name, flush=True)
    def progress(p):
        if p.message == "Copying files" and p.done == 3:
            os.kill(os.getpid(), signal.SIGKILL)
    packets.export(tech, built, Path(media), progress=progress)
""")


def test_an_export_killed_half_way_leaves_no_bag(services, packets, people, case_reads, settings, tmp_path):
    media = tmp_path / "usb"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PLATE_DESK_")},
           "PLATE_DESK_PASSWORD": USER_PASSWORD}
    killed = subprocess.run([sys.executable, "-c", KILLER, str(tmp_path), settings.db_url, str(media)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert killed.returncode == -9, killed.stderr
    bag_name = killed.stdout.strip()
    assert not (media / bag_name).exists()
    leftovers = list(media.iterdir())
    assert all(p.name.startswith(PARTIAL_PREFIX) for p in leftovers)  # hidden, and never a bag
    assert not verify_bag(media / bag_name).ok
    with services.db.transaction() as s:
        assert s.scalars(select(PacketExport)).all() == []
        assert not s.scalars(select(AuditRecord).where(AuditRecord.action == "packet_export")).all()

    # The next export to the same media succeeds and clears the remains of the killed one.
    built = packets.build(people["tech"], CASE)
    bag = packets.export(people["tech"], built, media)
    assert [p.name for p in media.iterdir()] == [bag.path.name] and verify_bag(bag.path).ok


def test_printing_is_recorded_with_the_pdf_hash(services, packets, people, case_reads):
    built = packets.build(people["tech"], CASE)
    packets.record_print(people["tech"], built, printer="Evidence room LaserJet", copies=2)
    with services.db.transaction() as s:
        record = s.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).one()
    query = json.loads(record.query)
    assert (record.action, record.outcome, record.case_number) == ("packet_print", "ok", CASE)
    assert query["pdf_sha256"] == built.pdf_sha256 and query["copies"] == 2
    with pytest.raises(PermissionDenied):
        packets.record_print(people["det"], built, printer="x")


def test_packet_commands(cli, services, people, case_reads, tmp_path):  # noqa: F811
    out = tmp_path / "usb"
    built = cli("packet", "build", "--case", CASE, "--out", str(out), user="et.nguyen")
    assert built.returncode == 0, built.stderr
    bag = Path(built.stdout.strip())
    assert bag.parent == out and bag.name.startswith(f"{CASE}_PKT-")
    verified = cli("packet", "verify", str(bag))
    assert verified.returncode == 0, verified.stderr

    as_json = cli("packet", "build", "--case", CASE, "--out", str(tmp_path / "usb2"), "--json", user="et.nguyen")
    assert as_json.returncode == 0, as_json.stderr
    row = json.loads(as_json.stdout)
    assert row["reads"] == 4 and Path(row["bag"]).is_dir() and len(as_json.stdout.splitlines()) == 1

    refused = cli("packet", "build", "--case", CASE, "--out", str(out), user="det.ruiz")
    assert refused.returncode == 3 and refused.stderr.startswith("refused:")
    missing = cli("packet", "build", "--case", "NO-SUCH", "--out", str(out), user="et.nguyen")
    assert missing.returncode == 1 and missing.stderr.startswith("error:")
    not_a_bag = cli("packet", "verify", str(tmp_path))
    assert not_a_bag.returncode == 1 and not_a_bag.stderr.startswith("error:")
    helped = cli("packet", "build", "--help")
    assert "INSIDE --out" in helped.stdout


def test_a_long_hold_reason_keeps_one_page_per_read(services, packets, people):
    ids = seed_reads(services, ["7LONG01"])
    cases = CaseService(services.db, services.gate, services.now)
    cases.create_case(people["det"], "GPD-26-1400", "Long reason")
    cases.add_reads(people["det"], "GPD-26-1400", ids, reason="Seen leaving the scene. " * 120)
    built = packets.build(people["tech"], "GPD-26-1400")
    pages = page_texts(built.pdf)
    assert sum(1 for text in pages if "Read 1 of 1:" in text) == 1 and "whole in reads.csv" in "".join(pages)
    assert len(pages) == 5  # cover, summary, the read, custody, appendix
