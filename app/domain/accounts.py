"""Who is using the system: the logged-in caller and user summaries for administration."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from app.domain.roles import Permission, Role, permissions_of


@dataclass(frozen=True)
class Caller:
    """The authenticated user a service acts for. Built only by AuthService.login."""

    user_id: int
    username: str
    agency: str
    roles: frozenset[Role]
    workstation: str
    trained: bool
    policy_accepted: bool
    purpose: str = ""
    case_number: str = ""

    def may(self, permission: Permission) -> bool:
        return permission in permissions_of(self.roles)

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.roles)


@dataclass(frozen=True)
class UserSummary:
    id: int
    username: str
    full_name: str
    agency: str
    roles: tuple[Role, ...]
    active: bool
    locked: bool
    failed_attempts: int
    last_training: date | None
    policy_version_accepted: str | None
    created_at: datetime
    training: tuple["TrainingRecord", ...] = field(default=())


@dataclass(frozen=True)
class TrainingRecord:
    trained_on: date
    trainer: str
    curriculum: str
    role: Role | None
