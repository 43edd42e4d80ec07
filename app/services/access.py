"""The permission gate every service passes through before it touches ALPR data."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.data import audit_log
from app.data.audit_log import AccessFacts
from app.data.db import Database
from app.data.orm import PolicyAcknowledgement, TrainingRecord, User
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import AccountLocked, PermissionDenied, Refused, TrainingRequired
from app.domain.roles import ALPR_DATA, Permission, Role, permissions_of
from app.services import system


def facts(caller: Caller) -> AccessFacts:
    return AccessFacts(
        username=caller.username, agency=caller.agency, workstation=caller.workstation,
        purpose=caller.purpose, case_number=caller.case_number,
    )


def current_policy_version(session: Session, shipped_version: str) -> str:
    return system.get_setting(session, system.POLICY_VERSION, shipped_version)


def is_trained(session: Session, user_id: int) -> bool:
    return session.scalar(select(TrainingRecord.id).where(TrainingRecord.user_id == user_id).limit(1)) is not None


def has_accepted(session: Session, user_id: int, version: str) -> bool:
    return session.scalar(
        select(PolicyAcknowledgement.id).where(
            PolicyAcknowledgement.user_id == user_id, PolicyAcknowledgement.policy_version == version
        )
    ) is not None


class Gate:
    """Checks a caller against the live user record, and audits every refusal.

    The user row is read afresh on each check: a deactivation, a lockout, a role change or
    a new policy version takes effect at the next action, not at the next login.
    """

    def __init__(self, db: Database, now: Clock, shipped_policy_version: str) -> None:
        self._db = db
        self._now = now
        self._policy_version = shipped_policy_version

    def require(self, caller: Caller, permission: Permission, *, action: str,
                query: dict | None = None) -> Caller:
        """Return the caller refreshed from the database, or audit the refusal and raise."""
        refusal: Refused | None = None
        with self._db.transaction() as session:
            user = session.get(User, caller.user_id)
            roles = frozenset(Role(r.role) for r in user.roles) if user else frozenset()
            version = current_policy_version(session, self._policy_version)
            trained = bool(user) and is_trained(session, user.id)
            accepted = bool(user) and has_accepted(session, user.id, version)
            if user is None or not user.active:
                refusal = PermissionDenied("This account is no longer active.")
            elif user.locked_at is not None:
                refusal = AccountLocked("This account is locked; an administrator must unlock it.")
            elif permission not in permissions_of(roles):
                held = ", ".join(sorted(r.value for r in roles)) or "none"
                refusal = PermissionDenied(
                    f"Your roles ({held}) do not allow this: {permission.value.replace('_', ' ')}."
                )
            elif permission in ALPR_DATA and not trained:
                refusal = TrainingRequired(
                    "Your ALPR training is not recorded yet (Policy 424.3(d)); ask the captain or IS supervisor."
                )
            elif permission in ALPR_DATA and not accepted:
                refusal = TrainingRequired(
                    "You have not acknowledged the current ALPR policy (Policy 424.8); acknowledge it first."
                )
            if refusal is not None:
                audit_log.append(
                    session, facts(caller), action=action, outcome=Outcome.REFUSED.value,
                    now=self._now(), query=query, detail=str(refusal),
                )
        if refusal is not None:
            raise refusal
        return replace(caller, roles=roles, trained=trained, policy_accepted=accepted)
