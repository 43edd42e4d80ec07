"""Publishing a new policy version (424.8): everyone is asked to acknowledge it again."""
from __future__ import annotations

import pytest

from app.domain.errors import PermissionDenied, TrainingRequired, ValidationError
from app.domain.roles import Permission, Role
from app.services.policy import PolicyAdminService


@pytest.fixture
def policy_admin(services):
    return PolicyAdminService(services.db, services.gate, services.now, services.policy.shipped_version)


def test_a_new_version_asks_everyone_again(services, admin, make_user, policy_admin):
    officer = make_user("ofc", Role.OFFICER)
    make_user("new", Role.OFFICER, accepted=False)
    status = policy_admin.status(admin)
    assert status.version == services.policy.shipped_version and status.published_by is None
    assert [a.username for a in status.acknowledged] == ["admin", "ofc"]
    assert [a.username for a in status.pending] == ["new"]

    assert policy_admin.publish(admin, "  424 rev.  2027-01 ", "Adds the release procedure") == "424 rev. 2027-01"
    assert services.policy.current_version() == "424 rev. 2027-01"
    status = policy_admin.status(admin)
    assert (status.published_by, status.note) == ("admin", "Adds the release procedure")
    assert status.acknowledged == [] and [a.username for a in status.pending] == ["admin", "new", "ofc"]
    with pytest.raises(TrainingRequired, match="acknowledged the current ALPR policy"):
        services.gate.require(officer, Permission.VIEW_ALERTS, action="alerts_view")
    services.policy.accept(officer)
    services.gate.require(officer, Permission.VIEW_ALERTS, action="alerts_view")
    assert [a.username for a in policy_admin.status(admin).acknowledged] == ["ofc"]

    with pytest.raises(ValidationError, match="published before"):
        policy_admin.publish(admin, "424 rev. 2027-01")
    with pytest.raises(ValidationError):
        policy_admin.publish(admin, " ")


def test_only_the_captain_or_is_supervisor_publishes(services, make_user, policy_admin):
    with pytest.raises(PermissionDenied):
        policy_admin.publish(make_user("det", Role.DETECTIVE), "v2")
    assert policy_admin.publish(make_user("capt", Role.CAPTAIN), "v2") == "v2"
