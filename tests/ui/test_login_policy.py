"""The log-in window and the policy acknowledgement on first log-in."""
from __future__ import annotations

from app.domain.roles import Role
from app.ui.login_dialog import LoginDialog
from app.ui.policy_dialog import ACKNOWLEDGE, PolicyDialog
from app.ui.workers import WorkerPool
from tests.ui.conftest import ADMIN, ADMIN_PASSWORD, USER_PASSWORD


def _login_dialog(qtbot, desk) -> LoginDialog:
    pool = WorkerPool()
    dialog = LoginDialog(desk.services.auth, pool)
    dialog._test_pool = pool
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_login_succeeds_with_the_right_password(qtbot, desk, shoot):
    dialog = _login_dialog(qtbot, desk)
    shoot(dialog, "login")
    qtbot.keyClicks(dialog.username, ADMIN)
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.login_button.click()
    assert dialog.caller is not None
    assert dialog.caller.username == ADMIN
    assert Role.IS_SUPERVISOR in dialog.caller.roles
    assert dialog.password.text() == ""


def test_login_failure_shows_the_services_sentence(qtbot, desk):
    dialog = _login_dialog(qtbot, desk)
    qtbot.keyClicks(dialog.username, ADMIN)
    qtbot.keyClicks(dialog.password, "not the password at all, surely")
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as failure:
        dialog.login_button.click()
    assert failure.args == ["The user name or password is not correct."]
    assert dialog.error.isVisible()
    assert dialog.error.text() == "The user name or password is not correct."
    assert dialog.caller is None
    assert dialog.isVisible()
    assert dialog.login_button.isEnabled()


def test_a_locked_account_says_so(qtbot, desk):
    desk.make_user("dkim", [Role.DETECTIVE])
    dialog = _login_dialog(qtbot, desk)
    messages = []
    dialog.failed.connect(messages.append)
    for _ in range(5):
        dialog.username.setText("dkim")
        dialog.password.setText("wrong wrong wrong wrong wrong")
        with qtbot.waitSignal(dialog.failed, timeout=10_000):
            dialog.submit()
    assert "locked" in messages[-1]
    dialog.username.setText("dkim")
    dialog.password.setText(USER_PASSWORD)
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as failure:
        dialog.submit()
    assert "locked" in failure.args[0] and "administrator" in failure.args[0]


def test_empty_fields_are_answered_without_asking_the_service(qtbot, desk):
    dialog = _login_dialog(qtbot, desk)
    with qtbot.waitSignal(dialog.failed):
        dialog.submit()
    assert dialog.error.text() == "Enter your user name and password."


def test_policy_is_shown_in_full_and_acknowledged_after_reading_to_the_end(qtbot, desk, shoot):
    officer = desk.make_user("jlee", [Role.OFFICER], accepted=False)
    assert not desk.services.policy.has_accepted(officer)
    dialog = PolicyDialog(desk.services.policy, officer)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    shoot(dialog, "policy")
    shown = dialog.text.toPlainText()
    assert "424.8 TRAINING" in shown and "424.1 PURPOSE AND SCOPE" in shown
    assert dialog.accept_button.text() == ACKNOWLEDGE
    assert not dialog.accept_button.isEnabled()

    dialog.scroll_to_end()
    assert dialog.accept_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        dialog.accept_button.click()
    assert desk.services.policy.has_accepted(officer)


def test_declining_the_policy_records_nothing(qtbot, desk):
    officer = desk.make_user("jlee", [Role.OFFICER], accepted=False)
    dialog = PolicyDialog(desk.services.policy, officer)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.rejected):
        dialog.decline_button.click()
    assert not desk.services.policy.has_accepted(officer)
