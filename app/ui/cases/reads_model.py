"""Table models of the cases panel: the cases, and the reads of one case with their holds."""
from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.services.cases import CaseRead, CaseSummary
from app.ui.theme import MUTED, OK


def local_text(utc: datetime) -> str:
    """A naive-UTC time in the workstation's zone, with the zone's name."""
    local = utc.replace(tzinfo=timezone.utc).astimezone()
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".strip()


class CasesModel(QAbstractTableModel):
    COLUMNS = ("Case", "Title", "Held", "Lead")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.cases: list[CaseSummary] = []

    def set_cases(self, cases: list[CaseSummary]) -> None:
        self.beginResetModel()
        self.cases = list(cases)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.cases)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        case = self.cases[index.row()]
        if role == Qt.DisplayRole:
            held = f"{case.held}" if case.held == case.reads else f"{case.held} of {case.reads}"
            return (case.number, case.title, held, case.lead or "—")[index.column()]
        if role == Qt.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ToolTipRole:
            return f"{case.number}: {case.title}\nCreated by {case.created_by}, {local_text(case.created_at)}"
        return None


class CaseReadsModel(QAbstractTableModel):
    COLUMNS = ("Read", "Time", "Plate", "State", "Source", "Conf.", "Hold", "By", "Reason")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.reads: list[CaseRead] = []

    def set_reads(self, reads: list[CaseRead]) -> None:
        self.beginResetModel()
        self.reads = list(reads)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.reads)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        read = self.reads[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            plate = read.plate_as_read + (f" → {read.corrected_text}" if read.corrected_text else "")
            hold = "Held" if read.held else "Released"
            who = read.placed_by if read.held else read.released_by
            why = read.reason if read.held else f"Released: {read.release_reason}"
            return (str(read.read_id), local_text(read.captured_at), plate, read.state or "—", read.source,
                    f"{read.confidence:.2f}", hold, who, why)[column]
        if role == Qt.ForegroundRole:
            if not read.held:
                return QColor(MUTED)
            if column == 6:
                return QColor(OK)
        if role == Qt.FontRole and column in (2, 6) and read.held:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.TextAlignmentRole and column in (0, 5):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ToolTipRole:
            text = f"Held by {read.placed_by} since {local_text(read.placed_at)}: {read.reason}"
            if not read.held:
                text += f"\nReleased by {read.released_by}, {local_text(read.released_at)}: {read.release_reason}"
            return text
        return None
