"""Hotlists and alerts (424.3, the passive component; 424.3(f), verify through CLETS).

An IS supervisor imports a state system's hotlist export (all rows or none) or enters a
BOLO by hand; each new entry is back-searched over the stored reads. Every read that
arrives later is matched by `match_new_reads`, which the code inserting reads calls in its
own transaction. Officers list, open and dispose of the alerts; each of those is audited.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from app.data import audit_log
from app.data.db import Database
from app.data.images import ImageStore, sha256_bytes
from app.data.orm import Alert, Hotlist, HotlistEntry, Plate, PlateRead, Source, SystemSetting
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import NotFound, ValidationError
from app.domain.plates import confusables, normalise_plate
from app.domain.roles import Permission
from app.services.access import Gate, facts

REASONS = ("stolen_vehicle", "stolen_plate", "wanted", "missing_person", "bolo")
REASON_LABELS = {"stolen_vehicle": "Stolen vehicle", "stolen_plate": "Stolen plate", "wanted": "Wanted",
                 "missing_person": "Missing person", "bolo": "BOLO"}
DISPOSITIONS = ("confirmed", "misread", "wrong_state", "dismissed")
DISPOSITION_LABELS = {"confirmed": "Confirmed (verified through CLETS)", "misread": "Misread",
                      "wrong_state": "Wrong state", "dismissed": "Dismissed"}
REQUIRED_COLUMNS = ("plate", "state", "reason", "reference", "entered", "expires")
MANUAL_HOTLIST = "Entered by hand"
FUZZY_SETTING = "hotlist_fuzzy_match"  # "1": also alert on one OCR-confusable character
CHUNK = 400  # bound parameters per IN (...)
BULK_READS = 2000  # above this many new reads, match against the live entries in memory
MAX_PLATE = 10


# --- plain data ----------------------------------------------------------------------

@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class HotlistFileError(ValidationError):
    """A hotlist file with bad rows: nothing of it was imported."""

    def __init__(self, path: str, bad_rows: list[BadRow]) -> None:
        self.bad_rows = bad_rows
        first = bad_rows[0]
        more = f" (and {len(bad_rows) - 1} more bad rows)" if len(bad_rows) > 1 else ""
        super().__init__(f"{Path(path).name}: {first}{more}; nothing was imported")


@dataclass(frozen=True)
class EntryRow:
    plate: str
    state: str | None
    reason: str
    reference: str
    entered: date | None
    expires: date | None
    extra: dict


@dataclass(frozen=True)
class ImportSummary:
    hotlist_id: int
    name: str
    entries: int
    alerts: int
    file_sha256: str


@dataclass(frozen=True)
class HotlistInfo:
    id: int
    name: str
    entries: int
    imported_by: str
    imported_at: datetime


@dataclass(frozen=True)
class AlertView:
    id: int
    read_id: int
    plate: str            # as stored for the read
    entry_plate: str      # as on the hotlist
    read_state: str | None
    entry_state: str | None
    reason: str
    reference: str
    hotlist: str
    fuzzy: bool
    captured_at: datetime
    lat: float
    lon: float
    source: str
    confidence: float
    created_at: datetime
    disposition: str | None
    note: str
    disposed_by: str | None
    disposed_at: datetime | None
    crop_sha256: str | None
    image_sha256: str | None
    extra: dict

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)

    @property
    def differences(self) -> str:
        """'0 for O at 6': where a fuzzy hit differs from the hotlist plate."""
        return ", ".join(f"{r} for {e} at {i + 1}" for i, (r, e) in enumerate(zip(self.plate, self.entry_plate))
                         if r != e)


@dataclass(frozen=True)
class AlertDetail:
    alert: AlertView
    image: bytes | None
    crop: bytes | None


# --- the CSV file --------------------------------------------------------------------

def parse_hotlist_csv(data: bytes) -> tuple[list[EntryRow], list[BadRow]]:
    """Rows of a state hotlist export, or the bad rows with their line and reason."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [BadRow(1, "the file is not UTF-8 text")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], [BadRow(1, "the file is empty")]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [BadRow(1, f"the header lacks the column(s) {', '.join(missing)}")]
    rows, bad = [], []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            bad.append(BadRow(line, f"{len(values)} fields where the header has {len(header)}"))
            continue
        record = dict(zip(header, (v.strip() for v in values)))
        try:
            rows.append(_entry_row(record))
        except ValueError as exc:
            bad.append(BadRow(line, str(exc)))
    if not rows and not bad:
        bad.append(BadRow(1, "the file has no entries"))
    return rows, bad


def _entry_row(record: dict[str, str]) -> EntryRow:
    plate = normalise_plate(record["plate"])
    if not 2 <= len(plate) <= MAX_PLATE:
        raise ValueError(f"plate {record['plate']!r} is not 2 to {MAX_PLATE} letters and digits")
    state = record["state"].upper() or None
    if state is not None and not (len(state) == 2 and state.isalpha()):
        raise ValueError(f"state {record['state']!r} is not a two-letter code")
    reason = record["reason"].lower().replace(" ", "_").replace("-", "_")
    if reason not in REASONS:
        raise ValueError(f"reason {record['reason']!r} is not one of {', '.join(REASONS)}")
    reference = record["reference"]
    if len(reference) > 64:
        raise ValueError("reference longer than 64 characters")
    entered, expires = _date(record, "entered"), _date(record, "expires")
    if entered and expires and expires < entered:
        raise ValueError(f"expires {expires} before it was entered {entered}")
    extra = {k: v for k, v in record.items() if k not in REQUIRED_COLUMNS and v}
    return EntryRow(plate, state, reason, reference, entered, expires, extra)


def _date(record: dict[str, str], column: str) -> date | None:
    value = record[column]
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]) if len(value) > 10 and value[10] in "T " else date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{column} {value!r} is not an ISO 8601 date") from None


# --- matching ------------------------------------------------------------------------

def plate_variants(plate: str) -> set[str]:
    """Every plate one OCR-confusable character away from `plate` (not `plate` itself)."""
    out = set()
    for i, char in enumerate(plate):
        for other in confusables(char) - {char}:
            out.add(plate[:i] + other + plate[i + 1:])
    return out


def fuzzy_enabled(session: Session) -> bool:
    # A plain select, so a Core Connection (the demo seeder's) works as well as a Session.
    value = session.scalar(select(SystemSetting.value).where(SystemSetting.key == FUZZY_SETTING))
    return value is None or value == "1"


def _state_agrees(read_state: str | None, entry_state: str | None) -> bool:
    # An entry with a state matches reads of that state; a read whose state was not read
    # cannot be ruled out, so it alerts (the officer may dispose of it as "wrong state").
    return not entry_state or not read_state or read_state.upper() == entry_state.upper()


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def match_new_reads(session: Session, read_ids: list[int], now: datetime, *, fuzzy: bool | None = None) -> int:
    """Raise alerts for newly stored reads against the live hotlist entries; return how many.

    Call it inside the transaction that inserts the reads (a Session or a Core Connection).
    A read matches an entry on the normalised plate, and on the state when both have one;
    with fuzzy matching (the system setting, on by default) one OCR-confusable character
    may differ, and such alerts are marked fuzzy. Expired entries are skipped; an alert for
    the same read and entry is never raised twice. A large batch (a bulk import, the demo
    seeder) loads the live entries once and matches in memory.
    """
    if not read_ids:
        return 0
    fuzzy = fuzzy_enabled(session) if fuzzy is None else fuzzy
    today = now.date()
    ids = sorted(set(read_ids))
    if len(ids) > BULK_READS:
        return _match_in_memory(session, ids, now, fuzzy)
    raised = 0
    for chunk in _chunks(ids):
        reads = session.execute(
            select(PlateRead.id, PlateRead.state, Plate.text).join(Plate, Plate.id == PlateRead.plate_id)
            .where(PlateRead.id.in_(chunk))).all()
        wanted: dict[str, list[tuple[int, str | None, bool]]] = {}
        for read_id, state, text in reads:
            wanted.setdefault(text, []).append((read_id, state, False))
            if fuzzy:
                for variant in plate_variants(text):
                    wanted.setdefault(variant, []).append((read_id, state, True))
        pairs: dict[tuple[int, int], bool] = {}
        for plates in _chunks(sorted(wanted)):
            for entry_id, plate, entry_state in session.execute(
                    select(HotlistEntry.id, HotlistEntry.plate, HotlistEntry.state)
                    .where(HotlistEntry.plate.in_(plates), _live(today))):
                for read_id, read_state, is_fuzzy in wanted[plate]:
                    if _state_agrees(read_state, entry_state):
                        pairs[(read_id, entry_id)] = pairs.get((read_id, entry_id), True) and is_fuzzy
        raised += _insert_alerts(session, pairs, now)
    return raised


def _match_in_memory(session: Session, ids: list[int], now: datetime, fuzzy: bool) -> int:
    """The bulk path: index the live entries (and their one-character look-alikes) once, then
    each read is two dictionary look-ups. Look-alike groups are symmetric, so a read is one
    confusable character from an entry exactly when the entry is one from the read."""
    exact: dict[str, list[tuple[int, str | None]]] = {}
    near: dict[str, list[tuple[int, str | None]]] = {}
    for entry_id, plate, state in session.execute(
            select(HotlistEntry.id, HotlistEntry.plate, HotlistEntry.state).where(_live(now.date()))):
        exact.setdefault(plate, []).append((entry_id, state))
        if fuzzy:
            for variant in plate_variants(plate):
                near.setdefault(variant, []).append((entry_id, state))
    if not exact:
        return 0
    raised = 0
    for chunk in _chunks(ids, 5 * CHUNK):
        pairs: dict[tuple[int, int], bool] = {}
        for read_id, read_state, text in session.execute(
                select(PlateRead.id, PlateRead.state, Plate.text).join(Plate, Plate.id == PlateRead.plate_id)
                .where(PlateRead.id.in_(chunk))):
            for entries, is_fuzzy in ((exact.get(text, ()), False), (near.get(text, ()), True)):
                for entry_id, entry_state in entries:
                    if _state_agrees(read_state, entry_state):
                        pairs[(read_id, entry_id)] = pairs.get((read_id, entry_id), True) and is_fuzzy
        raised += _insert_alerts(session, pairs, now)
    return raised


def back_search(session: Session, entry_ids: list[int], now: datetime, *, fuzzy: bool | None = None) -> int:
    """Alerts for stored reads that match newly added entries (424.3: back-search)."""
    if not entry_ids:
        return 0
    fuzzy = fuzzy_enabled(session) if fuzzy is None else fuzzy
    raised = 0
    for chunk in _chunks(sorted(set(entry_ids))):
        entries = session.execute(select(HotlistEntry.id, HotlistEntry.plate, HotlistEntry.state)
                                  .where(HotlistEntry.id.in_(chunk), _live(now.date()))).all()
        wanted: dict[str, list[tuple[int, str | None, bool]]] = {}
        for entry_id, plate, state in entries:
            wanted.setdefault(plate, []).append((entry_id, state, False))
            if fuzzy:
                for variant in plate_variants(plate):
                    wanted.setdefault(variant, []).append((entry_id, state, True))
        pairs: dict[tuple[int, int], bool] = {}
        for plates in _chunks(sorted(wanted)):
            rows = session.execute(
                select(PlateRead.id, PlateRead.state, Plate.text).join(Plate, Plate.id == PlateRead.plate_id)
                .where(Plate.text.in_(plates)))
            for read_id, read_state, text in rows:
                for entry_id, entry_state, is_fuzzy in wanted[text]:
                    if _state_agrees(read_state, entry_state):
                        pairs[(read_id, entry_id)] = pairs.get((read_id, entry_id), True) and is_fuzzy
        raised += _insert_alerts(session, pairs, now)
    return raised


def _live(today: date):
    return or_(HotlistEntry.expires.is_(None), HotlistEntry.expires >= today)


def _insert_alerts(session: Session, pairs: dict[tuple[int, int], bool], now: datetime) -> int:
    if not pairs:
        return 0
    read_ids = sorted({r for r, _ in pairs})
    existing = set()
    for chunk in _chunks(read_ids):
        existing |= set(session.execute(select(Alert.read_id, Alert.entry_id).where(Alert.read_id.in_(chunk))).all())
    rows = [dict(read_id=r, entry_id=e, fuzzy=f, created_at=now, disposition=None, disposition_note="",
                 disposed_by=None, disposed_at=None)
            for (r, e), f in sorted(pairs.items()) if (r, e) not in existing]
    if rows:
        session.execute(insert(Alert), rows)
    return len(rows)


# --- the service ---------------------------------------------------------------------

class HotlistService:
    def __init__(self, db: Database, gate: Gate, images: ImageStore, now: Clock) -> None:
        self._db = db
        self._gate = gate
        self._images = images
        self._now = now

    # hotlists (IS supervisor) ----------------------------------------------------------

    def import_csv(self, caller: Caller, path: Path, name: str | None = None) -> ImportSummary:
        """Import a hotlist file whole, back-search it, and audit it; a bad row stops it all.

        Raises HotlistFileError (its `bad_rows` name each bad line and why) and imports
        nothing when any row is bad; the failed attempt is audited too.
        """
        path = Path(path)
        name = (name or path.stem).strip()
        query = {"file": path.name, "name": name}
        caller = self._gate.require(caller, Permission.IMPORT_HOTLISTS, action="hotlist_import", query=query)
        data = path.read_bytes()
        digest = sha256_bytes(data)
        rows, bad = parse_hotlist_csv(data)
        with self._db.transaction() as session:
            if bad:
                audit_log.append(session, facts(caller), action="hotlist_import", outcome=Outcome.FAILED.value,
                                 now=self._now(), query={**query, "sha256": digest}, result_count=0,
                                 detail="; ".join(str(b) for b in bad[:20]))
        if bad:
            raise HotlistFileError(str(path), bad)
        with self._db.transaction() as session:
            now = self._now()
            hotlist_id = session.execute(insert(Hotlist).values(
                name=name, file_sha256=digest, imported_by=caller.username, imported_at=now,
            ).returning(Hotlist.id)).scalar_one()
            entry_ids = self._insert_entries(session, hotlist_id, rows)
            alerts = back_search(session, entry_ids, now)
            audit_log.append(session, facts(caller), action="hotlist_import", outcome=Outcome.OK.value, now=now,
                             query={**query, "sha256": digest, "entries": len(rows), "alerts": alerts},
                             result_count=len(rows))
        return ImportSummary(hotlist_id, name, len(rows), alerts, digest)

    def add_entry(self, caller: Caller, plate: str, reason: str = "bolo", *, state: str | None = None,
                  reference: str = "", expires: date | None = None, note: str = "") -> tuple[int, int]:
        """A hand-entered entry (a BOLO), back-searched at once; returns (entry id, alerts raised)."""
        record = {"plate": plate, "state": state or "", "reason": reason, "reference": reference,
                  "entered": self._now().date().isoformat(), "expires": expires.isoformat() if expires else "",
                  "note": note.strip()}
        try:
            row = _entry_row(record)
        except ValueError as exc:
            raise ValidationError(str(exc)[0].upper() + str(exc)[1:] + ".") from None
        query = {"plate": row.plate, "state": row.state, "reason": row.reason, "reference": reference}
        caller = self._gate.require(caller, Permission.IMPORT_HOTLISTS, action="hotlist_entry_add", query=query)
        with self._db.transaction() as session:
            now = self._now()
            hotlist_id = session.scalar(select(Hotlist.id).where(Hotlist.name == MANUAL_HOTLIST).limit(1))
            if hotlist_id is None:
                hotlist_id = session.execute(insert(Hotlist).values(
                    name=MANUAL_HOTLIST, file_sha256=None, imported_by=caller.username, imported_at=now,
                ).returning(Hotlist.id)).scalar_one()
            (entry_id,) = self._insert_entries(session, hotlist_id, [row])
            alerts = back_search(session, [entry_id], now)
            audit_log.append(session, facts(caller), action="hotlist_entry_add", outcome=Outcome.OK.value, now=now,
                             query={**query, "entry_id": entry_id, "alerts": alerts}, result_count=1)
        return entry_id, alerts

    @staticmethod
    def _insert_entries(session: Session, hotlist_id: int, rows: list[EntryRow]) -> list[int]:
        ids = []
        for chunk in _chunks(rows, 2000):
            ids += session.execute(insert(HotlistEntry).returning(HotlistEntry.id), [
                dict(hotlist_id=hotlist_id, plate=r.plate, state=r.state, reason=r.reason, reference=r.reference,
                     entered=r.entered, expires=r.expires, extra=json.dumps(r.extra, sort_keys=True))
                for r in chunk]).scalars().all()
        return ids

    def list_hotlists(self, caller: Caller) -> list[HotlistInfo]:
        self._gate.require(caller, Permission.IMPORT_HOTLISTS, action="hotlist_list")
        with self._db.transaction() as session:
            counts = (select(HotlistEntry.hotlist_id, func.count().label("n"))
                      .group_by(HotlistEntry.hotlist_id).subquery())
            rows = session.execute(
                select(Hotlist, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.hotlist_id == Hotlist.id)
                .order_by(Hotlist.imported_at.desc())).all()
            return [HotlistInfo(h.id, h.name, n, h.imported_by, h.imported_at) for h, n in rows]

    # alerts (officers) -----------------------------------------------------------------

    def list_alerts(self, caller: Caller, *, open_only: bool = True, limit: int = 500) -> list[AlertView]:
        """The newest alerts (open ones only, unless asked), as an audited access."""
        query = {"open_only": open_only, "limit": limit}
        caller = self._gate.require(caller, Permission.VIEW_ALERTS, action="alerts_view", query=query)
        with self._db.transaction() as session:
            stmt = _alert_query().order_by(PlateRead.captured_at.desc(), Alert.id.desc()).limit(limit)
            if open_only:
                stmt = stmt.where(Alert.disposition.is_(None))
            alerts = [_alert_view(row) for row in session.execute(stmt)]
            audit_log.append(session, facts(caller), action="alerts_view", outcome=Outcome.OK.value,
                             now=self._now(), query={**query, "alert_ids": [a.id for a in alerts[:50]]},
                             result_count=len(alerts))
        return alerts

    def open_alert(self, caller: Caller, alert_id: int) -> AlertDetail:
        """One alert with its scene image and plate crop; recorded with the plate."""
        caller = self._gate.require(caller, Permission.VIEW_ALERTS, action="alert_open", query={"alert_id": alert_id})
        with self._db.transaction() as session:
            row = session.execute(_alert_query().where(Alert.id == alert_id)).first()
            alert = _alert_view(row) if row else None
            audit_log.append(session, facts(caller), action="alert_open", outcome=Outcome.OK.value, now=self._now(),
                             query={"alert_id": alert_id, "plate": alert.plate if alert else None,
                                    "read_id": alert.read_id if alert else None},
                             result_count=1 if alert else 0)
        if alert is None:
            raise NotFound(f"No alert with id {alert_id}.")
        return AlertDetail(alert, self._image(alert.image_sha256), self._image(alert.crop_sha256))

    def _image(self, sha: str | None) -> bytes | None:
        return self._images.read(sha) if sha and self._images.exists(sha) else None

    def dispose(self, caller: Caller, alert_id: int, disposition: str, note: str) -> AlertView:
        """Record what the alert turned out to be, with a note; an alert is disposed once."""
        if disposition not in DISPOSITIONS:
            raise ValidationError(f"The disposition is one of {', '.join(DISPOSITIONS)}.")
        note = note.strip()
        if not note:
            raise ValidationError("Add a note to the disposition: what was checked and how (CLETS, visual).")
        query = {"alert_id": alert_id, "disposition": disposition}
        caller = self._gate.require(caller, Permission.DISPOSE_ALERT, action="alert_dispose", query=query)
        with self._db.transaction() as session:
            alert = session.get(Alert, alert_id, with_for_update=True)
            if alert is None:
                raise NotFound(f"No alert with id {alert_id}.")
            if alert.disposition is not None:
                raise ValidationError(f"This alert was already disposed of as {alert.disposition} "
                                      f"by {alert.disposed_by}.")
            now = self._now()
            alert.disposition, alert.disposition_note = disposition, note
            alert.disposed_by, alert.disposed_at = caller.username, now
            session.flush()
            view = _alert_view(session.execute(_alert_query().where(Alert.id == alert_id)).one())
            audit_log.append(session, facts(caller), action="alert_dispose", outcome=Outcome.OK.value, now=now,
                             query={**query, "plate": view.plate, "read_id": view.read_id}, result_count=1,
                             detail=note[:500])
        return view


def _alert_query():
    return (
        select(Alert, PlateRead, Plate.text.label("plate"), HotlistEntry, Hotlist.name.label("hotlist"),
               Source.name.label("source"))
        .join(PlateRead, PlateRead.id == Alert.read_id)
        .join(Plate, Plate.id == PlateRead.plate_id)
        .join(HotlistEntry, HotlistEntry.id == Alert.entry_id)
        .join(Hotlist, Hotlist.id == HotlistEntry.hotlist_id)
        .join(Source, Source.id == PlateRead.source_id)
    )


def _alert_view(row) -> AlertView:
    alert, read, plate, entry, hotlist, source = row
    try:
        extra = json.loads(entry.extra or "{}")
    except ValueError:
        extra = {}
    return AlertView(
        id=alert.id, read_id=read.id, plate=plate, entry_plate=entry.plate, read_state=read.state,
        entry_state=entry.state, reason=entry.reason, reference=entry.reference, hotlist=hotlist,
        fuzzy=alert.fuzzy, captured_at=read.captured_at, lat=read.lat, lon=read.lon, source=source,
        confidence=read.confidence, created_at=alert.created_at, disposition=alert.disposition,
        note=alert.disposition_note, disposed_by=alert.disposed_by, disposed_at=alert.disposed_at,
        crop_sha256=read.crop_sha256, image_sha256=read.image_sha256, extra=extra,
    )
