"""Cases and evidence holds (Policy 424.4): gather reads into a case; a read in a case is held.

Adding a read to a case places an evidence hold on it (who, when, why); held reads survive
retention (see holds.py for what "held" means). Only a custodian of records, or a detective
who is the case's lead investigator, releases a hold, and always with a reason. Every
function here checks the caller through the gate and writes its access record in the same
transaction as the work.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.data import audit_log
from app.data.audit_log import AccessFacts
from app.data.db import Database
from app.data.orm import Case, EvidenceHold, Plate, PlateRead, Source, User
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import NotFound, PermissionDenied, ValidationError
from app.domain.roles import Permission, Role
from app.services.access import Gate, facts
from app.services.holds import active_hold

MAX_READS_PER_ADD = 10_000
CASE_PURPOSE = "Case management (Policy 424.4 evidence)"


@dataclass(frozen=True)
class CaseSummary:
    id: int
    number: str
    title: str
    lead: str | None            # the lead investigator's username
    created_by: str
    created_at: datetime
    reads: int                  # reads ever added
    held: int                   # reads on an unreleased hold in this case


@dataclass(frozen=True)
class CaseRead:
    """A read of a case with its hold (the latest hold of this case on the read)."""

    read_id: int
    plate: str
    plate_as_read: str
    corrected_text: str | None
    state: str | None
    captured_at: datetime
    lat: float
    lon: float
    source: str
    confidence: float
    image_sha256: str | None
    crop_sha256: str | None
    video_sha256: str | None
    hold_id: int
    placed_by: str
    placed_at: datetime
    reason: str
    released_by: str | None
    released_at: datetime | None
    release_reason: str | None

    @property
    def held(self) -> bool:
        return self.released_at is None


@dataclass(frozen=True)
class AddedReads:
    added: list[int]            # newly held in this case
    already_held: list[int]     # already on an unreleased hold in this case


def case_facts(caller: Caller, number: str, purpose: str = CASE_PURPOSE) -> AccessFacts:
    """The access record's facts for work on a case: its number, and the caller's purpose if given."""
    base = facts(caller)
    return AccessFacts(username=base.username, agency=base.agency, workstation=base.workstation,
                       purpose=caller.purpose.strip() or purpose, case_number=number)


def load_case(session: Session, number: str) -> Case:
    case = session.scalar(select(Case).where(Case.number == number.strip()))
    if case is None:
        raise NotFound(f"There is no case {number.strip()!r}.")
    return case


def clean_number(number: str) -> str:
    text = (number or "").strip()
    if not text:
        raise ValidationError("Give the case number.")
    if len(text) > 64 or any(ch in text for ch in "/\\\n\r\t"):
        raise ValidationError("A case number has at most 64 characters and no slashes or line breaks.")
    return text


class CaseService:
    def __init__(self, db: Database, gate: Gate, now: Clock) -> None:
        self._db = db
        self._gate = gate
        self._now = now

    # --- cases ------------------------------------------------------------------------

    def create_case(self, caller: Caller, number: str, title: str, lead: str | None = None) -> CaseSummary:
        """Open a case; its lead investigator is `lead` (a username) or, by default, the caller."""
        number = clean_number(number)
        title = (title or "").strip()
        if not title:
            raise ValidationError("Give the case a title.")
        if len(title) > 400:
            raise ValidationError("A case title has at most 400 characters.")
        elements = {"case": number, "title": title, "lead": lead or caller.username}
        caller = self._gate.require(caller, Permission.MANAGE_CASES, action="case_create", query=elements)
        with self._db.transaction() as session:
            if session.scalar(select(Case.id).where(Case.number == number)) is not None:
                raise ValidationError(f"Case {number} already exists.")
            lead_id = caller.user_id
            if lead:
                user = session.scalar(select(User).where(User.username == lead.strip()))
                if user is None or not user.active:
                    raise ValidationError(f"There is no active user {lead!r} to lead the case.")
                lead_id = user.id
            case = Case(number=number, title=title, lead_user_id=lead_id, created_by=caller.username,
                        created_at=self._now())
            session.add(case)
            session.flush()
            audit_log.append(session, case_facts(caller, number), action="case_create", outcome=Outcome.OK.value,
                             now=self._now(), query=elements, result_count=0)
            return self._summaries(session, [case])[0]

    def list_cases(self, caller: Caller) -> list[CaseSummary]:
        """Every case with its counts, newest first (no plate data, so no access record)."""
        self._gate.require(caller, Permission.MANAGE_CASES, action="case_list")
        with self._db.transaction() as session:
            cases = session.scalars(select(Case).order_by(Case.created_at.desc(), Case.id.desc())).all()
            return self._summaries(session, cases)

    def get_case(self, caller: Caller, number: str) -> CaseSummary:
        self._gate.require(caller, Permission.MANAGE_CASES, action="case_list", query={"case": number})
        with self._db.transaction() as session:
            return self._summaries(session, [load_case(session, number)])[0]

    def _summaries(self, session: Session, cases) -> list[CaseSummary]:
        if not cases:
            return []
        ids = [c.id for c in cases]
        totals = dict(session.execute(
            select(EvidenceHold.case_id, func.count(func.distinct(EvidenceHold.read_id)))
            .where(EvidenceHold.case_id.in_(ids)).group_by(EvidenceHold.case_id)).all())
        held = dict(session.execute(
            select(EvidenceHold.case_id, func.count(func.distinct(EvidenceHold.read_id)))
            .where(EvidenceHold.case_id.in_(ids), active_hold()).group_by(EvidenceHold.case_id)).all())
        leads = dict(session.execute(
            select(User.id, User.username).where(User.id.in_({c.lead_user_id for c in cases if c.lead_user_id})))
            .all())
        return [CaseSummary(c.id, c.number, c.title, leads.get(c.lead_user_id), c.created_by, c.created_at,
                            totals.get(c.id, 0), held.get(c.id, 0)) for c in cases]

    # --- reads and holds -----------------------------------------------------------------

    def case_reads(self, caller: Caller, number: str) -> list[CaseRead]:
        """The reads of a case, oldest first, each with its latest hold in this case."""
        caller = self._gate.require(caller, Permission.MANAGE_CASES, action="case_reads", query={"case": number})
        with self._db.transaction() as session:
            case = load_case(session, number)
            reads = case_reads(session, case.id)
            audit_log.append(session, case_facts(caller, case.number), action="case_reads",
                             outcome=Outcome.OK.value, now=self._now(), query={"case": case.number},
                             result_count=len(reads))
        return reads

    def add_reads(self, caller: Caller, number: str, read_ids: list[int], reason: str = "") -> AddedReads:
        """Add reads to a case, placing an evidence hold on each (all or none).

        A read already held in this case is left as it is; a read whose hold here was
        released is held again. Unknown read ids refuse the whole request.
        """
        ids = sorted({int(i) for i in read_ids})
        if not ids:
            raise ValidationError("Give at least one read to add to the case.")
        if len(ids) > MAX_READS_PER_ADD:
            raise ValidationError(f"Add at most {MAX_READS_PER_ADD:,} reads at a time.")
        reason = (reason or "").strip() or f"Evidence in case {number.strip()} (Policy 424.4)"
        elements = {"case": number.strip(), "reads": len(ids), "read_ids": ids[:50], "reason": reason}
        caller = self._gate.require(caller, Permission.MANAGE_CASES, action="case_add_reads", query=elements)
        with self._db.transaction() as session:
            case = load_case(session, number)
            found: set[int] = set()
            for start in range(0, len(ids), 5000):
                found.update(session.scalars(select(PlateRead.id).where(PlateRead.id.in_(ids[start:start + 5000]))))
            missing = [i for i in ids if i not in found]
            if missing:
                shown = ", ".join(str(i) for i in missing[:10]) + (" …" if len(missing) > 10 else "")
                raise NotFound(f"No read with id {shown}; nothing was added to case {case.number}.")
            already: set[int] = set()
            for start in range(0, len(ids), 5000):
                already.update(session.scalars(select(EvidenceHold.read_id).where(
                    EvidenceHold.case_id == case.id, active_hold(),
                    EvidenceHold.read_id.in_(ids[start:start + 5000]))))
            now = self._now()
            added = [i for i in ids if i not in already]
            session.add_all(EvidenceHold(read_id=i, case_id=case.id, placed_by=caller.username, placed_at=now,
                                         reason=reason) for i in added)
            audit_log.append(session, case_facts(caller, case.number), action="case_add_reads",
                             outcome=Outcome.OK.value, now=now, query=elements, result_count=len(added),
                             detail=f"{len(added)} held, {len(already)} already held")
        return AddedReads(added, sorted(already))

    def release_hold(self, caller: Caller, number: str, read_id: int, reason: str) -> None:
        """Release the evidence hold of case `number` on a read, with a reason.

        Custodians of records may release any hold; a detective only on a case they lead.
        The release, and a refusal, are recorded with who and why.
        """
        reason = (reason or "").strip()
        if len(reason) < 4:
            raise ValidationError("Say why the hold is released (a reason of a few words at least).")
        elements = {"case": number.strip(), "read_id": int(read_id), "reason": reason}
        caller = self._gate.require(caller, Permission.RELEASE_HOLDS, action="hold_release", query=elements)
        refusal: PermissionDenied | None = None
        with self._db.transaction() as session:
            case = load_case(session, number)
            record = case_facts(caller, case.number)
            if Role.CUSTODIAN not in caller.roles and case.lead_user_id != caller.user_id:
                refusal = PermissionDenied(
                    f"Only the custodian of records or the lead investigator of case {case.number} "
                    "may release its holds.")
                audit_log.append(session, record, action="hold_release", outcome=Outcome.REFUSED.value,
                                 now=self._now(), query=elements, detail=str(refusal))
            else:
                hold = session.scalar(select(EvidenceHold).where(
                    EvidenceHold.case_id == case.id, EvidenceHold.read_id == int(read_id), active_hold()))
                if hold is None:
                    raise NotFound(f"Read {read_id} is not on hold in case {case.number}.")
                now = self._now()
                hold.released_by, hold.released_at, hold.release_reason = caller.username, now, reason
                audit_log.append(session, record, action="hold_release", outcome=Outcome.OK.value, now=now,
                                 query=elements, result_count=1, detail=f"hold {hold.id} released: {reason}")
        if refusal is not None:
            raise refusal


def case_reads(session: Session, case_id: int, held_only: bool = False) -> list[CaseRead]:
    """Each read of a case once, with its latest hold in the case; oldest read first."""
    latest = (select(func.max(EvidenceHold.id).label("hold_id"))
              .where(EvidenceHold.case_id == case_id).group_by(EvidenceHold.read_id).subquery())
    stmt = (select(PlateRead, Plate.text, Source.name, EvidenceHold)
            .join(EvidenceHold, EvidenceHold.read_id == PlateRead.id)
            .join(latest, latest.c.hold_id == EvidenceHold.id)
            .join(Plate, Plate.id == PlateRead.plate_id)
            .join(Source, Source.id == PlateRead.source_id)
            .order_by(PlateRead.captured_at, PlateRead.id))
    if held_only:
        stmt = stmt.where(active_hold())
    result = []
    for read, plate, source, hold in session.execute(stmt):
        result.append(CaseRead(
            read_id=read.id, plate=plate, plate_as_read=read.plate_as_read, corrected_text=read.corrected_text,
            state=read.state, captured_at=read.captured_at, lat=read.lat, lon=read.lon, source=source,
            confidence=read.confidence, image_sha256=read.image_sha256, crop_sha256=read.crop_sha256,
            video_sha256=read.video_sha256, hold_id=hold.id, placed_by=hold.placed_by,
            placed_at=hold.placed_at, reason=hold.reason, released_by=hold.released_by,
            released_at=hold.released_at, release_reason=hold.release_reason,
        ))
    return result
