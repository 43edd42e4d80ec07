"""Hotlists for the IS supervisor: import a state export (all rows or none) or enter a BOLO by hand.

An import runs on a worker; a file with bad rows imports nothing and each bad line is listed
with its reason. Every new entry is back-searched over the stored reads at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QFileDialog, QFormLayout, QFrame, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QListWidget, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.services.hotlists import (REASON_LABELS, REASONS, BadRow, HotlistFileError, HotlistService,
                                   ImportSummary)
from app.ui.common import error_label, primary, set_error, show_error
from app.ui.workers import WorkerPool
from app.ui.localtime import local_minutes


@dataclass(frozen=True)
class _BadFile:
    message: str
    bad_rows: list[BadRow]


class EntryDialog(QDialog):
    """A hand-entered hotlist entry, a BOLO by default."""

    def __init__(self, hotlists: HotlistService, caller: Caller, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Enter a BOLO or hotlist entry")
        self.setMinimumWidth(460)
        self.hotlists, self.caller = hotlists, caller
        self.raised = 0
        self.plate = QLineEdit()
        self.plate.setObjectName("entryPlate")
        self.state = QLineEdit()
        self.state.setObjectName("entryState")
        self.state.setMaxLength(2)
        self.state.setPlaceholderText("any")
        self.reason = QComboBox()
        self.reason.setObjectName("entryReason")
        for key in ("bolo", *[r for r in REASONS if r != "bolo"]):
            self.reason.addItem(REASON_LABELS[key], key)
        self.reference = QLineEdit()
        self.reference.setObjectName("entryReference")
        self.expires_on = QCheckBox("Expires")
        self.expires = QDateEdit(QDate.currentDate().addDays(30))
        self.expires.setCalendarPopup(True)
        self.expires.setDisplayFormat("yyyy-MM-dd")
        self.expires.setEnabled(False)
        self.expires_on.toggled.connect(self.expires.setEnabled)
        self.expires_on.setChecked(True)
        self.note = QLineEdit()
        self.note.setObjectName("entryNote")
        self.note.setPlaceholderText("vehicle, circumstances, contact")
        form = QFormLayout()
        form.addRow("Plate", self.plate)
        form.addRow("State", self.state)
        form.addRow("Reason", self.reason)
        form.addRow("Reference", self.reference)
        form.addRow(self.expires_on, self.expires)
        form.addRow("Note", self.note)
        self.error = error_label()
        self.ok = primary(QPushButton("Add entry"))
        self.ok.setObjectName("okButton")
        cancel = QPushButton("Cancel")
        box = QDialogButtonBox()
        box.addButton(self.ok, QDialogButtonBox.AcceptRole)
        box.addButton(cancel, QDialogButtonBox.RejectRole)
        self.ok.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(box)

    def submit(self) -> None:
        try:
            _, self.raised = self.hotlists.add_entry(
                self.caller, self.plate.text(), self.reason.currentData(), state=self.state.text().strip() or None,
                reference=self.reference.text().strip(), note=self.note.text(),
                expires=self.expires.date().toPython() if self.expires_on.isChecked() else None)
        except PlateDeskError as exc:
            set_error(self.error, str(exc))
            return
        self.accept()


class HotlistsPanel(QWidget):
    imported = Signal(object)  # ImportSummary
    bad_file = Signal(object)  # the bad rows of a refused file (a list)

    def __init__(self, hotlists: HotlistService, caller: Caller, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("hotlistsPanel")
        self.hotlists, self.caller = hotlists, caller
        self.workers = WorkerPool(max_threads=1, parent=self)
        self.dialog: EntryDialog | None = None
        heading = QLabel("Hotlists")
        heading.setObjectName("heading")
        intro = QLabel("Import the state system's hotlist export (CSV with plate, state, reason, reference, entered, "
                       "expires; other columns are kept), or enter a BOLO by hand. A file with a bad row imports "
                       "nothing. New entries are matched against the stored reads at once, and every read that "
                       "arrives later is matched as it is stored.")
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        self.import_button = primary(QPushButton("Import CSV…"))
        self.import_button.setObjectName("importButton")
        self.import_button.clicked.connect(self.choose_file)
        self.entry_button = QPushButton("Enter BOLO…")
        self.entry_button.setObjectName("entryButton")
        self.entry_button.clicked.connect(self.open_entry)
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addWidget(self.entry_button)
        row.addStretch(1)
        self.message = QLabel()
        self.message.setObjectName("hotlistMessage")
        self.message.setWordWrap(True)
        self.bad_rows = QListWidget()
        self.bad_rows.setObjectName("badRows")
        self.bad_rows.setMaximumHeight(120)
        self.bad_rows.hide()
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("hotlistTable")
        self.table.setHorizontalHeaderLabels(["Hotlist", "Entries", "Imported by", "Imported"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        card = QFrame()
        card.setObjectName("card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(16, 12, 16, 12)
        inner.addWidget(intro)
        inner.addLayout(row)
        inner.addWidget(self.message)
        inner.addWidget(self.bad_rows)
        inner.addWidget(self.table, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addWidget(heading)
        layout.addWidget(card, 1)
        self.refresh()

    def refresh(self) -> None:
        try:
            lists = self.hotlists.list_hotlists(self.caller)
        except PlateDeskError as exc:
            self.message.setText(str(exc))
            self.import_button.setEnabled(False)
            self.entry_button.setEnabled(False)
            return
        self.table.setRowCount(len(lists))
        for r, h in enumerate(lists):
            for c, value in enumerate((h.name, f"{h.entries:,}", h.imported_by, local_minutes(h.imported_at))):
                item = QTableWidgetItem(value)
                if c == 1:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a hotlist", str(Path.home()), "CSV (*.csv);;All (*)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path, name: str | None = None) -> None:
        self.import_button.setEnabled(False)
        self.bad_rows.hide()
        self.message.setStyleSheet("")
        self.message.setText(f"Importing {path.name}…")
        hotlists, caller = self.hotlists, self.caller

        def job(cancel, progress):
            try:
                return hotlists.import_csv(caller, path, name)
            except HotlistFileError as exc:
                # The bad rows are data for the panel, not an error box. Only plain values cross
                # back: the exception's traceback would keep the worker thread's frames alive.
                return _BadFile(str(exc), list(exc.bad_rows))
        self.workers.start(job, on_finished=self._imported, on_failed=self._failed)

    def _imported(self, result: "ImportSummary | _BadFile") -> None:
        self.import_button.setEnabled(True)
        if isinstance(result, _BadFile):
            self.message.setText(f"{result.message}. Correct the file and import it again.")
            self.message.setStyleSheet("color:#b3261e; font-weight:600;")
            self.bad_rows.clear()
            self.bad_rows.addItems([str(b) for b in result.bad_rows])
            self.bad_rows.show()
            self.bad_file.emit(result.bad_rows)
            return
        self.message.setText(f"Imported {result.entries:,} entries into “{result.name}”; "
                             f"{result.alerts:,} alerts raised from stored reads.")
        self.refresh()
        self.imported.emit(result)

    def _failed(self, message: str) -> None:
        self.import_button.setEnabled(True)
        self.message.setText("")
        show_error(self, message)

    def open_entry(self) -> None:
        # Not WA_DeleteOnClose: a deferred delete of this dialog crashed Qt once an import
        # worker had run (PySide6 6.11); the one dialog is reused instead.
        if self.dialog is None:
            self.dialog = dialog = EntryDialog(self.hotlists, self.caller, self)
            dialog.accepted.connect(lambda: self._entered(dialog.raised))
        dialog = self.dialog
        dialog.error.hide()
        dialog.open()

    def _entered(self, raised: int) -> None:
        self.message.setStyleSheet("")
        self.message.setText(f"Entry added; {raised:,} alert{'s' if raised != 1 else ''} raised from stored reads.")
        self.refresh()

    def shutdown(self) -> None:
        self.workers.shutdown()
