"""The log-in window. The service counts failures and locks accounts; this only asks and shows."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout)

from app.domain.accounts import Caller
from app.services.auth import AuthService
from app.ui.common import error_label, primary, set_error
from app.ui.theme import ACCENT
from app.ui.workers import WorkerPool

ABOUT_LINK_STYLE = (f"QPushButton#aboutLink {{ border: none; background: transparent; color: {ACCENT}; "
                    "padding: 5px 2px; } QPushButton#aboutLink:hover { text-decoration: underline; }")


class LoginDialog(QDialog):
    """Asks for a user name and password; `caller` is set when the dialog is accepted.

    The password check (Argon2, a few hundred milliseconds by design) runs on a worker
    thread so the window keeps painting.
    """

    failed = Signal(str)  # the sentence shown; for tests and for anyone who listens
    about_requested = Signal()  # the About link: the session, which has the services, shows the box

    def __init__(self, auth: AuthService, workers: WorkerPool, *, agency: str = "",
                 first_run_hint: bool = False, parent=None) -> None:
        super().__init__(parent)
        self._auth = auth
        self._workers = workers
        self._busy = False
        self.caller: Caller | None = None
        self.setWindowTitle("Plate Desk — log in")
        self.setMinimumWidth(420)

        title = QLabel("Plate Desk")
        title.setObjectName("title")
        subtitle = QLabel((f"{agency} · " if agency else "") + "Automated License Plate Reader data")
        subtitle.setObjectName("subtitle")
        notice = QLabel("For official law enforcement use by authorised members only (Policy 424). "
                        "Every access is recorded with your user name (Civil Code §1798.90.52).")
        notice.setObjectName("muted")
        notice.setWordWrap(True)

        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.Password)
        form = QFormLayout()
        form.addRow("User name", self.username)
        form.addRow("Password", self.password)

        self.error = error_label()
        if first_run_hint:
            set_error(self.error, "This database has no user accounts yet. Create the first administrator "
                                  "with:  python -m app init")

        buttons = QDialogButtonBox()
        self.login_button = primary(QPushButton("Log in"))
        self.quit_button = QPushButton("Quit")
        self.about_button = QPushButton("About Plate Desk")
        self.about_button.setObjectName("aboutLink")
        self.about_button.setAutoDefault(False)
        self.about_button.setCursor(Qt.PointingHandCursor)
        self.about_button.setStyleSheet(ABOUT_LINK_STYLE)
        buttons.addButton(self.login_button, QDialogButtonBox.AcceptRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.RejectRole)
        self.about_button.clicked.connect(self.about_requested)
        self.login_button.clicked.connect(self.submit)
        self.quit_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(notice)
        layout.addSpacing(4)
        footer = QHBoxLayout()
        footer.addWidget(self.about_button)
        footer.addStretch(1)
        footer.addWidget(buttons)
        layout.addLayout(footer)
        self.username.setFocus(Qt.OtherFocusReason)

    def submit(self) -> None:
        if self._busy:
            return
        name, password = self.username.text().strip(), self.password.text()
        if not name or not password:
            self._show_failure("Enter your user name and password.")
            return
        self._set_busy(True)
        self._workers.start(lambda cancel, progress: self._auth.login(name, password),
                            on_finished=self._logged_in, on_failed=self._show_failure)

    def _logged_in(self, caller: Caller) -> None:
        self._set_busy(False)
        self.caller = caller
        self.password.clear()
        self.accept()

    def _show_failure(self, message: str) -> None:
        self._set_busy(False)
        set_error(self.error, message)
        self.password.clear()
        self.password.setFocus(Qt.OtherFocusReason)
        self.failed.emit(message)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.username, self.password, self.login_button, self.quit_button):
            widget.setEnabled(not busy)
        self.login_button.setText("Checking…" if busy else "Log in")

    def reject(self) -> None:
        if not self._busy:  # a log-in in flight finishes first; its result must not be orphaned
            super().reject()
