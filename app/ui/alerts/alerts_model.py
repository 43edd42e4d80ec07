"""The alerts table: one row per AlertView, newest read first, open alerts in bold."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from app.services.hotlists import DISPOSITION_LABELS, AlertView
from app.ui.localtime import local_minutes
from app.ui.table_model import RowsModel

COLUMNS = ["Time", "Plate", "Match", "Reason", "Reference", "Source", "Disposition"]
TIME, PLATE, MATCH, REASON, REFERENCE, SOURCE, DISPOSITION = range(len(COLUMNS))
REASON_COLOURS = {"stolen_vehicle": "#b3261e", "stolen_plate": "#b3261e", "wanted": "#8a1c7c",
                  "missing_person": "#1f5fa8", "bolo": "#9a5b00"}


class AlertsModel(RowsModel):
    COLUMNS = COLUMNS

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._bold = QFont()
        self._bold.setBold(True)

    # Named for what they hold; the rows themselves live in RowsModel.
    alerts = property(lambda self: self.rows)
    set_alerts = RowsModel.set_rows

    def replace(self, alert: AlertView) -> int:
        """Put an updated alert in place (after a disposition); its row, or -1."""
        for row, old in enumerate(self.alerts):
            if old.id == alert.id:
                self.alerts[row] = alert
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                return row
        return -1

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        alert = self.alerts[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            return {
                TIME: local_minutes(alert.captured_at),
                PLATE: f"{alert.plate}  {alert.read_state or ''}".rstrip(),
                MATCH: f"Fuzzy: {alert.differences}" if alert.fuzzy else "Exact",
                REASON: alert.reason_label,
                REFERENCE: alert.reference,
                SOURCE: alert.source,
                DISPOSITION: DISPOSITION_LABELS.get(alert.disposition, "").split(" (")[0] if alert.disposition
                else "Open",
            }[column]
        if role == Qt.FontRole and (column == PLATE or (column == DISPOSITION and not alert.disposition)):
            return self._bold
        if role == Qt.ForegroundRole:
            if column == REASON:
                return QColor(REASON_COLOURS.get(alert.reason, "#1b1f24"))
            if column == MATCH and alert.fuzzy:
                return QColor("#9a5b00")
            if column == DISPOSITION and alert.disposition:
                return QColor("#5f6b7a")
        if role == Qt.ToolTipRole and column == MATCH and alert.fuzzy:
            return (f"The read {alert.plate} matched hotlist plate {alert.entry_plate} only with a look-alike "
                    "character. Compare the plate crop before acting.")
        return None
