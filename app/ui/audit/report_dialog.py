"""Choosing the period and the file of the bi-annual audit report (424.5(c))."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout, QWidget)

from app.ui.common import error_label, primary, set_error


def previous_half(today: date) -> tuple[date, date]:
    """The last complete half-year: Jan–Jun or Jul–Dec."""
    if today.month <= 6:
        return date(today.year - 1, 7, 1), date(today.year - 1, 12, 31)
    return date(today.year, 1, 1), date(today.year, 6, 30)


class ReportDialog(QDialog):
    def __init__(self, today: date | None = None, folder: Path | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bi-annual audit report")
        self.setMinimumWidth(520)
        start, end = previous_half(today or date.today())
        self.start, self.end = _date_edit(start), _date_edit(end)
        self.start.setObjectName("reportFrom")
        self.end.setObjectName("reportTo")
        self.out = QLineEdit(str((folder or Path.home()) / f"alpr-audit-{start:%Y-%m}-to-{end:%Y-%m}.pdf"))
        self.out.setObjectName("reportOut")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.out, 1)
        file_row.addWidget(browse)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        form.addRow("First day", self.start)
        form.addRow("Last day", self.end)
        holder = QWidget()
        holder.setLayout(file_row)
        form.addRow("Save as", holder)
        note = QLabel("The report counts searches per user and role, purposes and case numbers, refusals, lockouts, "
                      "exports and releases, purges, and flags anomalies for review. Making it is recorded.")
        note.setObjectName("muted")
        note.setWordWrap(True)
        self.error = error_label()
        self.ok = primary(QPushButton("Write report"))
        self.ok.setObjectName("okButton")
        cancel = QPushButton("Cancel")
        box = QDialogButtonBox()
        box.addButton(self.ok, QDialogButtonBox.AcceptRole)
        box.addButton(cancel, QDialogButtonBox.RejectRole)
        self.ok.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(box)

    def period(self) -> tuple[date, date, Path]:
        return self.start.date().toPython(), self.end.date().toPython(), Path(self.out.text().strip())

    def submit(self) -> None:
        start, end, out = self.period()
        if end < start:
            set_error(self.error, "The last day is before the first.")
            return
        if not self.out.text().strip() or out.suffix.lower() != ".pdf":
            set_error(self.error, "Save the report as a .pdf file.")
            return
        self.accept()

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the audit report", self.out.text(), "PDF (*.pdf)")
        if path:
            self.out.setText(path if path.lower().endswith(".pdf") else path + ".pdf")


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


