"""Evidence packets (Policy 424.4): build the PDF and its files, export them as a bag, print.

`build` gathers a case's held reads (or a selection of them), copies their original images
out of the store (checking each against its SHA-256), writes the reads and the case's
access-log excerpt as CSV, and draws the PDF, all into a private staging folder; the
packet's row and its access record (with the PDF's SHA-256) are written in the same
transaction as the reading. `export` turns the staged packet into a BagIt bag on a folder
or removable media; `record_print` audits a print. Each is a plain function with a cancel
token and a progress callback, so the CLI, the tests and the GUI's worker all call it alike.
"""
from __future__ import annotations

import csv
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from sqlalchemy import select

from app.data import audit_log
from app.data.db import Database
from app.data.images import ImageStore, sha256_bytes, sha256_file
from app.data.orm import (AuditRecord, EvidencePacket, EvidencePacketRead, PacketExport, PlateRead, Source,
                          StoredImage, User)
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import NotFound, PlateDeskError, ValidationError
from app.domain.roles import Permission
from app.jobs import CancelToken, Progress, ProgressCallback, no_progress
from app.reports.packet_model import Camera, PacketDocument, PacketFile, PacketImage, PacketRead
from app.services import bags, system
from app.services.access import Gate
from app.services.cases import CaseRead, case_facts, case_reads, load_case

DEFAULT_PURPOSE = "Booking into evidence (Policy 424.4)"
STALE_STAGING_S = 24 * 3600
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/webp": "webp",
              "image/tiff": "tif", "image/bmp": "bmp"}
READ_FIELDS = ["read_id", "plate", "plate_as_read", "corrected_text", "state", "captured_at_utc", "lat", "lon",
               "source", "source_kind", "confidence", "scene_file", "scene_sha256", "crop_file", "crop_sha256",
               "video_sha256", "frame", "t_video_s", "hold_placed_by", "hold_placed_at_utc", "hold_reason"]
LOG_FIELDS = ["seq", "occurred_at_utc", "username", "agency", "workstation", "action", "outcome", "purpose",
              "case_number", "query", "result_count", "detail", "prev_hash", "row_hash"]


@dataclass
class BuiltPacket:
    """A packet built and staged, ready to preview, print or export; `discard` when done."""

    packet_id: str
    case_number: str
    case_title: str
    agency: str
    purpose: str
    built_by: str
    built_at: datetime
    staging: Path
    pdf: Path
    pdf_sha256: str
    page_count: int
    read_ids: list[int]
    files: list[PacketFile]                 # every file of data/ but the PDF
    warnings: list[str] = field(default_factory=list)

    @property
    def pdf_name(self) -> str:
        return self.pdf.name

    @property
    def bag_name(self) -> str:
        return f"{_safe(self.case_number)}_{self.packet_id}"

    def payload(self) -> list[tuple[Path, str]]:
        """(file now, path inside the bag's data/ folder) for every file of the packet."""
        rows = [(self.pdf, self.pdf.name)]
        rows += [(self.staging / f.name, f.name.removeprefix("data/")) for f in self.files]
        return rows

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


@dataclass(frozen=True)
class ExportedBag:
    path: Path
    files: int
    tagmanifest_sha256: str


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "case"


class PacketService:
    def __init__(self, db: Database, gate: Gate, images: ImageStore, now: Clock,
                 work_dir: Path | None = None, zone: tzinfo | None = None) -> None:
        self._db = db
        self._gate = gate
        self._images = images
        self._now = now
        # Absolute: bagit's make_bag changes the working directory while it runs.
        self._work_dir = (Path(work_dir) if work_dir else Path(tempfile.gettempdir()) / "plate-desk-packets").resolve()
        self._zone = zone  # None: the workstation's zone

    # --- build ----------------------------------------------------------------------------

    def build(self, caller: Caller, number: str, read_ids: list[int] | None = None,
              purpose: str = DEFAULT_PURPOSE, *, cancel: CancelToken | None = None,
              progress: ProgressCallback = no_progress) -> BuiltPacket:
        """Build the packet of case `number`: its held reads, or the held reads among `read_ids`."""
        purpose = (purpose or "").strip() or DEFAULT_PURPOSE
        wanted = sorted(set(read_ids)) if read_ids else None
        elements = {"case": number.strip(), "read_ids": wanted[:50] if wanted else "all held"}
        caller = self._gate.require(caller, Permission.BUILD_PACKETS, action="packet_build", query=elements)
        self._work_dir.mkdir(parents=True, exist_ok=True)
        self._remove_stale_staging()
        staging = Path(tempfile.mkdtemp(prefix="packet-", dir=self._work_dir))
        try:
            with self._db.transaction() as session:
                now = self._now()
                case = load_case(session, number)
                reads = case_reads(session, case.id, held_only=True)
                if wanted is not None:
                    in_case = {r.read_id for r in reads}
                    outside = [i for i in wanted if i not in in_case]
                    if outside:
                        raise ValidationError(f"Read {outside[0]} is not held in case {case.number}; a packet "
                                              "holds only the case's held reads.")
                    reads = [r for r in reads if r.read_id in set(wanted)]
                if not reads:
                    raise ValidationError(f"Case {case.number} has no held reads to put in a packet.")
                packet_id = f"PKT-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2).upper()}"
                agency = system.get_setting(session, system.AGENCY) or caller.agency
                builder = _person(session, caller.username)
                lead = _person_by_id(session, case.lead_user_id)

                files, packet_reads, warnings = self._stage_reads(session, reads, staging, cancel, progress)
                files.append(self._write_reads_csv(staging, packet_reads, session))
                files.append(self._write_log_csv(staging, session, case.number))
                cameras = [Camera(s.name, s.lat, s.lon) for s in session.scalars(
                    select(Source).where(Source.kind == "fixed", Source.lat.is_not(None), Source.lon.is_not(None)))]

                pdf = staging / "data" / f"packet-{packet_id}.pdf"
                document = PacketDocument(
                    agency=agency or "—", case_number=case.number, case_title=case.title,
                    lead_investigator=lead, packet_id=packet_id, generated_by=builder, generated_at=now,
                    workstation=caller.workstation, purpose=purpose, reads=packet_reads,
                    files=sorted(files, key=lambda f: f.name), cameras=cameras, pdf_name=pdf.name)
                from app.reports.packet import render_packet  # ReportLab loads on first build

                pages = render_packet(document, pdf, zone=self._zone, cancel=cancel,
                                      progress=lambda p: progress(Progress(p.done, p.total, "Drawing the PDF")))
                pdf_sha = sha256_file(pdf)

                session.add(EvidencePacket(id=packet_id, case_id=case.id, built_by=caller.username, built_at=now,
                                           purpose=purpose, read_count=len(reads), page_count=pages,
                                           file_count=len(files) + 1, pdf_sha256=pdf_sha))
                session.flush()
                session.add_all(EvidencePacketRead(packet_id=packet_id, read_id=r.read_id) for r in reads)
                audit_log.append(
                    session, case_facts(caller, case.number, purpose), action="packet_build",
                    outcome=Outcome.OK.value, now=now, result_count=len(reads),
                    query={"packet_id": packet_id, "pdf_sha256": pdf_sha, "case": case.number,
                           "reads": len(reads), "pages": pages, "files": len(files) + 1},
                    detail="; ".join(warnings))
            return BuiltPacket(packet_id, case.number, case.title, agency, purpose, caller.username, now, staging,
                               pdf, pdf_sha, pages, [r.read_id for r in reads], sorted(files, key=lambda f: f.name),
                               warnings)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def _remove_stale_staging(self) -> None:
        """Staged packets left by a crash hold copies of ALPR data: gone after a day."""
        cutoff = time.time() - STALE_STAGING_S
        for old in self._work_dir.glob("packet-*"):
            try:
                if old.is_dir() and old.stat().st_mtime < cutoff:
                    shutil.rmtree(old, ignore_errors=True)
            except OSError:
                continue

    def _stage_reads(self, session, reads: list[CaseRead], staging: Path, cancel, progress):
        shas = {s for r in reads for s in (r.image_sha256, r.crop_sha256) if s}
        media = dict(session.execute(select(StoredImage.sha256, StoredImage.media_type)
                                     .where(StoredImage.sha256.in_(shas))).all()) if shas else {}
        extra = {row.id: row for row in session.execute(
            select(PlateRead.id, PlateRead.frame, PlateRead.t_video_s, Source.kind)
            .join(Source, Source.id == PlateRead.source_id)
            .where(PlateRead.id.in_([r.read_id for r in reads])))}
        (staging / "data" / "images").mkdir(parents=True)
        files: list[PacketFile] = []
        result: list[PacketRead] = []
        warnings: list[str] = []
        for number, read in enumerate(reads, start=1):
            if cancel is not None:
                cancel.raise_if_cancelled()
            images = []
            for kind, sha, label in (("scene", read.image_sha256, "scene image"),
                                     ("plate", read.crop_sha256, "plate crop")):
                image, file = self._stage_image(staging, read.read_id, kind, sha, media.get(sha), label)
                images.append(image)
                if file is not None:
                    files.append(file)
                elif sha:
                    warnings.append(f"read {read.read_id}: {image.note}")
            row = extra[read.read_id]
            result.append(PacketRead(
                number=number, read_id=read.read_id, plate=read.plate, plate_as_read=read.plate_as_read,
                corrected_text=read.corrected_text, state=read.state, captured_at=read.captured_at, lat=read.lat,
                lon=read.lon, source=read.source, source_kind=row.kind, confidence=read.confidence,
                scene=images[0], crop=images[1], video_sha256=read.video_sha256, frame=row.frame,
                t_video_s=row.t_video_s, hold_placed_by=read.placed_by, hold_placed_at=read.placed_at,
                hold_reason=read.reason))
            progress(Progress(number, len(reads), "Copying the original images"))
        return files, result, warnings

    def _stage_image(self, staging: Path, read_id: int, kind: str, sha: str | None, media_type: str | None,
                     label: str) -> tuple[PacketImage, PacketFile | None]:
        if not sha:
            return PacketImage(note=f"No {label} stored for this read."), None
        try:
            data = self._images.read(sha)
        except FileNotFoundError:
            return PacketImage(sha256=sha, note=f"The {label} recorded for this read (SHA-256 {sha[:16]}…) is "
                                                "missing from the image store."), None
        if sha256_bytes(data) != sha:
            return PacketImage(sha256=sha, note=f"The stored {label} (SHA-256 {sha[:16]}…) does not match its "
                                                "SHA-256 and was left out."), None
        name = f"data/images/read-{read_id}-{kind}.{EXTENSIONS.get((media_type or '').lower(), 'bin')}"
        target = staging / name
        target.write_bytes(data)
        return (PacketImage(name=name, path=target, sha256=sha),
                PacketFile(name, sha, len(data), f"read {read_id} {label}"))

    def _write_reads_csv(self, staging: Path, reads: list[PacketRead], session) -> PacketFile:
        name = "data/reads.csv"
        with open(staging / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(READ_FIELDS)
            for r in reads:
                writer.writerow([
                    r.read_id, r.plate, r.plate_as_read, r.corrected_text or "", r.state or "",
                    r.captured_at.isoformat(timespec="seconds") + "Z", f"{r.lat:.7f}", f"{r.lon:.7f}", r.source,
                    r.source_kind, f"{r.confidence:.4f}", r.scene.name or "", r.scene.sha256 or "",
                    r.crop.name or "", r.crop.sha256 or "", r.video_sha256 or "",
                    "" if r.frame is None else r.frame, "" if r.t_video_s is None else f"{r.t_video_s:.3f}",
                    r.hold_placed_by,
                    r.hold_placed_at.isoformat(timespec="seconds") + "Z" if r.hold_placed_at else "", r.hold_reason,
                ])
        return PacketFile(name, sha256_file(staging / name), (staging / name).stat().st_size,
                          "the reads, one per row")

    def _write_log_csv(self, staging: Path, session, number: str) -> PacketFile:
        name = "data/access-log.csv"
        stmt = select(AuditRecord).where(AuditRecord.case_number == number).order_by(AuditRecord.seq)
        with open(staging / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(LOG_FIELDS)
            for e in audit_log.iter_entries(session, stmt):
                writer.writerow([e.seq, e.occurred_at.isoformat(timespec="microseconds") + "Z", e.username,
                                 e.agency, e.workstation, e.action, e.outcome, e.purpose, e.case_number, e.query,
                                 "" if e.result_count is None else e.result_count, e.detail, e.prev_hash,
                                 e.row_hash])
        return PacketFile(name, sha256_file(staging / name), (staging / name).stat().st_size,
                          "the access log's records for this case")

    # --- export and print -------------------------------------------------------------------

    def export(self, caller: Caller, packet: BuiltPacket, parent: Path, *, cancel: CancelToken | None = None,
               progress: ProgressCallback = no_progress) -> ExportedBag:
        """Write the packet as a BagIt bag in the folder `parent` (a new folder `packet.bag_name`)."""
        parent = Path(parent).expanduser().resolve()
        destination = parent / packet.bag_name
        elements = {"packet_id": packet.packet_id, "pdf_sha256": packet.pdf_sha256, "destination": str(destination)}
        caller = self._gate.require(caller, Permission.EXPORT_MEDIA, action="packet_export", query=elements)
        self._check_staged(packet)
        with self._db.transaction() as session:
            row = session.get(EvidencePacket, packet.packet_id)
            if row is None or row.pdf_sha256 != packet.pdf_sha256:
                raise NotFound(f"Packet {packet.packet_id} is not on record; build it again.")
            now = self._now()
            builder = _person(session, packet.built_by)
            exporter = _person(session, caller.username)
            info = {
                "Source-Organization": packet.agency or "—",
                "Contact-Name": exporter,
                "External-Identifier": packet.packet_id,
                "External-Description": f"ALPR evidence packet for case {packet.case_number}: {packet.case_title}",
                "Bag-Group-Identifier": packet.case_number,
                "Case-Number": packet.case_number,
                "Case-Title": packet.case_title,
                "Packet-Id": packet.packet_id,
                "Packet-PDF": f"data/{packet.pdf_name}",
                "Packet-PDF-SHA256": packet.pdf_sha256,
                "Read-Count": str(len(packet.read_ids)),
                "Purpose": packet.purpose,
                "Generated-By": builder,
                "Generated-At-UTC": packet.built_at.isoformat(timespec="seconds") + "Z",
                "Released-By": exporter,
                "Released-At-UTC": now.isoformat(timespec="seconds") + "Z",
                "Workstation": caller.workstation,
                "Custody-Note": "Record every transfer on the chain-of-custody form of the packet PDF. "
                                "Check the bag with: python -m app packet verify <this folder>",
            }
            path = bags.write_bag(packet.payload(), parent, packet.bag_name, info, cancel=cancel,
                                  progress=progress)
            try:
                tag_sha = bags.tagmanifest_sha256(path)
                files = len(packet.files) + 1
                session.add(PacketExport(packet_id=packet.packet_id, exported_by=caller.username, exported_at=now,
                                         destination=str(path), file_count=files, tagmanifest_sha256=tag_sha))
                audit_log.append(session, case_facts(caller, packet.case_number, packet.purpose),
                                 action="packet_export", outcome=Outcome.OK.value, now=now,
                                 query={**elements, "tagmanifest_sha256": tag_sha, "files": files},
                                 result_count=len(packet.read_ids))
                session.flush()
            except BaseException:
                bags.remove_tree(path)
                raise
        return ExportedBag(path, files, tag_sha)

    def record_print(self, caller: Caller, packet: BuiltPacket, printer: str, copies: int = 1,
                     pages: str = "all") -> None:
        """Record that the packet goes to a printer: call it just before printing."""
        elements = {"packet_id": packet.packet_id, "pdf_sha256": packet.pdf_sha256, "printer": printer,
                    "copies": copies, "pages": pages}
        caller = self._gate.require(caller, Permission.BUILD_PACKETS, action="packet_print", query=elements)
        self._check_staged(packet, pdf_only=True)
        with self._db.transaction() as session:
            if session.get(EvidencePacket, packet.packet_id) is None:
                raise NotFound(f"Packet {packet.packet_id} is not on record; build it again.")
            audit_log.append(session, case_facts(caller, packet.case_number, packet.purpose),
                             action="packet_print", outcome=Outcome.OK.value, now=self._now(), query=elements,
                             result_count=len(packet.read_ids))

    def _check_staged(self, packet: BuiltPacket, pdf_only: bool = False) -> None:
        """The staged files must be what was built and recorded: nothing swapped in between."""
        if not packet.pdf.exists() or sha256_file(packet.pdf) != packet.pdf_sha256:
            raise PlateDeskError(f"The PDF of packet {packet.packet_id} changed or is gone since it was built; "
                                 "build the packet again.")
        if pdf_only:
            return
        for f in packet.files:
            path = packet.staging / f.name
            if not path.exists() or sha256_file(path) != f.sha256:
                raise PlateDeskError(f"{f.name} of packet {packet.packet_id} changed or is gone since it was "
                                     "built; build the packet again.")


def _person(session, username: str) -> str:
    user = session.scalar(select(User).where(User.username == username))
    if user is not None and user.full_name:
        return f"{user.full_name} ({username})"
    return username


def _person_by_id(session, user_id: int | None) -> str:
    if user_id is None:
        return ""
    user = session.get(User, user_id)
    if user is None:
        return ""
    return f"{user.full_name} ({user.username})" if user.full_name else user.username
