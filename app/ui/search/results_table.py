"""The results table: a view on ResultsModel that speaks in hit indices, not rows.

Sorting and the time filter rebuild the rows; the table then selects the same reads again
(those still shown), so a selection survives a click on a column header.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QItemSelectionRange, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from app.ui.search.result_set import ResultSet
from app.ui.search.results_model import MATCH, NOTE, ResultsModel

COLUMN_WIDTHS = [176, 84, 150, 52, 160, 54, 140, 170]


class ResultsTable(QTableView):
    hits_selected = Signal(object)  # np.ndarray of hit indices, after any change of selection

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("resultsTable")
        self.results_model = ResultsModel(self)
        self.setModel(self.results_model)
        self.selected = np.zeros(0, dtype=np.int64)
        self._restoring = False
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        # Fixed row heights: the view never measures 100 000 rows.
        self.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.verticalHeader().setDefaultSectionSize(24)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSortIndicatorClearable(True)  # no indicator: the service's ranking
        header.setSortIndicator(-1, Qt.AscendingOrder)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.setColumnWidth(column, width)
        self.setSortingEnabled(True)
        self.setColumnHidden(NOTE, True)
        self.selectionModel().selectionChanged.connect(self._selection_changed)
        self.results_model.modelAboutToBeReset.connect(self._about_to_reset)
        self.results_model.modelReset.connect(self._reset)

    def set_results(self, results: ResultSet) -> None:
        self.selected = np.zeros(0, dtype=np.int64)
        self.results_model.set_results(results)
        self.horizontalHeader().setSortIndicator(-1, Qt.AscendingOrder)
        self.setColumnHidden(NOTE, not any(results.notes))
        self.setColumnHidden(MATCH, not results.explanation)  # a canvass has no pattern to match
        self.hits_selected.emit(self.selected)

    def select_hits(self, indices) -> None:
        """Select these hits (merged into runs of rows) and scroll to the first."""
        model = self.results_model
        rows = model.rows_of(indices)
        selection = QItemSelection()
        last = model.columnCount() - 1
        if len(rows):
            breaks = np.flatnonzero(np.diff(rows) != 1) + 1
            # One `+=` of a list, not a select() per run: PySide6 6.12 on CPython 3.11 drops a
            # reference to None on every call of a void method, and a scattered selection has
            # tens of thousands of runs.
            selection += [QItemSelectionRange(model.index(int(run[0]), 0), model.index(int(run[-1]), last))
                          for run in np.split(rows, breaks)]
        self.selectionModel().select(selection, QItemSelectionModel.ClearAndSelect)
        if len(rows):
            self.scrollTo(model.index(int(rows[0]), 0))

    def _selected_now(self) -> np.ndarray:
        # From the ranges, not selectedRows(): that is quadratic in a scattered selection.
        spans = [(r.top(), r.bottom()) for r in self.selectionModel().selection()]
        if not spans:
            return np.zeros(0, dtype=np.int64)
        rows = np.unique(np.concatenate([np.arange(top, bottom + 1) for top, bottom in spans]))
        return self.results_model.hits_of(rows)

    def _selection_changed(self, *_) -> None:
        if not self._restoring:
            self.selected = self._selected_now()
            self.hits_selected.emit(self.selected)

    def _about_to_reset(self) -> None:
        self._restoring = True

    def _reset(self) -> None:
        keep = self.selected
        self.select_hits(keep)
        self._restoring = False
        self.selected = self._selected_now()
        if len(self.selected) != len(keep):  # some went out of the time range
            self.hits_selected.emit(self.selected)
