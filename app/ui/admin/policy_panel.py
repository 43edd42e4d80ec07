"""Policy 424 acknowledgements (424.8): who has acknowledged the current version, and publishing a new one."""
from __future__ import annotations


from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
                               QAbstractItemView, QHeaderView)

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.services.policy import Acknowledgement, PolicyAdminService, PolicyStatus
from app.ui.common import error_label, primary, set_error
from app.ui.localtime import local_minutes


class PublishDialog(QDialog):
    """Names the new version; publishing asks every user, the publisher too, to acknowledge again."""

    def __init__(self, policy: PolicyAdminService, caller: Caller, current: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Publish a new policy version")
        self.setMinimumWidth(480)
        self.policy, self.caller = policy, caller
        self.version = QLineEdit()
        self.version.setObjectName("policyVersion")
        self.version.setPlaceholderText("e.g. 424 rev. 2027-01")
        self.note = QPlainTextEdit()
        self.note.setObjectName("policyNote")
        self.note.setPlaceholderText("What changed (shown in the audit log)")
        self.note.setFixedHeight(70)
        form = QFormLayout()
        form.addRow("Current version", QLabel(current))
        form.addRow("New version", self.version)
        form.addRow("What changed", self.note)
        warning = QLabel("Once published, every user — you included — must read and acknowledge the policy again "
                         "before reaching ALPR data (Policy 424.8).")
        warning.setObjectName("notice")
        warning.setWordWrap(True)
        self.error = error_label()
        self.ok = primary(QPushButton("Publish"))
        self.ok.setObjectName("okButton")
        cancel = QPushButton("Cancel")
        box = QDialogButtonBox()
        box.addButton(self.ok, QDialogButtonBox.AcceptRole)
        box.addButton(cancel, QDialogButtonBox.RejectRole)
        self.ok.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(warning)
        layout.addWidget(self.error)
        layout.addWidget(box)

    def submit(self) -> None:
        try:
            self.policy.publish(self.caller, self.version.text(), self.note.toPlainText())
        except PlateDeskError as exc:
            set_error(self.error, str(exc))
            return
        self.accept()


class PolicyPanel(QWidget):
    published = Signal()

    def __init__(self, policy: PolicyAdminService, caller: Caller, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("policyPanel")
        self.policy, self.caller = policy, caller
        self.status: PolicyStatus | None = None
        self.dialog: PublishDialog | None = None
        heading = QLabel("Policy 424 acknowledgements")
        heading.setObjectName("heading")
        self.version = QLabel()
        self.version.setObjectName("policyCurrent")
        self.version.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        self.publish_button = QPushButton("Publish new version…")
        self.publish_button.setObjectName("publishButton")
        self.publish_button.clicked.connect(self.open_publish)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(refresh)
        top.addWidget(self.publish_button)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("ackTable")
        self.table.setHorizontalHeaderLabels(["User", "Name", "Roles", "Acknowledged the current version"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        for column, width in enumerate((120, 170, 260)):
            self.table.setColumnWidth(column, width)
        card = QFrame()
        card.setObjectName("card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(16, 12, 16, 12)
        inner.addWidget(self.version)
        inner.addWidget(self.summary)
        inner.addWidget(self.table, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addLayout(top)
        layout.addWidget(card, 1)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.status = status = self.policy.status(self.caller)
        except PlateDeskError as exc:
            self.version.setText(str(exc))
            self.publish_button.setEnabled(False)
            return
        who = (f"published by {status.published_by} on {local_minutes(status.published_at)}"
               + (f" — {status.note}" if status.note else "")) if status.published_by else "as shipped with Plate Desk"
        self.version.setText(f"<b>Current version:</b> {status.version} ({who})")
        total = len(status.acknowledged) + len(status.pending)
        self.summary.setText(f"{len(status.acknowledged)} of {total} active users have acknowledged it; "
                             f"{len(status.pending)} not yet (they are asked at their next log-in).")
        rows: list[Acknowledgement] = status.pending + status.acknowledged
        self.table.setRowCount(len(rows))
        for row, person in enumerate(rows):
            values = [person.username, person.full_name, ", ".join(r.label for r in person.roles),
                      local_minutes(person.accepted_at) if person.accepted_at else "Not yet"]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 3 and not person.accepted_at:
                    item.setForeground(Qt.darkRed)
                self.table.setItem(row, column, item)

    def open_publish(self) -> None:
        dialog = PublishDialog(self.policy, self.caller, self.status.version if self.status else "", self)
        dialog.setAttribute(Qt.WA_DeleteOnClose, True)
        dialog.accepted.connect(self._published)
        self.dialog = dialog
        dialog.open()

    def _published(self) -> None:
        self.refresh()
        self.published.emit()
