"""Release requests on file (424.7): filing, deciding, and exporting an approved one as a bag."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.domain.roles import Permission
from app.services.releases import APPROVED, DENIED, PENDING, ReleaseExportInfo, ReleaseService, ReleaseView
from app.ui.common import primary, show_error
from app.ui.releases.release_dialogs import DecisionDialog, RequestDialog
from app.ui.workers import WorkerPool
from app.ui.localtime import local_minutes

STATUS_COLOURS = {PENDING: "#9a5b00", APPROVED: "#1e7b3a", DENIED: "#b3261e"}
COLUMNS = ["#", "Filed", "Agency", "Requested by", "Purpose", "Reads", "Filed by", "Status", "Decided by", "Exports"]


class ReleasesPanel(QWidget):
    exported = Signal(object)  # ReleaseExportInfo

    def __init__(self, releases: ReleaseService, caller: Caller, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("releasesPanel")
        self.releases, self.caller = releases, caller
        self.requests: list[ReleaseView] = []
        self.dialog = None
        self.workers = WorkerPool(max_threads=1, parent=self)
        heading = QLabel("Release requests")
        heading.setObjectName("heading")
        intro = QLabel("ALPR data goes only to law enforcement or prosecutorial agencies, on a written request naming "
                       "the agency, the person requesting and the purpose, approved by the captain or a designee "
                       "who did not file it (Policy 424.7). Requests stay on file whatever the decision; only an "
                       "approved request can be exported, as a verifiable bag.")
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        actions = []
        if caller.may(Permission.REQUEST_RELEASE):
            actions += [("file", "File request…", self.file_request)]
        if caller.may(Permission.DECIDE_RELEASES):
            actions += [("approve", "Approve…", lambda: self.decide(True)), ("deny", "Deny…", lambda: self.decide(False))]
        if caller.may(Permission.REQUEST_RELEASE):
            actions += [("export", "Export…", self.choose_export)]
        for key, text, slot in actions:
            button = primary(QPushButton(text)) if key == "file" else QPushButton(text)
            button.setObjectName(f"{key}Button")
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        row.addWidget(refresh)
        self.message = QLabel()
        self.message.setObjectName("releaseMessage")
        self.message.setWordWrap(True)
        self.message.hide()  # an empty label would still take a line above the table
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("releasesTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        for column, width in enumerate((36, 160, 180, 130, 180, 58, 76, 80, 96)):
            self.table.setColumnWidth(column, width)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        card = QFrame()
        card.setObjectName("card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(16, 12, 16, 12)
        inner.addWidget(intro)
        inner.addLayout(row)
        inner.addWidget(self.message)
        inner.addWidget(self.table, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addWidget(heading)
        layout.addWidget(card, 1)
        self.refresh()

    def refresh(self) -> None:
        keep = self.selected().id if self.selected() else None
        try:
            self.requests = self.releases.list_requests(self.caller)
        except PlateDeskError as exc:
            self.say(str(exc))
            self.requests = []
        self.table.setRowCount(len(self.requests))
        for r, q in enumerate(self.requests):
            values = [str(q.id), local_minutes(q.filed_at), q.agency, q.requester_name, q.purpose, str(len(q.read_ids)),
                      q.filed_by, q.status, q.decided_by or "", str(len(q.exports))]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 7:
                    item.setForeground(QColor(STATUS_COLOURS.get(q.status, "#1b1f24")))
                if c == 4:
                    item.setToolTip(f"{q.purpose}\n\nData asked for: {q.data_requested}"
                                    + (f"\n\nDecision: {q.decision_note}" if q.decision_note else ""))
                self.table.setItem(r, c, item)
            if q.id == keep:
                self.table.selectRow(r)
        self._update_buttons()

    def say(self, text: str) -> None:
        """Show a message above the table; an empty one hides the line."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def select(self, request_id: int) -> None:
        for r, q in enumerate(self.requests):
            if q.id == request_id:
                self.table.selectRow(r)

    def selected(self) -> ReleaseView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.requests[rows[0].row()] if rows and rows[0].row() < len(self.requests) else None

    def _update_buttons(self) -> None:
        q = self.selected()
        pending_other = q is not None and q.status == PENDING and q.filed_by != self.caller.username
        for key, on in (("approve", pending_other), ("deny", pending_other),
                        ("export", q is not None and q.status == APPROVED)):
            if key in self.buttons:
                self.buttons[key].setEnabled(on)
        if "approve" in self.buttons and q is not None and q.status == PENDING and not pending_other:
            self.buttons["approve"].setToolTip("You filed this request: another captain or designee decides it.")

    def _open(self, dialog) -> None:
        dialog.setAttribute(Qt.WA_DeleteOnClose, True)
        dialog.accepted.connect(self.refresh)
        self.dialog = dialog
        dialog.open()

    def file_request(self) -> None:
        self._open(RequestDialog(self.releases, self.caller, self))

    def decide(self, approve: bool) -> None:
        q = self.selected()
        if q is not None:
            self._open(DecisionDialog(self.releases, self.caller, q, approve, self))

    def choose_export(self) -> None:
        q = self.selected()
        if q is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "Export to folder or removable media", str(Path.home()))
        if folder:
            self.export(q.id, Path(folder))

    def export(self, request_id: int, folder: Path) -> None:
        releases, caller = self.releases, self.caller
        if "export" in self.buttons:
            self.buttons["export"].setEnabled(False)
        self.say(f"Exporting request {request_id} to {folder}…")
        self.workers.start(lambda cancel, progress: releases.export(caller, request_id, folder, cancel=cancel,
                                                                    progress=progress),
                           on_finished=self._exported, on_failed=self._failed)

    def _exported(self, info: ReleaseExportInfo) -> None:
        self.say(f"Exported {info.read_count:,} reads ({info.file_count} files) to {info.destination}; "
                 "the bag can be checked with `python -m app packet verify`.")
        self.refresh()
        self.exported.emit(info)

    def _failed(self, message: str) -> None:
        self.say("")
        self._update_buttons()
        show_error(self, message)

    def shutdown(self) -> None:
        self.workers.shutdown()


