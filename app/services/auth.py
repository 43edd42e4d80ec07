"""Log-in, lockout, the idle-lock unlock and password changes."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.data import audit_log
from app.data.audit_log import AccessFacts
from app.data.db import Database
from app.data.orm import User
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import AccountLocked, AuthenticationFailed
from app.domain.roles import Role
from app.services.access import current_policy_version, facts, has_accepted, is_trained
from app.services.passwords import PasswordHashing, check_new_password

MAX_FAILED_ATTEMPTS = 5


class AuthService:
    def __init__(self, db: Database, hashing: PasswordHashing, now: Clock,
                 shipped_policy_version: str, workstation: str) -> None:
        self._db = db
        self._hashing = hashing
        self._now = now
        self._policy_version = shipped_policy_version
        self._workstation = workstation

    def login(self, username: str, password: str) -> Caller:
        """Return the caller for a correct password; otherwise count the failure and raise.

        An unknown user, an inactive one and a wrong password all raise the same
        AuthenticationFailed after the same amount of work. The fifth failure in a row
        locks the account until an administrator unlocks it.
        """
        username = username.strip()
        with self._db.transaction() as session:
            user = session.scalar(select(User).where(User.username == username))
            attempt = AccessFacts(username=username, workstation=self._workstation,
                                  agency=user.agency if user else "")
            if user is None or not user.active:
                self._hashing.burn(password)
                self._audit(session, attempt, "login_failed", Outcome.FAILED,
                            "unknown or inactive user")
                failure: Exception = AuthenticationFailed()
            elif user.locked_at is not None:
                self._hashing.burn(password)
                self._audit(session, attempt, "login_refused_locked", Outcome.REFUSED, "account locked")
                failure = AccountLocked("This account is locked after repeated failed log-ins; "
                                        "an administrator must unlock it.")
            elif not self._hashing.verify(user.password_hash, password):
                failure = self._count_failure(session, user, attempt, "login_failed")
            else:
                return self._succeed(session, user, password)
        raise failure

    def _count_failure(self, session: Session, user: User, attempt: AccessFacts, action: str) -> Exception:
        user.failed_attempts += 1
        self._audit(session, attempt, action, Outcome.FAILED,
                    f"wrong password ({user.failed_attempts} of {MAX_FAILED_ATTEMPTS})")
        if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
            user.locked_at = self._now()
            self._audit(session, attempt, "account_locked", Outcome.OK,
                        f"{MAX_FAILED_ATTEMPTS} failed attempts in a row")
            return AccountLocked("This account is now locked after repeated failed attempts; "
                                 "an administrator must unlock it.")
        return AuthenticationFailed()

    def _succeed(self, session: Session, user: User, password: str) -> Caller:
        user.failed_attempts = 0
        if self._hashing.needs_rehash(user.password_hash):
            user.password_hash = self._hashing.hash(password)
        caller = self._caller(session, user)
        self._audit(session, facts(caller), "login", Outcome.OK)
        return caller

    def _caller(self, session: Session, user: User) -> Caller:
        version = current_policy_version(session, self._policy_version)
        return Caller(
            user_id=user.id, username=user.username, agency=user.agency,
            roles=frozenset(Role(r.role) for r in user.roles), workstation=self._workstation,
            trained=is_trained(session, user.id),
            policy_accepted=has_accepted(session, user.id, version),
        )

    def unlock_session(self, caller: Caller, password: str) -> Caller:
        """Re-enter the password after the idle lock. Failures count toward the lockout."""
        with self._db.transaction() as session:
            user = session.get(User, caller.user_id)
            if user is None or not user.active or user.locked_at is not None:
                self._audit(session, facts(caller), "session_unlock_refused", Outcome.REFUSED)
                failure: Exception = AccountLocked("This account is locked or inactive; log in again.")
            elif not self._hashing.verify(user.password_hash, password):
                failure = self._count_failure(session, user, facts(caller), "session_unlock_failed")
            else:
                user.failed_attempts = 0
                self._audit(session, facts(caller), "session_unlocked", Outcome.OK)
                return replace(caller, **_refreshed(self._caller(session, user)))
        raise failure

    def reauthenticate(self, caller: Caller, password: str) -> bool:
        """A second look at the password before a grave decision (release approvals)."""
        with self._db.transaction() as session:
            user = session.get(User, caller.user_id)
            ok = user is not None and user.locked_at is None and self._hashing.verify(user.password_hash, password)
            if not ok and user is not None:
                self._count_failure(session, user, facts(caller), "reauthentication_failed")
            return ok

    def session_locked(self, caller: Caller) -> None:
        with self._db.transaction() as session:
            self._audit(session, facts(caller), "session_locked", Outcome.OK, "idle")

    def logout(self, caller: Caller) -> None:
        with self._db.transaction() as session:
            self._audit(session, facts(caller), "logout", Outcome.OK)

    def change_password(self, caller: Caller, old_password: str, new_password: str) -> None:
        check_new_password(new_password, caller.username)
        with self._db.transaction() as session:
            user = session.get(User, caller.user_id)
            if user is None or not self._hashing.verify(user.password_hash, old_password):
                failure = self._count_failure(session, user, facts(caller), "password_change_failed") \
                    if user else AuthenticationFailed()
            else:
                user.password_hash = self._hashing.hash(new_password)
                user.password_changed_at = self._now()
                self._audit(session, facts(caller), "password_changed", Outcome.OK)
                return
        raise failure

    def _audit(self, session: Session, who: AccessFacts, action: str, outcome: Outcome, detail: str = "") -> None:
        audit_log.append(session, who, action=action, outcome=outcome.value, now=self._now(), detail=detail)


def _refreshed(caller: Caller) -> dict:
    return {"roles": caller.roles, "trained": caller.trained, "policy_accepted": caller.policy_accepted}
