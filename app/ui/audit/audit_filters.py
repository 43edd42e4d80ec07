"""The audit viewer's filter bar: user, dates, action, plate, case and outcome."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.services.audit import AuditFilters
from app.ui.common import primary

OUTCOMES = [("Any outcome", ""), ("OK", "ok"), ("Refused", "refused"), ("Failed", "failed")]


def local_day_start(day: date) -> datetime:
    """Midnight of a local date, as naive UTC for the service."""
    return datetime.combine(day, time(0)).astimezone().astimezone(timezone.utc).replace(tzinfo=None)


class AuditFilterBar(QWidget):
    applied = Signal(object)  # AuditFilters

    def __init__(self, today: date | None = None, parent=None) -> None:
        super().__init__(parent)
        today = today or date.today()
        self.user = QLineEdit()
        self.user.setObjectName("filterUser")
        self.user.setPlaceholderText("user name")
        self.action = QComboBox()
        self.action.setObjectName("filterAction")
        self.action.setEditable(True)
        self.action.setMinimumWidth(170)
        self.action.lineEdit().setPlaceholderText("any action")
        self.plate = QLineEdit()
        self.plate.setObjectName("filterPlate")
        self.plate.setPlaceholderText("plate in the query")
        self.case = QLineEdit()
        self.case.setObjectName("filterCase")
        self.case.setPlaceholderText("case number")
        self.outcome = QComboBox()
        self.outcome.setObjectName("filterOutcome")
        for label, value in OUTCOMES:
            self.outcome.addItem(label, value)
        self.use_from, self.date_from = QCheckBox("From"), _date_edit(today.replace(day=1))
        self.use_to, self.date_to = QCheckBox("To"), _date_edit(today)
        self.use_from.setObjectName("useFrom")
        self.use_to.setObjectName("useTo")
        for box, edit in ((self.use_from, self.date_from), (self.use_to, self.date_to)):
            edit.setEnabled(False)
            box.toggled.connect(edit.setEnabled)
        self.apply_button = primary(QPushButton("Apply filters"))
        self.apply_button.setObjectName("applyFilters")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName("clearFilters")
        for edit in (self.user, self.plate, self.case, self.action.lineEdit()):
            edit.returnPressed.connect(self.apply)
        self.apply_button.clicked.connect(self.apply)
        self.clear_button.clicked.connect(self.clear)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        grid.addWidget(QLabel("User"), 0, 0)
        grid.addWidget(self.user, 0, 1)
        grid.addWidget(QLabel("Action"), 0, 2)
        grid.addWidget(self.action, 0, 3)
        grid.addWidget(QLabel("Plate"), 0, 4)
        grid.addWidget(self.plate, 0, 5)
        grid.addWidget(QLabel("Case"), 0, 6)
        grid.addWidget(self.case, 0, 7)
        grid.addWidget(self.use_from, 1, 0)
        grid.addWidget(self.date_from, 1, 1)
        grid.addWidget(self.use_to, 1, 2)
        grid.addWidget(self.date_to, 1, 3)
        grid.addWidget(QLabel("Outcome"), 1, 4)
        grid.addWidget(self.outcome, 1, 5)
        grid.addWidget(self.clear_button, 1, 6)
        grid.addWidget(self.apply_button, 1, 7)
        for column in (1, 3, 5, 7):
            grid.setColumnStretch(column, 1)

    def set_actions(self, actions: list[str]) -> None:
        typed = self.action.currentText()
        self.action.clear()
        self.action.addItem("")
        self.action.addItems(actions)
        self.action.setEditText(typed)

    def filters(self) -> AuditFilters:
        start = local_day_start(self.date_from.date().toPython()) if self.use_from.isChecked() else None
        end = local_day_start(self.date_to.date().toPython() + timedelta(days=1)) if self.use_to.isChecked() else None
        return AuditFilters(username=self.user.text().strip(), start=start, end=end,
                            action=self.action.currentText().strip(), plate=self.plate.text().strip(),
                            case_number=self.case.text().strip(), outcome=self.outcome.currentData())

    def apply(self) -> None:
        self.applied.emit(self.filters())

    def clear(self) -> None:
        for edit in (self.user, self.plate, self.case):
            edit.clear()
        self.action.setEditText("")
        self.outcome.setCurrentIndex(0)
        self.use_from.setChecked(False)
        self.use_to.setChecked(False)
        self.apply()


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit
