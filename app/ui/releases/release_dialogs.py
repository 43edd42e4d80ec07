"""Filing a release request, and deciding one with the password re-entered."""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QVBoxLayout)

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError, ValidationError
from app.services.releases import ReleaseService, ReleaseView
from app.ui.common import error_label, primary, set_error


class _Form(QDialog):
    def __init__(self, title: str, ok_text: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(500)
        self.form = QFormLayout()
        self.error = error_label()
        self.ok = primary(QPushButton(ok_text))
        self.ok.setObjectName("okButton")
        cancel = QPushButton("Cancel")
        self.box = QDialogButtonBox()
        self.box.addButton(self.ok, QDialogButtonBox.AcceptRole)
        self.box.addButton(cancel, QDialogButtonBox.RejectRole)
        self.ok.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addLayout(self.form)

    def finish(self, *widgets) -> None:
        for widget in widgets:
            self.body.addWidget(widget)
        self.body.addWidget(self.error)
        self.body.addWidget(self.box)

    def perform(self) -> None:
        raise NotImplementedError

    def submit(self) -> None:
        try:
            self.perform()
        except PlateDeskError as exc:
            set_error(self.error, str(exc))
            return
        self.accept()


class RequestDialog(_Form):
    """Policy 424.7(a): the agency's written request, as received."""

    def __init__(self, releases: ReleaseService, caller: Caller, parent=None) -> None:
        super().__init__("File a release request", "File request", parent)
        self.releases, self.caller = releases, caller
        self.request_id: int | None = None
        self.agency = QLineEdit()
        self.agency.setObjectName("agency")
        self.requester = QLineEdit()
        self.requester.setObjectName("requester")
        self.purpose = QPlainTextEdit()
        self.purpose.setObjectName("purpose")
        self.purpose.setFixedHeight(60)
        self.data = QPlainTextEdit()
        self.data.setObjectName("dataRequested")
        self.data.setFixedHeight(60)
        self.reads = QLineEdit()
        self.reads.setObjectName("readIds")
        self.reads.setPlaceholderText("read ids, e.g. 1042, 1043 (from search or a case)")
        self.form.addRow("Requesting agency", self.agency)
        self.form.addRow("Person requesting", self.requester)
        self.form.addRow("Intended purpose", self.purpose)
        self.form.addRow("Data asked for", self.data)
        self.form.addRow("Reads", self.reads)
        note = QLabel("Only law enforcement or prosecutorial agencies, for official purposes (424.7). The captain "
                      "or a designee other than you decides the request.")
        note.setObjectName("muted")
        note.setWordWrap(True)
        self.finish(note)

    def read_ids(self) -> list[int]:
        text = self.reads.text().replace(",", " ").split()
        try:
            return [int(t) for t in text]
        except ValueError:
            raise ValidationError("Give the reads as numbers separated by commas or spaces.") from None

    def perform(self) -> None:
        self.request_id = self.releases.file_request(self.caller, self.agency.text(), self.requester.text(),
                                                     self.purpose.toPlainText(), self.data.toPlainText(),
                                                     self.read_ids())


class DecisionDialog(_Form):
    """Policy 424.7(b): approve or deny, after re-entering one's password."""

    def __init__(self, releases: ReleaseService, caller: Caller, request: ReleaseView, approve: bool,
                 parent=None) -> None:
        verb = "Approve" if approve else "Deny"
        super().__init__(f"{verb} request {request.id}", verb, parent)
        self.releases, self.caller, self.request, self.approve = releases, caller, request, approve
        self.decided: ReleaseView | None = None
        summary = QLabel(f"<b>{request.agency}</b> — {request.requester_name}<br/>Purpose: {request.purpose}<br/>"
                         f"Data: {request.data_requested} ({len(request.read_ids)} reads)")
        summary.setWordWrap(True)
        self.note = QPlainTextEdit()
        self.note.setObjectName("decisionNote")
        self.note.setFixedHeight(60)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.Password)
        self.form.addRow(summary)
        self.form.addRow("Note" + ("" if approve else " (required)"), self.note)
        self.form.addRow("Your password", self.password)
        self.finish()

    def perform(self) -> None:
        try:
            self.decided = self.releases.decide(self.caller, self.request.id, self.approve, self.password.text(),
                                                self.note.toPlainText())
        finally:
            self.password.clear()
