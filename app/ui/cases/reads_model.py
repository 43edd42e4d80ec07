"""Table models of the cases panel: the cases, and the reads of one case with their holds."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from app.services.cases import CaseRead, CaseSummary
from app.ui.localtime import local_minutes
from app.ui.theme import MUTED, OK
from app.ui.table_model import RowsModel


class CasesModel(RowsModel):
    COLUMNS = ("Case", "Title", "Held", "Lead")

    # Named for what they hold; the rows themselves live in RowsModel.
    cases = property(lambda self: self.rows)
    set_cases = RowsModel.set_rows

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
            return f"{case.number}: {case.title}\nCreated by {case.created_by}, {local_minutes(case.created_at)}"
        return None


class CaseReadsModel(RowsModel):
    COLUMNS = ("Read", "Time", "Plate", "State", "Source", "Conf.", "Hold", "By", "Reason")

    # Named for what they hold; the rows themselves live in RowsModel.
    reads = property(lambda self: self.rows)
    set_reads = RowsModel.set_rows

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
            return (str(read.read_id), local_minutes(read.captured_at), plate, read.state or "—", read.source,
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
            text = f"Held by {read.placed_by} since {local_minutes(read.placed_at)}: {read.reason}"
            if not read.held:
                text += f"\nReleased by {read.released_by}, {local_minutes(read.released_at)}: {read.release_reason}"
            return text
        return None
