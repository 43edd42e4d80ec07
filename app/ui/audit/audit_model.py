"""The access log as a table: one page of AuditEntry records at a time."""
from __future__ import annotations

import json
from datetime import timezone

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.domain.audit import AuditEntry

COLUMNS = ["#", "Time", "User", "Action", "Outcome", "Purpose", "Case", "Data elements", "Results", "Workstation"]
SEQ, TIME, USER, ACTION, OUTCOME, PURPOSE, CASE, QUERY, RESULTS, WORKSTATION = range(len(COLUMNS))
OUTCOME_COLOURS = {"ok": "#1e7b3a", "refused": "#b3261e", "failed": "#9a5b00"}


def local_text(entry: AuditEntry) -> str:
    local = entry.occurred_at.replace(tzinfo=timezone.utc).astimezone()
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()}"


def elements_text(query: str) -> str:
    """The canonical JSON of the data elements as 'key: value' pairs, for reading."""
    try:
        elements = json.loads(query or "{}")
    except ValueError:
        return query
    if not isinstance(elements, dict):
        return str(elements)
    return "; ".join(f"{k}: {v if not isinstance(v, (list, dict)) else json.dumps(v)}" for k, v in elements.items())


class AuditModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.entries: list[AuditEntry] = []
        self._mono = QFont("monospace")
        self._mono.setStyleHint(QFont.TypeWriter)

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            return {
                SEQ: f"{e.seq:,}", TIME: local_text(e), USER: e.username, ACTION: e.action, OUTCOME: e.outcome,
                PURPOSE: e.purpose, CASE: e.case_number, QUERY: elements_text(e.query),
                RESULTS: "" if e.result_count is None else f"{e.result_count:,}", WORKSTATION: e.workstation,
            }[column]
        if role == Qt.ForegroundRole and column == OUTCOME:
            return QColor(OUTCOME_COLOURS.get(e.outcome, "#1b1f24"))
        if role == Qt.TextAlignmentRole and column in (SEQ, RESULTS):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ToolTipRole and column in (QUERY, OUTCOME, ACTION):
            return "\n".join(filter(None, [elements_text(e.query), e.detail]))
        return None
