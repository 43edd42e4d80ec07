"""The ALPR policy text and its acknowledgement (424.8)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app import resources
from app.data import audit_log
from app.data.db import Database
from app.data.orm import PolicyAcknowledgement, PolicyVersion, User
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import ValidationError
from app.domain.roles import Permission, Role
from app.services import system
from app.services.access import Gate, current_policy_version, facts, has_accepted

POLICY_FILE = "policy/alpr-policy-424.txt"


def shipped_policy() -> tuple[str, str]:
    """The policy text shipped with the app and its version ("424/" + a digest of the text),
    so a new text asks everyone to acknowledge again."""
    text = resources.text(POLICY_FILE)
    return text, "424/" + hashlib.sha256(text.encode()).hexdigest()[:12]


class PolicyService:
    def __init__(self, db: Database, now: Clock) -> None:
        self._db = db
        self._now = now
        self.text, self.shipped_version = shipped_policy()

    def current_version(self) -> str:
        with self._db.transaction() as session:
            return current_policy_version(session, self.shipped_version)

    def has_accepted(self, caller: Caller) -> bool:
        with self._db.transaction() as session:
            return has_accepted(session, caller.user_id, current_policy_version(session, self.shipped_version))

    def acknowledged_version(self, caller: Caller) -> str | None:
        """The version the caller acknowledged last (None when never), for the About box."""
        with self._db.transaction() as session:
            return session.scalar(select(PolicyAcknowledgement.policy_version)
                                  .where(PolicyAcknowledgement.user_id == caller.user_id)
                                  .order_by(PolicyAcknowledgement.accepted_at.desc(),
                                            PolicyAcknowledgement.id.desc()).limit(1))

    def accept(self, caller: Caller) -> str:
        """Record that the caller has read and acknowledged the current version."""
        with self._db.transaction() as session:
            version = current_policy_version(session, self.shipped_version)
            if not has_accepted(session, caller.user_id, version):
                session.add(PolicyAcknowledgement(user_id=caller.user_id, policy_version=version,
                                                  accepted_at=self._now()))
                audit_log.append(session, facts(caller), action="policy_accepted", outcome=Outcome.OK.value,
                                 now=self._now(), query={"policy_version": version})
            return version


# --- publishing a version (424.8): everyone acknowledges again ------------------------

@dataclass(frozen=True)
class Acknowledgement:
    username: str
    full_name: str
    roles: tuple[Role, ...]
    accepted_at: datetime | None  # of the current version; None while pending


@dataclass(frozen=True)
class PolicyStatus:
    version: str
    published_by: str | None  # None for the version shipped with the app
    published_at: datetime | None
    note: str
    acknowledged: list[Acknowledgement]
    pending: list[Acknowledgement]


class PolicyAdminService:
    """Who has acknowledged the current version, and publishing a new one (captain, IS supervisor)."""

    def __init__(self, db: Database, gate: Gate, now: Clock, shipped_version: str) -> None:
        self._db = db
        self._gate = gate
        self._now = now
        self._shipped = shipped_version

    def status(self, caller: Caller) -> PolicyStatus:
        """The current version and every active user's acknowledgement of it."""
        self._gate.require(caller, Permission.RECORD_TRAINING, action="policy_status")
        with self._db.transaction() as session:
            version = current_policy_version(session, self._shipped)
            published = session.scalar(select(PolicyVersion).where(PolicyVersion.version == version))
            accepted = dict(session.execute(select(PolicyAcknowledgement.user_id, PolicyAcknowledgement.accepted_at)
                                            .where(PolicyAcknowledgement.policy_version == version)).all())
            people = [Acknowledgement(u.username, u.full_name, tuple(sorted((Role(r.role) for r in u.roles),
                                                                              key=lambda r: r.value)),
                                      accepted.get(u.id))
                      for u in session.scalars(select(User).where(User.active.is_(True)).order_by(User.username))]
            return PolicyStatus(version, published.published_by if published else None,
                                published.published_at if published else None, published.note if published else "",
                                [p for p in people if p.accepted_at], [p for p in people if not p.accepted_at])

    def publish(self, caller: Caller, version: str, note: str = "") -> str:
        """Make `version` current: from the next action on, everyone must acknowledge it again,
        the publisher included."""
        version = " ".join(version.split())
        if not version or len(version) > 64:
            raise ValidationError("Name the new policy version in 1 to 64 characters (e.g. \"424 rev. 2027-01\").")
        caller = self._gate.require(caller, Permission.RECORD_TRAINING, action="policy_publish",
                                    query={"version": version})
        with self._db.transaction() as session:
            before = current_policy_version(session, self._shipped)
            used = session.scalar(select(PolicyVersion.id).where(PolicyVersion.version == version))
            if version == before or used or session.scalar(select(PolicyAcknowledgement.id).where(
                    PolicyAcknowledgement.policy_version == version).limit(1)):
                raise ValidationError(f"Version {version!r} was published before; give the new version a new name.")
            now = self._now()
            session.add(PolicyVersion(version=version, note=note.strip(), published_by=caller.username,
                                      published_at=now))
            system.put_setting(session, system.POLICY_VERSION, version)
            audit_log.append(session, facts(caller), action="policy_published", outcome=Outcome.OK.value, now=now,
                             query={"version": version, "before": before}, detail=note.strip()[:500])
        return version
