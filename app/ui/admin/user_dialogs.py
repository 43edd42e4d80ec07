"""Dialogs of user administration. Each calls its service itself, so a refusal (a weak
password, a taken name) is shown inside the dialog and the entries are not lost."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout,
                               QGridLayout, QGroupBox, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget)

from app.domain.accounts import Caller, UserSummary
from app.domain.errors import PlateDeskError, ValidationError
from app.domain.roles import Role
from app.services.users import UserService
from app.ui.account_dialog import PASSWORD_ADVICE, password_field
from app.ui.common import error_label, primary, set_error

DEFAULT_CURRICULUM = "ALPR Policy 424"


class ServiceDialog(QDialog):
    """A form whose OK button runs `perform()`; a PlateDeskError stays in the dialog as a sentence."""

    ok_text = "Save"

    def __init__(self, title: str, users: UserService, caller: Caller, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.users = users
        self.caller = caller
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.error = error_label()
        self.ok = primary(QPushButton(self.ok_text))
        self.ok.setObjectName("okButton")
        cancel = QPushButton("Cancel")
        buttons = QDialogButtonBox()
        buttons.addButton(self.ok, QDialogButtonBox.AcceptRole)
        buttons.addButton(cancel, QDialogButtonBox.RejectRole)
        self.ok.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addLayout(self.form)
        self._buttons = buttons

    def finish_layout(self, *extra: QWidget) -> None:
        for widget in extra:
            self.body.addWidget(widget)
        self.body.addWidget(self.error)
        self.body.addWidget(self._buttons)

    def perform(self) -> None:
        raise NotImplementedError

    def submit(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            self.perform()
        except PlateDeskError as exc:
            set_error(self.error, str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()


class RoleChecks(QGroupBox):
    def __init__(self, selected: tuple[Role, ...] | frozenset[Role] = (), parent=None) -> None:
        super().__init__("Roles", parent)
        grid = QGridLayout(self)
        self.boxes: dict[Role, QCheckBox] = {}
        for i, role in enumerate(Role):
            box = QCheckBox(role.label)
            box.setObjectName(f"role-{role.value}")
            box.setChecked(role in selected)
            grid.addWidget(box, i // 2, i % 2)
            self.boxes[role] = box

    def roles(self) -> list[Role]:
        return [role for role, box in self.boxes.items() if box.isChecked()]


def _advice() -> QLabel:
    label = QLabel(PASSWORD_ADVICE)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def _check_same(first: QLineEdit, second: QLineEdit) -> None:
    if first.text() != second.text():
        raise ValidationError("The two passwords differ.")


class AddUserDialog(ServiceDialog):
    ok_text = "Add user"

    def __init__(self, users: UserService, caller: Caller, parent=None) -> None:
        super().__init__("Add user", users, caller, parent)
        self.username = QLineEdit()
        self.username.setObjectName("newUsername")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullName")
        self.password = password_field("password")
        self.confirm = password_field("confirmPassword")
        self.role_checks = RoleChecks()
        self.form.addRow("User name", self.username)
        self.form.addRow("Full name", self.full_name)
        self.form.addRow("Password", self.password)
        self.form.addRow("Password again", self.confirm)
        note = QLabel("The new user reaches no ALPR data until their training is recorded and they "
                      "acknowledge Policy 424 at their first log-in.")
        note.setObjectName("muted")
        note.setWordWrap(True)
        self.finish_layout(_advice(), self.role_checks, note)

    def perform(self) -> None:
        _check_same(self.password, self.confirm)
        self.users.add_user(self.caller, self.username.text(), self.password.text(), self.role_checks.roles(),
                            full_name=self.full_name.text().strip())


class RolesDialog(ServiceDialog):
    ok_text = "Save roles"

    def __init__(self, users: UserService, caller: Caller, user: UserSummary, parent=None) -> None:
        super().__init__(f"Roles of {user.username}", users, caller, parent)
        self.user = user
        self.role_checks = RoleChecks(user.roles)
        self.finish_layout(self.role_checks)

    def perform(self) -> None:
        self.users.set_roles(self.caller, self.user.username, self.role_checks.roles())


class ResetPasswordDialog(ServiceDialog):
    ok_text = "Reset password"

    def __init__(self, users: UserService, caller: Caller, username: str, parent=None) -> None:
        super().__init__(f"Reset the password of {username}", users, caller, parent)
        self.username = username
        self.password = password_field("password")
        self.confirm = password_field("confirmPassword")
        self.form.addRow("New password", self.password)
        self.form.addRow("New password again", self.confirm)
        self.finish_layout(_advice())

    def perform(self) -> None:
        _check_same(self.password, self.confirm)
        self.users.reset_password(self.caller, self.username, self.password.text())


class TrainingDialog(ServiceDialog):
    """Records completed training (424.8). Without a user given, asks for the user name."""

    ok_text = "Record training"

    def __init__(self, users: UserService, caller: Caller, username: str | None = None, *,
                 today: date | None = None, parent=None) -> None:
        super().__init__("Record training" + (f" for {username}" if username else ""), users, caller, parent)
        self.username = QLineEdit(username or "")
        self.username.setObjectName("trainingUsername")
        self.username.setReadOnly(username is not None)
        today = today or date.today()
        self.trained_on = QDateEdit(QDate(today.year, today.month, today.day))
        self.trained_on.setCalendarPopup(True)
        self.trained_on.setDisplayFormat("yyyy-MM-dd")
        self.trained_on.setMaximumDate(QDate(today.year, today.month, today.day))
        self.trainer = QLineEdit(caller.username)
        self.trainer.setObjectName("trainer")
        self.curriculum = QLineEdit(DEFAULT_CURRICULUM)
        self.curriculum.setObjectName("curriculum")
        self.role = QComboBox()
        self.role.addItem("All of the user's roles", None)
        for role in Role:
            self.role.addItem(role.label, role)
        self.form.addRow("User", self.username)
        self.form.addRow("Completed on", self.trained_on)
        self.form.addRow("Trainer", self.trainer)
        self.form.addRow("Curriculum", self.curriculum)
        self.form.addRow("For role", self.role)
        self.finish_layout()

    def perform(self) -> None:
        name = self.username.text().strip()
        if not name:
            raise ValidationError("Enter the user name of the member who was trained.")
        if not self.trainer.text().strip() or not self.curriculum.text().strip():
            raise ValidationError("Name the trainer and the curriculum.")
        self.users.record_training(self.caller, name, self.trained_on.date().toPython(),
                                   trainer=self.trainer.text().strip(),
                                   curriculum=self.curriculum.text().strip(), role=self.role.currentData())
