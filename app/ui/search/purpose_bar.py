"""Policy 424.5(b): a purpose and a case or incident number before any query.

The pair is kept for the session (the panel lives as long as the log-in) and may be changed
at any time; each query carries the pair in force when it ran, into its own access record.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.domain.errors import ValidationError

PURPOSES = ["Criminal investigation", "Missing person", "Stolen vehicle", "AMBER alert", "Wanted person",
            "Crime scene canvass"]


class PurposeBar(QWidget):
    changed = Signal(str, str)  # purpose, case number: the pair now in force

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("purposeBar")
        self.purpose = ""
        self.case_number = ""
        self.purpose_edit = QLineEdit()
        self.purpose_edit.setObjectName("purposeEdit")
        self.purpose_edit.setPlaceholderText("Purpose, e.g. Criminal investigation — burglary")
        self.purpose_edit.setMinimumWidth(260)
        self.case_edit = QLineEdit()
        self.case_edit.setObjectName("caseEdit")
        self.case_edit.setPlaceholderText("e.g. GPD-26-1107")
        self.case_edit.setMaximumWidth(170)
        self.apply_button = QPushButton("Set")
        self.apply_button.setObjectName("purposeApply")
        self.apply_button.setToolTip("Use this purpose and case number for the queries that follow")
        self.status = QLabel()
        self.status.setObjectName("purposeStatus")
        self.status.setWordWrap(True)
        for edit in (self.purpose_edit, self.case_edit):
            edit.returnPressed.connect(self.apply)
            edit.textChanged.connect(self._edited)
        self.apply_button.clicked.connect(self.apply)

        purpose_label = QLabel("Purpose:")
        case_label = QLabel("Case / incident no.:")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(purpose_label)
        row.addWidget(self.purpose_edit, 2)
        row.addWidget(case_label)
        row.addWidget(self.case_edit, 1)
        row.addWidget(self.apply_button)
        row.addWidget(self.status, 1)
        self._show_status()

    @property
    def is_set(self) -> bool:
        return bool(self.purpose and self.case_number)

    def set_pair(self, purpose: str, case_number: str) -> None:
        self.purpose_edit.setText(purpose)
        self.case_edit.setText(case_number)
        self.apply()

    def apply(self) -> bool:
        """Take the typed pair into force; False (and a hint) when either half is missing."""
        purpose, case = self.purpose_edit.text().strip(), self.case_edit.text().strip()
        if not purpose or not case:
            self._show_status(missing=True)
            (self.purpose_edit if not purpose else self.case_edit).setFocus()
            return False
        if (purpose, case) != (self.purpose, self.case_number):
            self.purpose, self.case_number = purpose, case
            self.changed.emit(purpose, case)
        self._show_status()
        return True

    def require(self) -> tuple[str, str]:
        """The pair for a query about to run: typed changes are taken first."""
        if not self.apply():
            raise ValidationError("Give the purpose and a case or incident number before searching "
                                  "(Policy 424.5(b)).")
        return self.purpose, self.case_number

    def _edited(self) -> None:
        pending = (self.purpose_edit.text().strip(), self.case_edit.text().strip()) != \
            (self.purpose, self.case_number)
        self.apply_button.setEnabled(pending)
        if pending and self.is_set:
            self.status.setText("Press Set (or Enter) to use the new purpose and case number.")
            self.status.setStyleSheet("color:#7a4100;")

    def _show_status(self, missing: bool = False) -> None:
        self.apply_button.setEnabled(not self.is_set or missing)
        if self.is_set:
            self.status.setText(f"✔ Queries are recorded under <b>{self.case_number}</b>.")
            self.status.setToolTip(f"Purpose: {self.purpose}\nCase or incident: {self.case_number}")
            self.status.setStyleSheet("color:#1e7b3a;")
        else:
            self.status.setText("Policy 424.5(b): give both before any query.")
            self.status.setStyleSheet("color:#b3261e;" if missing else "color:#5b4a12;")
