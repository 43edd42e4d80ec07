"""The results table's model: the hits of a search, sorted in Python, filtered by a time range.

Rows are a numpy permutation of hit indices, so sorting or filtering 100 000 reads is one
array operation and `data()` only formats the rows on screen.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.ui.localtime import local_text, zone_name
from app.ui.search.result_set import ResultSet

HIT_INDEX = Qt.UserRole + 1
COLUMNS = ["Time", "Plate", "Match", "State", "Source", "Conf.", "Place", "Note"]
TIME, PLATE, MATCH, STATE, SOURCE, CONFIDENCE, PLACE, NOTE = range(len(COLUMNS))
RANK = -1  # the service's own order: exact hits first, each group newest first
FUZZY_COLOUR = QColor("#9a5b00")


class ResultsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.results = ResultSet.empty()
        self._order = np.zeros(0, dtype=np.int64)  # every hit, in the sort order
        self._rows = self._order  # the hits shown: the order, less those outside the time range
        self._row_of = np.zeros(0, dtype=np.int64)  # hit index -> row, or -1 when filtered out
        self._mask: np.ndarray | None = None
        self._sort = (RANK, Qt.AscendingOrder)
        self._bold = QFont()
        self._bold.setBold(True)

    # --- contents -------------------------------------------------------------------

    def set_results(self, results: ResultSet) -> None:
        self.beginResetModel()
        self.results = results
        self._mask = None
        self._sort = (RANK, Qt.AscendingOrder)
        self._order = self._sorted(*self._sort)
        self._refresh_rows()
        self.endResetModel()

    def set_time_range(self, bounds: tuple[float, float] | None) -> None:
        """Show only reads with lo <= time < hi (POSIX seconds); None shows all."""
        self.beginResetModel()
        if bounds is None:
            self._mask = None
        else:
            t = self.results.times
            self._mask = (t >= bounds[0]) & (t < bounds[1])
        self._refresh_rows()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        self.beginResetModel()
        self._sort = (column, order)
        self._order = self._sorted(column, order)
        self._refresh_rows()
        self.endResetModel()

    def _sorted(self, column: int, order: Qt.SortOrder) -> np.ndarray:
        hits = self.results.hits
        n = len(hits)
        if column == RANK:
            return np.arange(n, dtype=np.int64)
        if column == TIME:
            order_ = np.argsort(self.results.times, kind="stable")
        elif column == CONFIDENCE:
            order_ = np.argsort(np.array(hits.column("confidence"), dtype=float), kind="stable")
        else:
            col = hits.column
            keys = {
                PLATE: col("plate").__getitem__,
                MATCH: lambda i: (col("fuzzy")[i], col("differences")[i]),
                STATE: lambda i: col("state")[i] or "",
                SOURCE: col("source").__getitem__,
                PLACE: lambda i: (col("lat")[i], col("lon")[i]),
                NOTE: self.results.notes.__getitem__,
            }
            order_ = np.array(sorted(range(n), key=keys[column]), dtype=np.int64)
        order_ = order_.astype(np.int64, copy=False)
        return order_[::-1].copy() if order == Qt.DescendingOrder else order_

    def _refresh_rows(self) -> None:
        self._rows = self._order if self._mask is None else self._order[self._mask[self._order]]
        self._row_of = np.full(len(self.results.hits), -1, dtype=np.int64)
        self._row_of[self._rows] = np.arange(len(self._rows))

    # --- lookups for the linked views ---------------------------------------------------

    @property
    def visible_mask(self) -> np.ndarray | None:
        return self._mask

    def hit_at(self, row: int) -> int:
        return int(self._rows[row])

    def rows_of(self, hit_indices) -> np.ndarray:
        """The rows showing these hits, sorted, skipping any filtered out."""
        idx = np.asarray(hit_indices, dtype=np.int64)
        rows = self._row_of[idx] if len(idx) else idx
        return np.sort(rows[rows >= 0])

    def hits_of(self, rows) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        return self._rows[rows] if len(rows) else rows

    # --- Qt --------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation != Qt.Horizontal:
            return None
        if role == Qt.DisplayRole:
            return "Time (local)" if section == TIME else COLUMNS[section]
        if role == Qt.ToolTipRole and section == TIME:
            return f"Shown in this workstation's time zone (now {zone_name()}); stored in UTC."
        return None

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        i = int(self._rows[index.row()])
        hit = self.results.hits[i]
        column = index.column()
        if role == Qt.DisplayRole:
            return self._text(i, column)
        if role == HIT_INDEX:
            return i
        if role == Qt.ForegroundRole and column == MATCH and hit.fuzzy:
            return FUZZY_COLOUR
        if role == Qt.FontRole and column == PLATE:
            return self._bold
        if role == Qt.TextAlignmentRole and column == CONFIDENCE:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ToolTipRole and column == MATCH and hit.fuzzy:
            return (f"Fuzzy hit: the plate differs from the pattern by look-alike characters "
                    f"({hit.differences}); read as {hit.plate_as_read or hit.plate}.")
        return None

    def _text(self, i: int, column: int) -> str:
        hit = self.results.hits[i]
        if column == TIME:
            return local_text(hit.captured_at)
        if column == PLATE:
            return hit.plate
        if column == MATCH:
            if hit.fuzzy:
                return f"fuzzy: {hit.differences}"
            return "exact" if self.results.explanation else ""
        if column == STATE:
            return hit.state or ""
        if column == SOURCE:
            return hit.source
        if column == CONFIDENCE:
            return f"{hit.confidence:.0%}"
        if column == PLACE:
            return f"{hit.lat:.5f}, {hit.lon:.5f}"
        return self.results.notes[i]
