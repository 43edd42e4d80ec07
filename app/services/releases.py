"""Release requests (424.7): another agency's written request, the captain's decision, the export.

A request records the agency, the person requesting, the intended purpose and the data
asked for (a description and the reads). The captain or a designee approves or denies it
after re-entering the password, and never decides a request they filed (separation of
duties). Approved and denied requests stay on file. Data leaves only through an approved
request, as a BagIt bag in the evidence-packet format, and the access record names the
receiving agency.
"""
from __future__ import annotations

import csv
import json
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.data import audit_log
from app.data.db import Database
from app.data.images import ImageStore
from app.data.orm import Plate, PlateRead, ReleaseExport, ReleaseItem, ReleaseRequest, Source, StoredImage
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import NotFound, PermissionDenied, PlateDeskError, Refused, ValidationError
from app.domain.roles import Permission
from app.jobs import CancelToken, ProgressCallback, no_progress
from app.services.access import Gate, facts

PENDING, APPROVED, DENIED = "pending", "approved", "denied"
READ_FIELDS = ["id", "plate", "plate_as_read", "state", "captured_at_utc", "lat", "lon", "source", "confidence",
               "image", "crop"]
MAX_READS = 100_000
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/webp": "webp"}


@dataclass(frozen=True)
class ReleaseExportInfo:
    id: int
    exported_by: str
    exported_at: datetime
    destination: str
    read_count: int
    file_count: int
    manifest_sha256: str


@dataclass(frozen=True)
class ReleaseView:
    id: int
    agency: str
    requester_name: str
    purpose: str
    data_requested: str
    read_ids: tuple[int, ...]
    filed_by: str
    filed_at: datetime
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str
    exports: tuple[ReleaseExportInfo, ...] = ()


@dataclass(frozen=True)
class BagWritten:
    path: Path
    files: int
    manifest_sha256: str


def write_release_bag(payload: list[tuple[Path, str]], parent: Path, name: str, info: dict[str, str], *,
                      cancel: CancelToken | None = None, progress: ProgressCallback = no_progress) -> BagWritten:
    """The one adapter to the evidence packets' bag writer (app.services.bags), so a release
    leaves in exactly the packets' format: `payload` is (source file, path inside data/)."""
    try:
        from app.services import bags
    except ImportError as exc:  # the packets engineer's module is not in this build
        raise PlateDeskError("This build cannot write release exports yet: the evidence bag writer "
                             "(app.services.bags) is missing.") from exc
    path = bags.write_bag(payload, parent, name, info, cancel=cancel, progress=progress)
    return BagWritten(Path(path), len(payload), bags.tagmanifest_sha256(path))


class ReleaseService:
    def __init__(self, db: Database, gate: Gate, auth, images: ImageStore, now: Clock) -> None:
        self._db = db
        self._gate = gate
        self._auth = auth  # AuthService: reauthenticate(caller, password) before a decision
        self._images = images
        self._now = now

    # --- filing ------------------------------------------------------------------------

    def file_request(self, caller: Caller, agency: str, requester_name: str, purpose: str, data_requested: str,
                     read_ids: list[int] | tuple[int, ...] = ()) -> int:
        """Put another agency's written request on file (424.7(a)); returns its number."""
        agency, requester_name = agency.strip(), requester_name.strip()
        purpose, data_requested = purpose.strip(), data_requested.strip()
        missing = [name for name, value in (("the agency", agency), ("the person requesting", requester_name),
                                            ("the intended purpose", purpose), ("the data asked for", data_requested))
                   if not value]
        if missing:
            raise ValidationError(f"A release request names {', '.join(missing)} (Policy 424.7(a)).")
        ids = sorted(set(int(i) for i in read_ids))
        if len(ids) > MAX_READS:
            raise ValidationError(f"A request may name at most {MAX_READS:,} reads.")
        query = {"agency": agency, "requester": requester_name, "reads": len(ids)}
        caller = self._gate.require(caller, Permission.REQUEST_RELEASE, action="release_request", query=query)
        with self._db.transaction() as session:
            now = self._now()
            request_id = session.execute(insert(ReleaseRequest).values(
                agency=agency, requester_name=requester_name, purpose=purpose, data_requested=data_requested,
                filed_by=caller.username, filed_at=now, status=PENDING, decision_note="",
            ).returning(ReleaseRequest.id)).scalar_one()
            if ids:
                session.execute(insert(ReleaseItem), [{"request_id": request_id, "read_id": i} for i in ids])
            audit_log.append(session, facts(caller), action="release_request", outcome=Outcome.OK.value, now=now,
                             query={**query, "request_id": request_id, "purpose": purpose}, result_count=len(ids))
        return request_id

    def list_requests(self, caller: Caller, status: str | None = None) -> list[ReleaseView]:
        """Every request on file, newest first: for those who file them and those who decide."""
        needed = Permission.DECIDE_RELEASES if caller.may(Permission.DECIDE_RELEASES) else Permission.REQUEST_RELEASE
        self._gate.require(caller, needed, action="release_list")
        with self._db.transaction() as session:
            stmt = select(ReleaseRequest).order_by(ReleaseRequest.id.desc())
            if status:
                stmt = stmt.where(ReleaseRequest.status == status)
            return [self._view(session, r) for r in session.scalars(stmt)]

    # --- deciding ----------------------------------------------------------------------

    def decide(self, caller: Caller, request_id: int, approve: bool, password: str, note: str = "") -> ReleaseView:
        """Approve or deny a pending request after the password is re-entered (424.7(b)).

        Whoever filed the request cannot decide it; a wrong password counts toward the
        lockout. Both refusals are audited.
        """
        action = "release_approve" if approve else "release_deny"
        note = note.strip()
        if not approve and not note:
            raise ValidationError("Say why the request is denied.")
        query = {"request_id": request_id}
        caller = self._gate.require(caller, Permission.DECIDE_RELEASES, action=action, query=query)
        with self._db.transaction() as session:
            request = self._request(session, request_id)
            query["agency"] = request.agency
            refusal: Refused | None = None
            if request.filed_by == caller.username:
                refusal = PermissionDenied("You filed this request, so another captain or designee must decide it "
                                           "(separation of duties).")
                audit_log.append(session, facts(caller), action=action, outcome=Outcome.REFUSED.value,
                                 now=self._now(), query=query, detail=str(refusal))
            elif request.status != PENDING:
                raise ValidationError(f"Request {request_id} was already {request.status} by {request.decided_by}.")
        if refusal is not None:
            raise refusal
        if not self._auth.reauthenticate(caller, password):
            raise Refused("The password is not correct; the decision was not recorded.")
        with self._db.transaction() as session:
            request = self._request(session, request_id, lock=True)
            if request.status != PENDING:
                raise ValidationError(f"Request {request_id} was already {request.status} by {request.decided_by}.")
            now = self._now()
            request.status = APPROVED if approve else DENIED
            request.decided_by, request.decided_at, request.decision_note = caller.username, now, note
            audit_log.append(session, facts(caller), action=action, outcome=Outcome.OK.value, now=now,
                             query={**query, "status": request.status}, detail=note[:500])
            session.flush()
            return self._view(session, request)

    # --- the export --------------------------------------------------------------------

    def export(self, caller: Caller, request_id: int, parent: Path, *, cancel: CancelToken | None = None,
               progress: ProgressCallback = no_progress) -> ReleaseExportInfo:
        """Write the reads of an approved request as a verifiable bag in `parent`.

        Refused (and audited) unless the request is approved. The bag holds the request
        and its decision, the reads as CSV, and their images; the access record names the
        receiving agency.
        """
        caller = self._gate.require(caller, Permission.REQUEST_RELEASE, action="release_export",
                                    query={"request_id": request_id})
        with self._db.transaction() as session:
            request = self._request(session, request_id)
            query = {"request_id": request_id, "agency": request.agency, "requester": request.requester_name}
            if request.status != APPROVED:
                refusal = Refused(f"Request {request_id} is {request.status}: only an approved request may be "
                                  "exported (Policy 424.7(b)).")
                audit_log.append(session, facts(caller), action="release_export", outcome=Outcome.REFUSED.value,
                                 now=self._now(), query=query, detail=str(refusal))
        if request.status != APPROVED:
            raise refusal
        with self._db.transaction() as session, tempfile.TemporaryDirectory(prefix="plate-desk-release-") as tmp:
            request = self._request(session, request_id)
            view = self._view(session, request)
            payload, found = self._payload(session, view, Path(tmp))
            now = self._now()
            # The evidence packets' bag-info names where they mean the same thing (app.services.packets).
            info = {"Source-Organization": caller.agency or "—", "Contact-Name": caller.username,
                    "External-Identifier": f"release-{request_id}",
                    "External-Description": f"ALPR data released to {request.agency} under Policy 424.7",
                    "Release-Request": str(request_id), "Receiving-Agency": request.agency,
                    "Requested-By": request.requester_name, "Intended-Purpose": request.purpose,
                    "Approved-By": request.decided_by or "", "Read-Count": str(found),
                    "Released-By": caller.username, "Released-At-UTC": now.isoformat(timespec="seconds") + "Z"}
            name = f"release-{request_id}-{now:%Y%m%d-%H%M%S}"
            bag = write_release_bag(payload, Path(parent), name, info, cancel=cancel, progress=progress)
            record = ReleaseExport(request_id=request_id, exported_by=caller.username, exported_at=now,
                                   destination=str(bag.path), read_count=found, file_count=bag.files,
                                   manifest_sha256=bag.manifest_sha256)
            session.add(record)
            session.flush()
            audit_log.append(session, facts(caller), action="release_export", outcome=Outcome.OK.value, now=now,
                             query={**query, "out": str(bag.path), "tagmanifest_sha256": bag.manifest_sha256},
                             result_count=found)
            return _export_info(record)

    def _payload(self, session: Session, view: ReleaseView, tmp: Path) -> tuple[list[tuple[Path, str]], int]:
        request_file = tmp / "release-request.json"
        request_file.write_text(json.dumps({
            "request": view.id, "agency": view.agency, "requested_by": view.requester_name,
            "purpose": view.purpose, "data_requested": view.data_requested, "filed_by": view.filed_by,
            "filed_at_utc": view.filed_at.isoformat(), "decision": view.status, "decided_by": view.decided_by,
            "decided_at_utc": view.decided_at.isoformat() if view.decided_at else None,
            "decision_note": view.decision_note, "reads_requested": list(view.read_ids)}, indent=2), encoding="utf-8")
        payload = [(request_file, "release-request.json")]
        reads_file = tmp / "reads.csv"
        images: dict[str, str] = {}
        found = 0
        with reads_file.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(READ_FIELDS)
            for start in range(0, len(view.read_ids), 500):
                chunk = view.read_ids[start:start + 500]
                rows = session.execute(
                    select(PlateRead, Plate.text, Source.name).join(Plate, Plate.id == PlateRead.plate_id)
                    .join(Source, Source.id == PlateRead.source_id).where(PlateRead.id.in_(chunk))
                    .order_by(PlateRead.id))
                for read, plate, source in rows:
                    names = []
                    for sha, kind in ((read.image_sha256, "image"), (read.crop_sha256, "crop")):
                        if sha and sha not in images and self._images.exists(sha):
                            stored = session.get(StoredImage, sha)
                            ext = EXTENSIONS.get(stored.media_type.lower() if stored else "", "bin")
                            images[sha] = f"images/read-{read.id}-{kind}.{ext}"
                        names.append(images.get(sha, "") if sha else "")
                    writer.writerow([read.id, plate, read.plate_as_read, read.state or "",
                                     read.captured_at.isoformat(timespec="seconds") + "Z", read.lat, read.lon,
                                     source, round(read.confidence, 4), *names])
                    found += 1
        payload.append((reads_file, "reads.csv"))
        payload += [(self._images.path(sha), inside) for sha, inside in sorted(images.items())]
        return payload, found

    # --- helpers -----------------------------------------------------------------------

    @staticmethod
    def _request(session: Session, request_id: int, lock: bool = False) -> ReleaseRequest:
        request = session.get(ReleaseRequest, request_id, with_for_update=lock)
        if request is None:
            raise NotFound(f"No release request number {request_id}.")
        return request

    @staticmethod
    def _view(session: Session, r: ReleaseRequest) -> ReleaseView:
        ids = tuple(session.scalars(select(ReleaseItem.read_id).where(ReleaseItem.request_id == r.id)
                                    .order_by(ReleaseItem.read_id)))
        exports = tuple(_export_info(e) for e in session.scalars(
            select(ReleaseExport).where(ReleaseExport.request_id == r.id).order_by(ReleaseExport.id)))
        return ReleaseView(r.id, r.agency, r.requester_name, r.purpose, r.data_requested, ids, r.filed_by, r.filed_at,
                           r.status, r.decided_by, r.decided_at, r.decision_note, exports)


def _export_info(e: ReleaseExport) -> ReleaseExportInfo:
    return ReleaseExportInfo(e.id, e.exported_by, e.exported_at, e.destination, e.read_count, e.file_count,
                             e.manifest_sha256)
