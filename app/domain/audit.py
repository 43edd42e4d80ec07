"""The access record of Civil Code §1798.90.52 and its hash chain.

Each record stores the SHA-256 of the previous record and of its own canonical content;
`canonical_bytes` is the single definition of that content, shared by writer and verifier.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

GENESIS_HASH = "0" * 64


class Outcome(str, Enum):
    OK = "ok"
    REFUSED = "refused"
    FAILED = "failed"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    occurred_at: datetime  # naive UTC
    username: str
    agency: str
    workstation: str
    action: str
    outcome: str
    purpose: str
    case_number: str
    query: str  # the data elements used, as canonical JSON
    result_count: int | None
    detail: str
    prev_hash: str
    row_hash: str


def canonical_query(elements: dict | None) -> str:
    """The data elements of a query as stable JSON (sorted keys, no spaces)."""
    return json.dumps(elements or {}, sort_keys=True, separators=(",", ":"), default=str)


def canonical_bytes(
    *, seq: int, occurred_at: datetime, username: str, agency: str, workstation: str,
    action: str, outcome: str, purpose: str, case_number: str, query: str,
    result_count: int | None, detail: str, prev_hash: str,
) -> bytes:
    body = {
        "seq": seq,
        "at": occurred_at.isoformat(timespec="microseconds"),
        "user": username,
        "agency": agency,
        "ws": workstation,
        "action": action,
        "outcome": outcome,
        "purpose": purpose,
        "case": case_number,
        "query": query,
        "count": result_count,
        "detail": detail,
        "prev": prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def row_hash(**fields) -> str:
    return hashlib.sha256(canonical_bytes(**fields)).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    """Recompute what `entry.row_hash` should be from the entry's own content."""
    return row_hash(
        seq=entry.seq, occurred_at=entry.occurred_at, username=entry.username,
        agency=entry.agency, workstation=entry.workstation, action=entry.action,
        outcome=entry.outcome, purpose=entry.purpose, case_number=entry.case_number,
        query=entry.query, result_count=entry.result_count, detail=entry.detail,
        prev_hash=entry.prev_hash,
    )


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    records: int
    first_bad_seq: int | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"audit chain verified: {self.records} records"
        return f"audit chain broken at record {self.first_bad_seq}: {self.reason}"
