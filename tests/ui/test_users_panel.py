"""User administration through its dialogs, against the real UserService."""
from __future__ import annotations

from datetime import date

import pytest

from app.domain.roles import Role
from app.ui.admin import users_panel as users_panel_module
from app.ui.admin.user_dialogs import AddUserDialog, RolesDialog, TrainingDialog
from app.ui.admin.users_panel import UsersPanel
from tests.ui.conftest import USER_PASSWORD


@pytest.fixture
def panel(qtbot, desk) -> UsersPanel:
    widget = UsersPanel(desk.services.users, desk.admin)
    qtbot.addWidget(widget)
    widget.resize(1000, 500)
    widget.show()
    return widget


def _names(panel: UsersPanel) -> list[str]:
    return [u.username for u in panel.model.users]


def _summary(desk, username):
    return next(u for u in desk.services.users.list_users(desk.admin) if u.username == username)


def test_the_table_lists_users_with_training_and_policy(panel, desk):
    desk.make_user("jlee", [Role.OFFICER], trained=False, accepted=False)
    panel.refresh()
    assert _names(panel) == ["jlee", "sysadmin"]
    row = {panel.model.COLUMNS[c]: panel.model.index(0, c).data() for c in range(len(panel.model.COLUMNS))}
    assert row["Roles"] == "Officer"
    assert row["Last training"] == "Not recorded"
    assert row["Policy acknowledged"] == "Not yet"


def test_adding_a_user_through_the_dialog(qtbot, panel, desk, shoot):
    panel.buttons["add"].click()
    dialog = panel.dialog
    assert isinstance(dialog, AddUserDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.username, "mgarcia")
    qtbot.keyClicks(dialog.full_name, "Maria Garcia")
    qtbot.keyClicks(dialog.password, USER_PASSWORD)
    qtbot.keyClicks(dialog.confirm, USER_PASSWORD)
    dialog.role_checks.boxes[Role.DISPATCHER].setChecked(True)
    shoot(dialog, "add-user")
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok.click()
    assert "mgarcia" in _names(panel)
    added = _summary(desk, "mgarcia")
    assert added.roles == (Role.DISPATCHER,) and added.full_name == "Maria Garcia"


def test_a_refused_new_user_keeps_the_dialog_open_with_the_reason(qtbot, panel):
    panel.add_user()
    dialog = panel.dialog
    dialog.username.setText("mgarcia")
    dialog.password.setText("short")
    dialog.confirm.setText("short")
    dialog.role_checks.boxes[Role.OFFICER].setChecked(True)
    dialog.ok.click()
    assert dialog.isVisible()
    assert "at least 15 characters" in dialog.error.text()
    dialog.password.setText(USER_PASSWORD)
    dialog.confirm.setText(USER_PASSWORD + "x")
    dialog.ok.click()
    assert dialog.error.text() == "The two passwords differ."
    assert "mgarcia" not in _names(panel)


def test_change_roles_unlock_and_deactivate(qtbot, panel, desk, monkeypatch):
    desk.make_user("dkim", [Role.OFFICER])
    for _ in range(5):
        with pytest.raises(Exception):
            desk.services.auth.login("dkim", "wrong password number whatever")
    panel.refresh()
    panel.select("dkim")
    assert panel.buttons["unlock"].isEnabled()

    panel.buttons["roles"].click()
    dialog = panel.dialog
    assert isinstance(dialog, RolesDialog)
    dialog.role_checks.boxes[Role.DETECTIVE].setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok.click()
    assert set(_summary(desk, "dkim").roles) == {Role.OFFICER, Role.DETECTIVE}

    panel.buttons["unlock"].click()
    assert not _summary(desk, "dkim").locked
    assert not panel.buttons["unlock"].isEnabled()

    monkeypatch.setattr(users_panel_module, "confirm", lambda *args: False)
    panel.buttons["deactivate"].click()
    assert _summary(desk, "dkim").active
    monkeypatch.setattr(users_panel_module, "confirm", lambda *args: True)
    panel.buttons["deactivate"].click()
    assert not _summary(desk, "dkim").active


def test_one_cannot_deactivate_oneself(panel):
    panel.select("sysadmin")
    assert not panel.buttons["deactivate"].isEnabled()


def test_recording_training_opens_the_gate(qtbot, panel, desk):
    desk.make_user("rnew", [Role.OFFICER], trained=False)
    panel.refresh()
    panel.select("rnew")
    panel.buttons["training"].click()
    dialog = panel.dialog
    assert isinstance(dialog, TrainingDialog)
    dialog.trainer.setText("Sgt. Ortiz")
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok.click()
    summary = _summary(desk, "rnew")
    assert summary.last_training == date(2026, 3, 2) or summary.last_training == date.today()
    assert summary.training[-1].trainer == "Sgt. Ortiz"
    assert desk.services.auth.login("rnew", USER_PASSWORD).trained


def test_a_captain_records_training_by_name(qtbot, desk):
    captain = desk.make_user("capt", [Role.CAPTAIN])
    desk.make_user("rnew", [Role.OFFICER], trained=False)
    panel = UsersPanel(desk.services.users, captain)
    qtbot.addWidget(panel)
    assert set(panel.buttons) == {"training"}
    panel.record_training()
    dialog = panel.dialog
    dialog.username.setText("rnew")
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok.click()
    assert desk.services.auth.login("rnew", USER_PASSWORD).trained
