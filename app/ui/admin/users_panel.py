"""User administration (424.2.1, 424.8): accounts, roles, unlocks, deactivation, training."""
from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from app.domain.accounts import Caller, UserSummary
from app.domain.errors import PlateDeskError
from app.domain.roles import Permission
from app.services.users import UserService
from app.ui.admin.user_dialogs import AddUserDialog, ResetPasswordDialog, RolesDialog, TrainingDialog
from app.ui.common import confirm, show_error, ui_settings
from app.ui.theme import BAD, MUTED
from app.ui.table_model import RowsModel

HEADER_KEY = "admin/users/header"


class UsersModel(RowsModel):
    COLUMNS = ("User", "Full name", "Roles", "Active", "Locked", "Last training", "Policy acknowledged")

    # Named for what they hold; the rows themselves live in RowsModel.
    users = property(lambda self: self.rows)
    set_users = RowsModel.set_rows

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        user = self.users[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            return (
                user.username,
                user.full_name,
                ", ".join(r.label for r in user.roles),
                "Yes" if user.active else "No",
                "Locked" if user.locked else "",
                user.last_training.isoformat() if user.last_training else "Not recorded",
                "Yes" if user.policy_version_accepted else "Not yet",
            )[column]
        if role == Qt.ForegroundRole:
            if not user.active:
                return QColor(MUTED)
            if (column == 4 and user.locked) or (column == 5 and not user.last_training) \
                    or (column == 6 and not user.policy_version_accepted):
                return QColor(BAD)
        if role == Qt.ToolTipRole and column == 5 and user.training:
            return "\n".join(f"{t.trained_on:%Y-%m-%d} · {t.role.label if t.role else 'all roles'} · "
                             f"{t.curriculum} · {t.trainer}" for t in user.training)
        return None


class UsersPanel(QWidget):
    """The user table and its actions. A captain (training only) gets the training form alone,
    since listing accounts belongs to the IS supervisor."""

    def __init__(self, users: UserService, caller: Caller, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("usersPanel")
        self.users = users
        self.caller = caller
        self.dialog = None  # the open dialog, for tests and to keep it alive
        self.model = UsersModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("usersTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        header.setMinimumSectionSize(60)
        header.setSectionResizeMode(QHeaderView.Interactive)
        self.table.doubleClicked.connect(lambda _: self.change_roles())

        heading = QLabel("Users and training")
        heading.setObjectName("heading")
        self.can_manage = caller.may(Permission.MANAGE_USERS)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        actions = [("add", "Add user…", self.add_user), ("roles", "Change roles…", self.change_roles),
                   ("unlock", "Unlock", self.unlock), ("deactivate", "Deactivate…", self.deactivate),
                   ("reset", "Reset password…", self.reset_password)] if self.can_manage else []
        if caller.may(Permission.RECORD_TRAINING):
            actions.append(("training", "Record training…", self.record_training))
        for key, text, slot in actions:
            button = QPushButton(text)
            button.setObjectName(f"{key}Button")
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        if self.can_manage:
            refresh = QPushButton("Refresh")
            refresh.clicked.connect(self.refresh)
            row.addWidget(refresh)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addLayout(row)
        if self.can_manage:
            layout.addWidget(self.table, 1)
            self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
            state = ui_settings().value(HEADER_KEY)
            if state is None or not header.restoreState(state):
                for column, width in enumerate((120, 150, 220, 64, 70, 110)):
                    self.table.setColumnWidth(column, width)
            self.refresh()
        else:
            note = QLabel("Your role records training. Accounts and roles are managed by the IS supervisor.")
            note.setObjectName("muted")
            note.setWordWrap(True)
            layout.addWidget(note)
            layout.addStretch(1)
        self._update_buttons()

    # --- data ----------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_user()
        try:
            self.model.set_users(self.users.list_users(self.caller))
        except PlateDeskError as exc:
            show_error(self, exc)
            return
        if selected:
            self.select(selected.username)
        self._update_buttons()

    def select(self, username: str) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data() == username:
                self.table.selectRow(row)
                return

    def selected_user(self) -> UserSummary | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.users[self.proxy.mapToSource(rows[0]).row()]

    def _update_buttons(self) -> None:
        user = self.selected_user() if self.can_manage else None
        enabled = {
            "roles": user is not None and user.active,
            "unlock": user is not None and user.locked,
            "deactivate": user is not None and user.active and user.username != self.caller.username,
            "reset": user is not None and user.active,
            "training": (user is not None and user.active) or not self.can_manage,
        }
        for key, on in enabled.items():
            if key in self.buttons:
                self.buttons[key].setEnabled(on)

    # --- actions -------------------------------------------------------------------------

    def _open(self, dialog) -> None:
        dialog.setAttribute(Qt.WA_DeleteOnClose, True)
        dialog.accepted.connect(self.refresh if self.can_manage else (lambda: None))
        self.dialog = dialog
        dialog.open()

    def add_user(self) -> None:
        self._open(AddUserDialog(self.users, self.caller, self))

    def change_roles(self) -> None:
        user = self.selected_user()
        if user and user.active:
            self._open(RolesDialog(self.users, self.caller, user, self))

    def reset_password(self) -> None:
        user = self.selected_user()
        if user:
            self._open(ResetPasswordDialog(self.users, self.caller, user.username, self))

    def record_training(self) -> None:
        user = self.selected_user() if self.can_manage else None
        self._open(TrainingDialog(self.users, self.caller, user.username if user else None, parent=self))

    def unlock(self) -> None:
        user = self.selected_user()
        if user:
            self._run(lambda: self.users.unlock(self.caller, user.username))

    def deactivate(self) -> None:
        user = self.selected_user()
        if user and confirm(self, "Deactivate user",
                            f"Deactivate {user.username}? They can no longer log in. Their records and "
                            "audit entries are kept.", "Deactivate"):
            self._run(lambda: self.users.deactivate(self.caller, user.username))

    def _run(self, action) -> None:
        try:
            action()
        except PlateDeskError as exc:
            show_error(self, exc)
        self.refresh()

    def shutdown(self) -> None:
        if self.can_manage:
            ui_settings().setValue(HEADER_KEY, self.table.horizontalHeader().saveState())
