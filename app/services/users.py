"""User administration (424.2.1, 424.8): accounts, roles, unlocks, training records."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.data import audit_log
from app.data.audit_log import AccessFacts
from app.data.db import Database
from app.data.orm import PolicyAcknowledgement, TrainingRecord, User, UserRole
from app.domain.accounts import Caller, TrainingRecord as TrainingInfo, UserSummary
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import NotFound, Refused, ValidationError
from app.domain.roles import Permission, Role
from app.services import system
from app.services.access import Gate, facts
from app.services.passwords import PasswordHashing, check_new_password
from app.services.retention import MIN_RETENTION_DAYS

FIRST_ADMIN_CURRICULUM = "System set-up (first administrator)"
MAX_USERNAME = 64


def check_username(username: str) -> str:
    """The user name as it will be stored, or ValidationError with the reason."""
    username = username.strip()
    if not username or len(username) > MAX_USERNAME or any(c.isspace() for c in username):
        raise ValidationError(f"A user name is 1 to {MAX_USERNAME} characters without spaces.")
    return username


class UserService:
    def __init__(self, db: Database, gate: Gate, hashing: PasswordHashing, now: Clock,
                 shipped_policy_version: str) -> None:
        self._db = db
        self._gate = gate
        self._hashing = hashing
        self._now = now
        self._policy_version = shipped_policy_version

    # --- first run ---------------------------------------------------------------------

    def has_users(self) -> bool:
        with self._db.transaction() as session:
            return (session.scalar(select(func.count()).select_from(User)) or 0) > 0

    def create_first_admin(self, username: str, password: str, agency: str, workstation: str,
                           full_name: str = "", retention_days: int | None = None) -> int:
        """The IS supervisor who sets the system up: trained and policy accepted by doing so.

        The agency (and the retention period, when given) are stored in the same transaction,
        so a database is either set up in full or not at all.
        """
        username = check_username(username)
        check_new_password(password, username)
        if retention_days is not None and int(retention_days) < MIN_RETENTION_DAYS:
            raise ValidationError(f"The retention period cannot be under {MIN_RETENTION_DAYS} days "
                                  "(Policy 424.4: ALPR data is kept at least one year).")
        with self._db.transaction() as session:
            if session.scalar(select(func.count()).select_from(User)):
                raise Refused("This database already has users; log in as an administrator instead.")
            system.put_setting(session, system.AGENCY, agency)
            if retention_days is not None:
                system.put_setting(session, system.RETENTION_DAYS, str(int(retention_days)))
            system.database_id(session)
            user = self._new_user(session, username, password, [Role.IS_SUPERVISOR], agency, full_name)
            now = self._now()
            session.add(TrainingRecord(user_id=user.id, role=Role.IS_SUPERVISOR.value, trained_on=now.date(),
                                       trainer="system set-up", curriculum=FIRST_ADMIN_CURRICULUM,
                                       recorded_by=username, recorded_at=now))
            version = system.get_setting(session, system.POLICY_VERSION, self._policy_version)
            session.add(PolicyAcknowledgement(user_id=user.id, policy_version=version, accepted_at=now))
            query = {"admin": username, "agency": agency}
            if retention_days is not None:
                query["retention_days"] = int(retention_days)
            audit_log.append(session, AccessFacts(username, agency, workstation), action="database_initialised",
                             outcome=Outcome.OK.value, now=now, query=query)
            return user.id

    # --- administration ---------------------------------------------------------------

    def add_user(self, caller: Caller, username: str, password: str, roles: list[Role],
                 agency: str | None = None, full_name: str = "") -> int:
        caller = self._gate.require(caller, Permission.MANAGE_USERS, action="user_add",
                                    query={"user": username, "roles": sorted(r.value for r in roles)})
        username = check_username(username)
        if not roles:
            raise ValidationError("Give the user at least one role.")
        check_new_password(password, username)
        with self._db.transaction() as session:
            if session.scalar(select(User.id).where(User.username == username)):
                raise ValidationError(f"The user name {username!r} is taken.")
            agency = agency if agency is not None else caller.agency
            user = self._new_user(session, username, password, roles, agency, full_name)
            self._audit(session, caller, "user_added", username, roles=sorted(r.value for r in roles))
            return user.id

    def list_users(self, caller: Caller) -> list[UserSummary]:
        """Everyone's roles, training and acknowledgement: for the IS supervisor who manages
        accounts and for the captain who records training (424.8)."""
        needed = Permission.MANAGE_USERS if caller.may(Permission.MANAGE_USERS) else Permission.RECORD_TRAINING
        self._gate.require(caller, needed, action="user_list")
        with self._db.transaction() as session:
            version = system.get_setting(session, system.POLICY_VERSION, self._policy_version)
            users = session.scalars(select(User).order_by(User.username)).all()
            return [self._summary(session, user, version) for user in users]

    def set_roles(self, caller: Caller, username: str, roles: list[Role]) -> None:
        if not roles:
            raise ValidationError("Give the user at least one role.")
        caller = self._gate.require(caller, Permission.MANAGE_USERS, action="user_roles",
                                    query={"user": username, "roles": sorted(r.value for r in roles)})
        with self._db.transaction() as session:
            user = self._user(session, username)
            before = sorted(r.role for r in user.roles)
            user.roles = [UserRole(role=r.value) for r in sorted(set(roles), key=lambda r: r.value)]
            self._audit(session, caller, "roles_changed", username, before=before,
                        after=sorted(r.value for r in roles))

    def unlock(self, caller: Caller, username: str) -> None:
        caller = self._gate.require(caller, Permission.MANAGE_USERS, action="user_unlock", query={"user": username})
        with self._db.transaction() as session:
            user = self._user(session, username)
            user.locked_at = None
            user.failed_attempts = 0
            self._audit(session, caller, "account_unlocked", username)

    def deactivate(self, caller: Caller, username: str) -> None:
        caller = self._gate.require(caller, Permission.MANAGE_USERS, action="user_deactivate", query={"user": username})
        if username == caller.username:
            raise ValidationError("You cannot deactivate your own account.")
        with self._db.transaction() as session:
            user = self._user(session, username)
            user.active = False
            self._audit(session, caller, "user_deactivated", username)

    def reset_password(self, caller: Caller, username: str, new_password: str) -> None:
        caller = self._gate.require(caller, Permission.MANAGE_USERS, action="password_reset", query={"user": username})
        check_new_password(new_password, username)
        with self._db.transaction() as session:
            user = self._user(session, username)
            user.password_hash = self._hashing.hash(new_password)
            user.password_changed_at = self._now()
            self._audit(session, caller, "password_reset", username)

    def record_training(self, caller: Caller, username: str, trained_on: date | None = None,
                        trainer: str = "", curriculum: str = "ALPR Policy 424", role: Role | None = None) -> None:
        caller = self._gate.require(caller, Permission.RECORD_TRAINING, action="training_record",
                                    query={"user": username})
        with self._db.transaction() as session:
            user = self._user(session, username)
            now = self._now()
            session.add(TrainingRecord(
                user_id=user.id, role=role.value if role else None, trained_on=trained_on or now.date(),
                trainer=trainer or caller.username, curriculum=curriculum, recorded_by=caller.username,
                recorded_at=now,
            ))
            self._audit(session, caller, "training_recorded", username,
                        trained_on=(trained_on or now.date()).isoformat(), trainer=trainer or caller.username)

    # --- helpers ----------------------------------------------------------------------

    def _new_user(self, session: Session, username: str, password: str, roles: list[Role], agency: str,
                  full_name: str) -> User:
        user = User(username=username, full_name=full_name, agency=agency,
                    password_hash=self._hashing.hash(password), active=True, failed_attempts=0,
                    created_at=self._now(), password_changed_at=self._now(),
                    roles=[UserRole(role=r.value) for r in sorted(set(roles), key=lambda r: r.value)])
        session.add(user)
        session.flush()
        return user

    @staticmethod
    def _user(session: Session, username: str) -> User:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"No user named {username!r}.")
        return user

    def _summary(self, session: Session, user: User, version: str) -> UserSummary:
        records = session.scalars(select(TrainingRecord).where(TrainingRecord.user_id == user.id)
                                  .order_by(TrainingRecord.trained_on)).all()
        accepted = session.scalar(select(PolicyAcknowledgement.policy_version).where(
            PolicyAcknowledgement.user_id == user.id, PolicyAcknowledgement.policy_version == version))
        return UserSummary(
            id=user.id, username=user.username, full_name=user.full_name, agency=user.agency,
            roles=tuple(sorted((Role(r.role) for r in user.roles), key=lambda r: r.value)),
            active=user.active, locked=user.locked_at is not None, failed_attempts=user.failed_attempts,
            last_training=records[-1].trained_on if records else None,
            policy_version_accepted=accepted, created_at=user.created_at,
            training=tuple(TrainingInfo(r.trained_on, r.trainer, r.curriculum, Role(r.role) if r.role else None)
                           for r in records),
        )

    def _audit(self, session: Session, caller: Caller, action: str, username: str, **details) -> None:
        audit_log.append(session, facts(caller), action=action, outcome=Outcome.OK.value, now=self._now(),
                         query={"user": username, **details})
