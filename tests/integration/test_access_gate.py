"""The role × permission matrix and the training gate, through the real services."""
from datetime import datetime

import pytest
from sqlalchemy import insert, select

from app.data.orm import AuditRecord, Plate, PlateRead, Source
from app.domain.errors import PermissionDenied, TrainingRequired
from app.domain.roles import ALPR_DATA, ROLE_PERMISSIONS, Permission, Role
from app.services import system


@pytest.fixture
def one_read(services) -> int:
    with services.db.transaction() as s:
        plate = s.execute(insert(Plate).values(text="7ABC123").returning(Plate.id)).scalar_one()
        source = s.execute(insert(Source).values(name="Foothill & Grand", kind="fixed", lat=34.136,
                                                 lon=-117.865, description="").returning(Source.id)).scalar_one()
        return s.execute(insert(PlateRead).values(
            plate_id=plate, plate_as_read="7ABC123", state="CA", confidence=0.93,
            captured_at=datetime(2026, 11, 1, 21, 30), lat=34.136, lon=-117.865, source_id=source,
        ).returning(PlateRead.id)).scalar_one()


def last_record(services) -> AuditRecord:
    with services.db.transaction() as s:
        return s.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).one()


@pytest.mark.parametrize("role", list(Role))
def test_every_role_gets_exactly_its_permissions_and_refusals_are_audited(services, make_user, role):
    caller = make_user(f"user_{role.value}", role)
    for permission in Permission:
        if permission in ROLE_PERMISSIONS[role]:
            services.gate.require(caller, permission, action=f"probe_{permission.value}")
        else:
            with pytest.raises(PermissionDenied):
                services.gate.require(caller, permission, action=f"probe_{permission.value}")
            record = last_record(services)
            assert (record.username, record.action, record.outcome) == \
                (caller.username, f"probe_{permission.value}", "refused")


# Each service function that reaches data or administration, with the permission it needs.
SERVICE_ACTIONS = {
    "open a read": (Permission.VIEW_READ, lambda s, c, read: s.reads.get_read(c, read)),
    "verify the audit log": (Permission.AUDIT_REVIEW, lambda s, c, read: s.audit.verify(c)),
    "add a user": (Permission.MANAGE_USERS,
                   lambda s, c, read: s.users.add_user(c, "newbie", "a long enough new passphrase", [Role.OFFICER])),
    "record training": (Permission.RECORD_TRAINING,
                        lambda s, c, read: s.users.record_training(c, "admin", trainer="x")),
}


def test_users_are_listed_for_whoever_manages_accounts_or_records_training(services, make_user):
    for role in Role:
        caller = make_user(f"l_{role.value}", role)
        allowed = {Role.IS_SUPERVISOR, Role.CAPTAIN}
        if role in allowed:
            assert services.users.list_users(caller)
        else:
            with pytest.raises(PermissionDenied):
                services.users.list_users(caller)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(SERVICE_ACTIONS))
def test_service_functions_check_the_role_themselves(services, make_user, one_read, role, action):
    permission, call = SERVICE_ACTIONS[action]
    caller = make_user(f"u_{role.value}", role)
    if permission in ROLE_PERMISSIONS[role]:
        call(services, caller, one_read)
        assert last_record(services).outcome == "ok"
    else:
        with pytest.raises(PermissionDenied):
            call(services, caller, one_read)
        assert last_record(services).outcome == "refused"


def test_opening_a_read_writes_the_access_record(services, make_user, one_read):
    det = make_user("det", Role.DETECTIVE)
    detail = services.reads.get_read(det, one_read)
    assert detail.plate == "7ABC123" and detail.source == "Foothill & Grand"
    record = last_record(services)
    assert record.action == "read_open" and record.username == "det" and '"plate":"7ABC123"' in record.query


def test_no_alpr_data_before_training_and_policy_acknowledgement(services, admin, make_user, one_read):
    untrained = make_user("new_det", Role.DETECTIVE, trained=False, accepted=False)
    with pytest.raises(TrainingRequired, match="training"):
        services.reads.get_read(untrained, one_read)
    services.users.record_training(admin, "new_det", trainer="Cpl. Ruiz")
    with pytest.raises(TrainingRequired, match="acknowledged"):
        services.reads.get_read(untrained, one_read)
    services.policy.accept(untrained)
    assert services.reads.get_read(untrained, one_read).id == one_read

    # A new policy version asks everyone to acknowledge again.
    with services.db.transaction() as s:
        system.put_setting(s, system.POLICY_VERSION, "424/2027-01")
    with pytest.raises(TrainingRequired):
        services.reads.get_read(untrained, one_read)


def test_training_gate_covers_every_data_permission_but_not_administration(services, make_user):
    untrained = make_user("fresh", *Role, trained=False, accepted=False)
    for permission in Permission:
        if permission in ALPR_DATA:
            with pytest.raises(TrainingRequired):
                services.gate.require(untrained, permission, action="probe")
        else:
            services.gate.require(untrained, permission, action="probe")
