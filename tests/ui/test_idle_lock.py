"""The idle lock, with a fake clock: it locks, hides every data widget, and only the password opens it."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from app.domain.roles import Role
from app.ui.lock import LOCKED_TITLE, IdleLock
from app.ui.main_window import MainWindow
from tests.ui.conftest import USER_PASSWORD


def _window(qtbot, desk, caller, idle_clock) -> MainWindow:
    window = MainWindow(desk.services, caller, clock=idle_clock)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    qtbot.waitExposed(window)
    return window


def _unlock(qtbot, window, password, signal):
    window.lock_screen.password.setText(password)
    with qtbot.waitSignal(signal, timeout=10_000) as blocker:
        window.lock_screen.unlock_button.click()
    return blocker


def test_the_session_locks_after_the_idle_time_and_hides_all_data(qtbot, desk, idle_clock, shoot):
    detective = desk.make_user("dkim", [Role.DETECTIVE])
    window = _window(qtbot, desk, detective, idle_clock)
    window.show_section("search")

    idle_clock.advance(minutes=29.9)
    window.idle_lock.check()
    assert not window.is_locked
    assert window.stack.isVisible()

    idle_clock.advance(minutes=0.2)
    with qtbot.waitSignal(window.idle_lock.locked) as locked:
        window.idle_lock.check()
    assert locked.args == ["Locked after 30 minutes without input."]
    assert window.lock_screen.isVisible()
    assert not window.workspace.isVisible() and not window.stack.isVisible() and not window.nav.isVisible()
    assert not window.statusBar().isVisible() and not window.menuBar().isVisible()
    assert window.windowTitle() == LOCKED_TITLE
    shoot(window, "lock")

    failure = _unlock(qtbot, window, "certainly not the right password", window.lock_screen.failed)
    assert failure.args == ["The user name or password is not correct."]
    assert window.is_locked and not window.stack.isVisible()
    assert window.lock_screen.error.text() == "The user name or password is not correct."

    _unlock(qtbot, window, USER_PASSWORD, window.lock_screen.unlocked)
    assert not window.is_locked
    assert window.stack.isVisible() and window.statusBar().isVisible()
    assert window.windowTitle().startswith("Plate Desk — dkim")


def test_the_lock_is_recorded_in_the_audit_log(qtbot, desk, idle_clock, tmp_path):
    window = _window(qtbot, desk, desk.admin, idle_clock)
    idle_clock.advance(minutes=31)
    window.idle_lock.check()
    out = tmp_path / "audit.csv"
    desk.services.audit.export(desk.admin, out)
    assert ",session_locked," in out.read_text()


def test_input_postpones_the_lock(qtbot, desk, idle_clock):
    window = _window(qtbot, desk, desk.admin, idle_clock)
    idle_clock.advance(minutes=20)
    event = QMouseEvent(QEvent.MouseMove, QPointF(5, 5), QPointF(5, 5), Qt.NoButton, Qt.NoButton,
                        Qt.NoModifier)
    QApplication.sendEvent(window.nav, event)
    idle_clock.advance(minutes=20)
    window.idle_lock.check()
    assert not window.is_locked
    idle_clock.advance(minutes=10)
    window.idle_lock.check()
    assert window.is_locked


def test_the_idle_time_is_settable_lower(qtbot, idle_clock):
    lock = IdleLock(5, clock=idle_clock)
    seen = []
    lock.locked.connect(seen.append)
    idle_clock.advance(minutes=4.5)
    lock.check()
    assert seen == []
    idle_clock.advance(minutes=1)
    lock.check()
    lock.check()
    assert seen == ["Locked after 5 minutes without input."]


def test_lock_now_from_the_menu(qtbot, desk, idle_clock):
    window = _window(qtbot, desk, desk.admin, idle_clock)
    window.lock_action.trigger()
    assert window.is_locked
    assert "You locked the session." in window.lock_screen.reason.text()


def test_an_open_dialog_is_closed_by_the_lock(qtbot, desk, idle_clock):
    window = _window(qtbot, desk, desk.admin, idle_clock)
    panel = window.show_section("admin").users_panel
    panel.add_user()
    assert panel.dialog.isVisible()
    idle_clock.advance(minutes=30)
    window.idle_lock.check()
    assert not panel.dialog.isVisible()


def test_an_account_locked_at_the_lock_screen_logs_out(qtbot, desk, idle_clock):
    detective = desk.make_user("dkim", [Role.DETECTIVE])
    window = _window(qtbot, desk, detective, idle_clock)
    window.lock_action.trigger()
    for _ in range(4):
        _unlock(qtbot, window, "a wrong password, yet again", window.lock_screen.failed)
    window.lock_screen.password.setText("a wrong password, yet again")
    with qtbot.waitSignal(window.logged_out, timeout=10_000) as out:
        window.lock_screen.unlock_button.click()
    assert "locked" in out.args[0]
    assert not window.isVisible()


def test_the_idle_time_is_chosen_from_the_menu_and_kept(qtbot, desk, idle_clock):
    from app.config import Settings

    window = _window(qtbot, desk, desk.admin, idle_clock)
    window.idle_action.trigger()
    window.idle_dialog.minutes.setValue(45)
    assert window.idle_dialog.minutes.value() == 30  # never above the policy's 30 minutes
    window.idle_dialog.minutes.setValue(5)
    window.idle_dialog.accept()
    assert window.idle_label.text() == "Locks after 5 min idle"
    assert Settings.load(desk.services.settings.data_dir).idle_lock_minutes == 5
    idle_clock.advance(minutes=5)
    window.idle_lock.check()
    assert window.is_locked
