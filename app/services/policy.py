"""The ALPR policy text and its acknowledgement (424.8)."""
from __future__ import annotations

import hashlib

from app import resources
from app.data import audit_log
from app.data.db import Database
from app.data.orm import PolicyAcknowledgement
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.services.access import current_policy_version, facts, has_accepted

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
