"""The access log as a table: one page of AuditEntry records at a time."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from app.domain.audit import AuditEntry
from app.ui.localtime import local_text
from app.ui.table_model import RowsModel

COLUMNS = ["#", "Time", "User", "Action", "Outcome", "Purpose", "Case", "Data elements", "Results", "Workstation"]
SEQ, TIME, USER, ACTION, OUTCOME, PURPOSE, CASE, QUERY, RESULTS, WORKSTATION = range(len(COLUMNS))
OUTCOME_COLOURS = {"ok": "#1e7b3a", "refused": "#b3261e", "failed": "#9a5b00"}


def elements_text(query: str) -> str:
    """The canonical JSON of the data elements as 'key: value' pairs, for reading."""
    try:
        elements = json.loads(query or "{}")
    except ValueError:
        return query
    if not isinstance(elements, dict):
        return str(elements)
    return "; ".join(f"{k}: {v if not isinstance(v, (list, dict)) else json.dumps(v)}" for k, v in elements.items())


class AuditModel(RowsModel):
    COLUMNS = COLUMNS

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._mono = QFont("monospace")
        self._mono.setStyleHint(QFont.TypeWriter)

    # Named for what they hold; the rows themselves live in RowsModel.
    entries = property(lambda self: self.rows)
    set_entries = RowsModel.set_rows

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            return {
                SEQ: f"{e.seq:,}", TIME: local_text(e.occurred_at), USER: e.username, ACTION: e.action, OUTCOME: e.outcome,
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
