"""Appending to and verifying the hash-chained access log."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.data.orm import AuditHead, AuditRecord
from app.domain.audit import AuditEntry, ChainReport, canonical_query, entry_hash, row_hash

PENDING_HEAD = "audit_pending_head"


@dataclass(frozen=True)
class AccessFacts:
    """Who asked, for what: the parts of a record that come from the caller's session."""

    username: str
    agency: str = ""
    workstation: str = ""
    purpose: str = ""
    case_number: str = ""


def append(
    session: Session, facts: AccessFacts, *, action: str, outcome: str, now: datetime,
    query: dict | None = None, result_count: int | None = None, detail: str = "",
) -> AuditEntry:
    """Append one record inside the caller's transaction.

    The head row is read FOR UPDATE in this same transaction: on PostgreSQL a second
    writer waits here until the first commits, then sees the new head; SQLite transactions
    already begin with the write lock (see db.py).
    """
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    seq = head.seq + 1
    fields = dict(
        seq=seq, occurred_at=now.replace(tzinfo=None), username=facts.username,
        agency=facts.agency, workstation=facts.workstation, action=action, outcome=outcome,
        purpose=facts.purpose, case_number=facts.case_number, query=canonical_query(query),
        result_count=result_count, detail=detail, prev_hash=head.hash,
    )
    digest = row_hash(**fields)
    session.add(AuditRecord(**fields, row_hash=digest))
    head.seq, head.hash = seq, digest
    session.flush()
    session.info[PENDING_HEAD] = (seq, digest)
    return AuditEntry(**fields, row_hash=digest)


def _to_entry(record: AuditRecord) -> AuditEntry:
    return AuditEntry(
        seq=record.seq, occurred_at=record.occurred_at, username=record.username,
        agency=record.agency, workstation=record.workstation, action=record.action,
        outcome=record.outcome, purpose=record.purpose, case_number=record.case_number,
        query=record.query, result_count=record.result_count, detail=record.detail,
        prev_hash=record.prev_hash, row_hash=record.row_hash,
    )


def iter_entries(session: Session, stmt=None, batch: int = 2000) -> Iterator[AuditEntry]:
    stmt = stmt if stmt is not None else select(AuditRecord).order_by(AuditRecord.seq)
    for record in session.scalars(stmt.execution_options(yield_per=batch)):
        yield _to_entry(record)


class Checkpoint:
    """The last chain head this workstation saw, signed with a key from the keyring.

    A tail cut off the log leaves no broken link inside it; comparing with a signed
    record of a later head is what reveals it.
    """

    def __init__(self, path: Path, key: bytes, database_id: str) -> None:
        self.path = Path(path)
        self._key = key
        self._database_id = database_id

    def _sign(self, seq: int, digest: str) -> str:
        message = f"{self._database_id}|{seq}|{digest}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def read(self) -> tuple[int, str] | None:
        """(seq, hash) of the saved head, None when there is none for this database.

        Raises ValueError when the file exists but its signature does not match.
        """
        try:
            saved = json.loads(self.path.read_text())
        except FileNotFoundError:
            return None
        entry = saved.get(self._database_id)
        if entry is None:
            return None
        seq, digest, mac = int(entry["seq"]), str(entry["hash"]), str(entry["mac"])
        if not hmac.compare_digest(mac, self._sign(seq, digest)):
            raise ValueError("the audit checkpoint's signature does not match")
        return seq, digest

    def advance(self, seq: int, digest: str) -> None:
        """Save (seq, digest) if it is newer than what is saved; never move backwards."""
        try:
            saved = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            saved = {}
        current = saved.get(self._database_id)
        if current is not None and int(current["seq"]) >= seq:
            return
        saved[self._database_id] = {"seq": seq, "hash": digest, "mac": self._sign(seq, digest)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".checkpoint-")
        with os.fdopen(fd, "w") as handle:
            json.dump(saved, handle)
        os.replace(tmp, self.path)


def verify_chain(session: Session, checkpoint: Checkpoint | None = None) -> ChainReport:
    """Walk the whole log and name the first record that is missing, edited or out of place."""
    expected_seq = 1
    prev = None
    count = 0
    for entry in iter_entries(session):
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                return ChainReport(False, count, expected_seq, "record is missing (deleted)")
            return ChainReport(False, count, entry.seq, "record is out of order")
        if prev is not None and entry.prev_hash != prev:
            return ChainReport(False, count, entry.seq, "does not link to the record before it (deleted, swapped or edited)")
        if prev is None and entry.prev_hash != "0" * 64:
            return ChainReport(False, count, entry.seq, "the first record does not start the chain")
        if entry_hash(entry) != entry.row_hash:
            return ChainReport(False, count, entry.seq, "content does not match its hash (edited)")
        prev = entry.row_hash
        expected_seq += 1
        count += 1

    last_seq = expected_seq - 1
    head = session.get(AuditHead, 1)
    if head is not None and head.seq > last_seq:
        return ChainReport(False, count, last_seq + 1, f"records {last_seq + 1}–{head.seq} are missing (log truncated)")
    if checkpoint is not None:
        try:
            saved = checkpoint.read()
        except ValueError as exc:
            return ChainReport(False, count, None, str(exc))
        if saved is not None:
            saved_seq, saved_hash = saved
            if saved_seq > last_seq:
                return ChainReport(False, count, last_seq + 1,
                                   f"records {last_seq + 1}–{saved_seq} are missing (log truncated; checkpoint)")
            at = session.get(AuditRecord, saved_seq)
            if at is None or at.row_hash != saved_hash:
                return ChainReport(False, count, saved_seq, "differs from the signed checkpoint")
    return ChainReport(True, count)


def record_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditRecord)) or 0
