"""Roles of DESIGN.md and what each may do. The services consult this table, not the UI."""
from __future__ import annotations

from enum import Enum

from app.domain.errors import ValidationError


class Role(str, Enum):
    OFFICER = "officer"
    DISPATCHER = "dispatcher"
    CORPORAL = "corporal"
    DETECTIVE = "detective"
    EVIDENCE_TECHNICIAN = "evidence_technician"
    CAPTAIN = "captain"
    IS_SUPERVISOR = "is_supervisor"
    CUSTODIAN = "custodian"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Role.OFFICER: "Officer",
    Role.DISPATCHER: "Dispatcher",
    Role.CORPORAL: "Corporal",
    Role.DETECTIVE: "Detective",
    Role.EVIDENCE_TECHNICIAN: "Evidence technician",
    Role.CAPTAIN: "Captain (ALPR administrator)",
    Role.IS_SUPERVISOR: "IS supervisor",
    Role.CUSTODIAN: "Custodian of records",
}


class Permission(str, Enum):
    VIEW_ALERTS = "view_alerts"
    DISPOSE_ALERT = "dispose_alert"
    SEARCH_HISTORY = "search_history"
    VIEW_READ = "view_read"
    EXTRACT_VIDEO = "extract_video"
    MANAGE_CASES = "manage_cases"
    BUILD_PACKETS = "build_packets"
    EXPORT_MEDIA = "export_media"
    RELEASE_HOLDS = "release_holds"
    AUDIT_REVIEW = "audit_review"
    DECIDE_RELEASES = "decide_releases"
    REQUEST_RELEASE = "request_release"
    RECORD_TRAINING = "record_training"
    MANAGE_USERS = "manage_users"
    IMPORT_HOTLISTS = "import_hotlists"
    RUN_RETENTION = "run_retention"
    SEED_DEMO = "seed_demo"


# Permissions that reach ALPR data: these also need training and the policy acknowledged.
ALPR_DATA = frozenset({
    Permission.VIEW_ALERTS, Permission.DISPOSE_ALERT, Permission.SEARCH_HISTORY,
    Permission.VIEW_READ, Permission.EXTRACT_VIDEO, Permission.MANAGE_CASES,
    Permission.BUILD_PACKETS, Permission.EXPORT_MEDIA, Permission.RELEASE_HOLDS,
    Permission.AUDIT_REVIEW, Permission.DECIDE_RELEASES, Permission.REQUEST_RELEASE,
    Permission.RUN_RETENTION,
})

_OFFICER = {Permission.VIEW_ALERTS, Permission.DISPOSE_ALERT}
_INVESTIGATOR = _OFFICER | {
    Permission.SEARCH_HISTORY, Permission.VIEW_READ, Permission.EXTRACT_VIDEO,
    Permission.MANAGE_CASES, Permission.REQUEST_RELEASE,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OFFICER: frozenset(_OFFICER),
    Role.DISPATCHER: frozenset(_INVESTIGATOR),
    Role.CORPORAL: frozenset(_INVESTIGATOR),
    Role.DETECTIVE: frozenset(_INVESTIGATOR | {Permission.RELEASE_HOLDS}),
    Role.EVIDENCE_TECHNICIAN: frozenset({
        Permission.MANAGE_CASES, Permission.BUILD_PACKETS, Permission.EXPORT_MEDIA,
        Permission.VIEW_READ,
    }),
    Role.CAPTAIN: frozenset({
        Permission.AUDIT_REVIEW, Permission.DECIDE_RELEASES, Permission.RECORD_TRAINING,
        Permission.REQUEST_RELEASE,
    }),
    # 424.5(c): the IS supervisor "will regularly review the system", hence audit review.
    Role.IS_SUPERVISOR: frozenset({
        Permission.AUDIT_REVIEW, Permission.MANAGE_USERS, Permission.IMPORT_HOTLISTS, Permission.RUN_RETENTION,
        Permission.RECORD_TRAINING, Permission.SEED_DEMO,
    }),
    Role.CUSTODIAN: frozenset({
        Permission.RELEASE_HOLDS, Permission.RUN_RETENTION, Permission.MANAGE_CASES,
        Permission.VIEW_READ,
    }),
}


def permissions_of(roles: frozenset[Role] | set[Role]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise ValidationError(f"Unknown role {text!r}; roles are: {names}.") from None
