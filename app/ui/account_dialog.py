"""Changing one's own password: the service checks the old one and the rules for the new."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
                               QVBoxLayout)

from app.domain.accounts import Caller
from app.services.auth import AuthService
from app.ui.common import error_label, primary, set_error
from app.ui.workers import WorkerPool

PASSWORD_ADVICE = ("At least 15 characters. A phrase of several unrelated words is easy to remember "
                   "and hard to guess; common passwords are refused.")


def password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.Password)
    return field


class ChangePasswordDialog(QDialog):
    failed = Signal(str)

    def __init__(self, auth: AuthService, caller: Caller, workers: WorkerPool, parent=None) -> None:
        super().__init__(parent)
        self._auth = auth
        self._caller = caller
        self._workers = workers
        self._busy = False
        self.setWindowTitle("Change password")
        self.setMinimumWidth(440)
        self.old = password_field("oldPassword")
        self.new = password_field("newPassword")
        self.confirm = password_field("confirmPassword")
        form = QFormLayout()
        form.addRow("Current password", self.old)
        form.addRow("New password", self.new)
        form.addRow("New password again", self.confirm)
        advice = QLabel(PASSWORD_ADVICE)
        advice.setObjectName("muted")
        advice.setWordWrap(True)
        self.error = error_label()
        self.ok = primary(QPushButton("Change password"))
        cancel = QPushButton("Cancel")
        buttons = QDialogButtonBox()
        buttons.addButton(self.ok, QDialogButtonBox.AcceptRole)
        buttons.addButton(cancel, QDialogButtonBox.RejectRole)
        self.ok.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(advice)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def submit(self) -> None:
        if self._busy:
            return
        if self.new.text() != self.confirm.text():
            set_error(self.error, "The two new passwords differ.")
            return
        old, new = self.old.text(), self.new.text()
        self._busy = True
        self.ok.setEnabled(False)
        self._workers.start(lambda cancel, progress: self._auth.change_password(self._caller, old, new),
                            on_finished=lambda _: self.accept(), on_failed=self._failed)

    def _failed(self, message: str) -> None:
        self._busy = False
        self.ok.setEnabled(True)
        set_error(self.error, message)
        self.failed.emit(message)

    def reject(self) -> None:
        if not self._busy:
            super().reject()


class IdleLockDialog(QDialog):
    """This workstation's idle lock: settable lower than the policy's 30 minutes, never higher."""

    MAXIMUM = 30

    def __init__(self, minutes: int, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Idle lock")
        self.minutes = QSpinBox()
        self.minutes.setRange(1, self.MAXIMUM)
        self.minutes.setValue(minutes)
        self.minutes.setSuffix(" min")
        form = QFormLayout()
        form.addRow("Lock after", self.minutes)
        note = QLabel(f"The session locks after this long without keyboard or mouse input. "
                      f"{self.MAXIMUM} minutes is the most the policy allows.")
        note.setObjectName("muted")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
