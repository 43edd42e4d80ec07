"""Evidence holds: the one place that says what "held" means (Policy 424.4).

A read is held while it has at least one evidence hold that has not been released
(`evidence_holds.released_at IS NULL`). Retention must skip held reads; it asks here, with
`held_reads()` as a subquery or `is_held` / `held_read_ids` for a few reads.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from app.data.orm import EvidenceHold


def active_hold():
    """The condition on EvidenceHold rows that are still in force."""
    return EvidenceHold.released_at.is_(None)


def held_reads() -> Select:
    """SELECT of the ids of every held read, to use as `PlateRead.id.not_in(held_reads())`."""
    return select(EvidenceHold.read_id).where(active_hold()).distinct()


def held_read_ids(session: Session, read_ids: Iterable[int] | None = None) -> set[int]:
    """The held reads among `read_ids` (all held reads when None)."""
    stmt = held_reads()
    if read_ids is None:
        return set(session.scalars(stmt))
    wanted = sorted(set(read_ids))
    held: set[int] = set()
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start:start + 5000]
        held.update(session.scalars(stmt.where(EvidenceHold.read_id.in_(chunk))))
    return held


def is_held(session: Session, read_id: int) -> bool:
    return bool(session.scalar(select(exists().where(EvidenceHold.read_id == read_id, active_hold()))))
