"""The whole walk: log in → Policy 424 on first log-in → the main window; declining logs out."""
from __future__ import annotations

import shiboken6

from app.domain.roles import Role
from app.ui.app import DeskSession
from tests.ui.conftest import ADMIN, ADMIN_PASSWORD, USER_PASSWORD


def _log_in(qtbot, session: DeskSession, username: str, password: str):
    dialog = session.show_login()
    qtbot.addWidget(dialog)
    dialog.username.setText(username)
    dialog.password.setText(password)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.submit()


def test_the_administrator_goes_straight_to_the_main_window(qtbot, desk):
    quits = []
    session = DeskSession(desk.services, lambda: quits.append(True))
    _log_in(qtbot, session, ADMIN, ADMIN_PASSWORD)
    assert session.policy_dialog is None
    qtbot.addWidget(session.window)
    assert session.window.isVisible()
    assert session.window.section_keys() == ["audit", "admin"]
    session.window.close()
    assert quits == [True]
    session.shutdown()


def test_first_log_in_asks_for_the_policy_before_any_data(qtbot, desk):
    desk.make_user("jlee", [Role.OFFICER], accepted=False)
    session = DeskSession(desk.services, lambda: None)
    _log_in(qtbot, session, "jlee", USER_PASSWORD)
    policy = session.policy_dialog
    qtbot.addWidget(policy)
    assert policy.isVisible()
    assert session.window is None  # no data section exists until the policy is acknowledged
    policy.scroll_to_end()
    policy.accept_button.click()
    qtbot.addWidget(session.window)
    assert session.window.section_keys() == ["alerts"]
    assert session.window.caller.policy_accepted
    session.shutdown()


def test_declining_the_policy_returns_to_the_log_in_window(qtbot, desk):
    desk.make_user("jlee", [Role.OFFICER], accepted=False)
    session = DeskSession(desk.services, lambda: None)
    _log_in(qtbot, session, "jlee", USER_PASSWORD)
    qtbot.addWidget(session.policy_dialog)
    session.policy_dialog.decline_button.click()
    assert session.window is None
    login = session.login_dialog
    qtbot.addWidget(login)
    assert login.isVisible()
    assert "declined Policy 424" in login.error.text()
    session.shutdown()


def test_log_out_returns_to_the_log_in_window(qtbot, desk):
    session = DeskSession(desk.services, lambda: None)
    _log_in(qtbot, session, ADMIN, ADMIN_PASSWORD)
    first_login, window = session.login_dialog, session.window
    window.logout_action.trigger()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window))  # the window goes with its session
    assert session.window is None
    assert session.login_dialog is not first_login and session.login_dialog.isVisible()
    qtbot.addWidget(session.login_dialog)
    session.shutdown()


def test_run_gui_opens_the_log_in_window_and_quitting_there_ends_it(qtbot, desk):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.app import run_gui
    from app.ui.login_dialog import LoginDialog

    seen = []

    def quit_at_login():
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(10, quit_at_login)  # not shown yet: look again on the next turn
            return
        seen.append(dialogs[0].windowTitle())
        dialogs[0].quit_button.click()

    QTimer.singleShot(0, quit_at_login)
    assert run_gui(desk.services) == 0
    assert seen == ["Plate Desk — log in"]
