"""The idle lock: after `idle_lock_minutes` without input the session locks and all data is hidden.

`IdleLock` watches input through an application event filter and a check timer; its clock
is injectable so a test can move time. `LockScreen` is what the main window shows instead of
its contents while locked; only the password (checked by the service) opens it again.
"""
from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel, QLayout, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from app.domain.accounts import Caller
from app.domain.errors import AccountLocked
from app.services.auth import AuthService
from app.ui.common import error_label, primary, set_error
from app.ui.workers import WorkerPool

LOCKED_TITLE = "Plate Desk — locked"
CHECK_INTERVAL_MS = 10_000

_INPUT_EVENTS = frozenset({
    QEvent.KeyPress, QEvent.KeyRelease, QEvent.MouseButtonPress, QEvent.MouseButtonRelease,
    QEvent.MouseButtonDblClick, QEvent.MouseMove, QEvent.Wheel, QEvent.TouchBegin, QEvent.TouchUpdate,
    QEvent.TabletPress, QEvent.TabletMove, QEvent.ShortcutOverride,
})


class IdleLock(QObject):
    """Emits `locked(reason)` once after `minutes` without keyboard, mouse or wheel input."""

    locked = Signal(str)

    def __init__(self, minutes: int, *, clock: Callable[[], float] = time.monotonic,
                 check_interval_ms: int = CHECK_INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.minutes = minutes
        self._clock = clock
        self._last_input = clock()
        self._is_locked = False
        self._app: QApplication | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(check_interval_ms)
        self.timer.timeout.connect(self.check)

    @property
    def is_locked(self) -> bool:
        return self._is_locked

    def start(self) -> None:
        self._app = QApplication.instance()
        self._app.installEventFilter(self)
        self._last_input = self._clock()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._last_input = self._clock()
        return False  # only watching; the event goes on as usual

    def idle_seconds(self) -> float:
        return self._clock() - self._last_input

    def check(self) -> None:
        if not self._is_locked and self.idle_seconds() >= self.minutes * 60:
            self.lock_now(f"Locked after {self.minutes} minutes without input.")

    def lock_now(self, reason: str = "Locked.") -> None:
        if not self._is_locked:
            self._is_locked = True
            self.locked.emit(reason)

    def unlocked(self) -> None:
        """The password was given again: start counting idle time afresh."""
        self._is_locked = False
        self._last_input = self._clock()


class LockScreen(QWidget):
    """Stands in for the whole window while locked: no data, only the user name and a password."""

    unlocked = Signal(object)     # the refreshed Caller
    logout_requested = Signal(str)  # why (the account was locked meanwhile)
    failed = Signal(str)

    def __init__(self, auth: AuthService, workers: WorkerPool, caller: Caller, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self._auth = auth
        self._workers = workers
        self.caller = caller
        self._busy = False

        card = QFrame()
        card.setObjectName("card")
        card.setFixedWidth(440)
        title = QLabel("Plate Desk is locked")
        title.setObjectName("title")
        title.setStyleSheet("color: white;")
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.who = QLabel(f"Enter the password for <b>{caller.username}</b> to continue.")
        self.who.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText("Password")
        self.password.returnPressed.connect(self.submit)
        self.error = error_label()
        self.unlock_button = primary(QPushButton("Unlock"))
        self.unlock_button.clicked.connect(self.submit)
        self.logout_button = QPushButton("Log out")
        self.logout_button.clicked.connect(lambda: self.logout_requested.emit(""))

        buttons = QHBoxLayout()
        buttons.addWidget(self.logout_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(title)
        inner.setSizeConstraint(QLayout.SetMinimumSize)  # word-wrapped labels get their full height
        inner.addWidget(self.reason)
        inner.addWidget(self.who)
        inner.addWidget(self.password)
        inner.addWidget(self.error)
        inner.addLayout(buttons)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.set_reason("")

    def set_reason(self, why: str) -> None:
        self.reason.setText(why or "The session is locked.")

    def reset(self, why: str) -> None:
        self.set_reason(why)
        self.password.clear()
        set_error(self.error, "")
        self._set_busy(False)
        self.password.setFocus(Qt.OtherFocusReason)

    def submit(self) -> None:
        if self._busy:
            return
        password = self.password.text()
        if not password:
            set_error(self.error, "Enter your password.")
            return
        self._set_busy(True)
        caller = self.caller
        self._workers.start(lambda cancel, progress: self._unlock(caller, password),
                            on_finished=self._done, on_failed=self._failed)

    def _unlock(self, caller: Caller, password: str):
        # AccountLocked means log in again; any other error is shown and the screen stays locked.
        try:
            return self._auth.unlock_session(caller, password)
        except AccountLocked as exc:
            return exc

    def _done(self, result) -> None:
        self._set_busy(False)
        self.password.clear()
        if isinstance(result, AccountLocked):
            self.logout_requested.emit(str(result))
            return
        self.caller = result
        set_error(self.error, "")
        self.unlocked.emit(result)

    def _failed(self, message: str) -> None:
        self._set_busy(False)
        self.password.clear()
        set_error(self.error, message)
        self.password.setFocus(Qt.OtherFocusReason)
        self.failed.emit(message)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.password, self.unlock_button, self.logout_button):
            widget.setEnabled(not busy)
