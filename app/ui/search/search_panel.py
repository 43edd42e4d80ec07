"""The investigations page: purpose and case, the query forms, and the linked map, timeline and table.

`SearchPanel(services, caller)` is the section's factory. Every query runs on a worker
through the search service, which checks the role, needs the purpose and case number, and
writes the access record; the panel only shows what comes back. The three views share one
result (see result_set.py); a hit's index is its identity in all of them.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout,
                               QWidget)

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.domain.roles import Permission
from app.domain.search import DEFAULT_LIMIT
from app.ui.common import primary, show_error
from app.ui.search.detail_pane import DetailPane
from app.ui.localtime import from_epoch, local_text
from app.ui.search.map_view import MapView
from app.ui.search.purpose_bar import PurposeBar
from app.ui.search.query_form import CanvassForm, ModeSwitch, PlateForm, TimeWindow
from app.ui.search.result_set import ResultSet
from app.ui.search.results_table import ResultsTable
from app.ui.search.scene_forms import AssociatesForm, MultiSceneForm
from app.ui.search.tiles import cache_dir_for
from app.ui.search.timeline import Timeline
from app.ui.workers import WorkerPool

if TYPE_CHECKING:
    from app.services.container import Services

PLATE, CANVASS, MULTI_SCENE, ASSOCIATES = range(4)
RANGE_HINT = "Drag across the timeline to show only that time on the map and in the table."


class SearchPanel(QWidget):
    searched = Signal(object)  # the ResultSet now shown
    search_failed = Signal(str)
    filtered = Signal(int)  # reads shown after the timeline's range
    selection_changed = Signal(object)  # hit indices
    exported = Signal(int)
    sources_loaded = Signal(object)

    def __init__(self, services: "Services", caller: Caller, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.services = services
        self.caller = caller
        self.results = ResultSet.empty()
        self.selected = np.zeros(0, dtype=np.int64)
        self._serial = 0
        self.limit = DEFAULT_LIMIT  # reads per search; more set "more matched than shown"
        if not caller.may(Permission.SEARCH_HISTORY):
            self._build_refusal()
            return
        self.workers = WorkerPool(max_threads=1, parent=self)
        self._build()
        self._connect()
        self._load_sources()

    # --- construction -------------------------------------------------------------------

    def _build_refusal(self) -> None:
        self.workers = None
        card = QFrame()
        card.setObjectName("card")
        text = QLabel("<b>Historical search is not open to your roles.</b> Policy 424.3: searching stored "
                      "reads is restricted to dispatchers, corporals and detectives.")
        text.setWordWrap(True)
        QVBoxLayout(card).addWidget(text)
        layout = QVBoxLayout(self)
        layout.addWidget(card)
        layout.addStretch(1)

    def _build(self) -> None:
        self.purpose_bar = PurposeBar()
        self.plate_form = PlateForm()
        self.canvass_form = CanvassForm()
        self.scene_form = MultiSceneForm()
        self.associates_form = AssociatesForm()
        self.modes = ModeSwitch([(self.plate_form, "Plate search"), (self.canvass_form, "Canvass"),
                                 (self.scene_form, "Multi-scene"), (self.associates_form, "Associates")])
        self.tabs = self.modes.tabs
        self.time_window = TimeWindow()
        self.search_button = primary(QPushButton("Search"))
        self.search_button.setObjectName("searchButton")
        self.search_button.setMinimumWidth(110)
        self.message = QLabel()
        self.message.setObjectName("searchMessage")
        self.message.setWordWrap(True)
        self.result_info = QLabel("No search yet.")
        self.result_info.setObjectName("muted")
        self.result_info.setWordWrap(True)
        self.truncated = QLabel()
        self.truncated.setObjectName("notice")
        self.truncated.hide()

        query = QFrame()
        query.setObjectName("card")
        query_layout = QVBoxLayout(query)
        query_layout.setContentsMargins(12, 6, 12, 8)
        query_layout.setSpacing(4)
        query_layout.addWidget(self.modes)
        run_row = QHBoxLayout()
        run_row.addWidget(self.time_window)
        run_row.addStretch(1)
        run_row.addWidget(self.search_button)
        query_layout.addLayout(run_row)
        query_layout.addWidget(self.message)

        settings = self.services.settings
        self.map = MapView(settings.tile_url, cache_dir_for(settings.data_dir, settings.tile_url))
        self.timeline = Timeline()
        self.range_label = QLabel(RANGE_HINT)
        self.range_label.setObjectName("muted")
        self.range_label.setWordWrap(True)
        self.clear_range_button = QPushButton("Clear range")
        self.clear_range_button.setObjectName("clearRange")
        self.clear_range_button.setEnabled(False)

        self.table = ResultsTable()
        self.model = self.table.results_model
        self.selection_label = QLabel()
        self.selection_label.setObjectName("muted")
        self.export_button = QPushButton("Export selected…")
        self.export_button.setObjectName("exportButton")
        self.export_button.setEnabled(False)
        self.detail = DetailPane(self.services, self.query_caller)

        left = QSplitter(Qt.Vertical)
        left.addWidget(self.map)
        timeline_box = QWidget()
        timeline_layout = QVBoxLayout(timeline_box)
        timeline_layout.setContentsMargins(0, 0, 0, 0)
        timeline_layout.addWidget(self.timeline, 1)
        range_row = QHBoxLayout()
        range_row.addWidget(self.range_label, 1)
        range_row.addWidget(self.clear_range_button)
        timeline_layout.addLayout(range_row)
        left.addWidget(timeline_box)
        left.setSizes([430, 170])
        right = QSplitter(Qt.Vertical)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.table, 1)
        export_row = QHBoxLayout()
        export_row.addWidget(self.selection_label, 1)
        export_row.addWidget(self.export_button)
        table_layout.addLayout(export_row)
        right.addWidget(table_box)
        right.addWidget(self.detail)
        right.setSizes([360, 230])
        self.views = QSplitter(Qt.Horizontal)
        self.views.setObjectName("searchViews")
        self.views.addWidget(left)
        self.views.addWidget(right)
        self.views.setSizes([430, 570])
        self.views.setChildrenCollapsible(False)

        info_row = QHBoxLayout()
        info_row.addWidget(self.result_info, 1)
        info_row.addWidget(self.truncated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        layout.addWidget(self.purpose_bar)
        layout.addWidget(query)
        layout.addLayout(info_row)
        layout.addWidget(self.views, 1)

    def _connect(self) -> None:
        self.search_button.clicked.connect(self.search)
        self.plate_form.plate_edit.returnPressed.connect(self.search)
        self.associates_form.target.returnPressed.connect(self.search)
        self.plate_form.explanation.connect(self._explain)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.map.canvass_changed.connect(self._canvass_from_map)
        self.map.area_changed.connect(self._area_from_map)
        self.map.point_clicked.connect(lambda i: self.select_hits([i] if i >= 0 else []))
        self.canvass_form.place_edited.connect(self.map.set_canvass)
        self.scene_form.add_button.clicked.connect(self._add_scene)
        self.timeline.range_changed.connect(self.set_time_range)
        self.timeline.bin_clicked.connect(self._bin_clicked)
        self.clear_range_button.clicked.connect(self.timeline.clear_range)
        self.table.hits_selected.connect(self._selection_followed)
        self.export_button.clicked.connect(self.choose_export)

    def _load_sources(self) -> None:
        search, caller = self.services.search, self.caller
        self.workers.start(lambda cancel, progress: search.list_sources(caller),
                           on_finished=self._sources_arrived, on_failed=self._set_error)

    def _sources_arrived(self, sources) -> None:
        self.plate_form.set_sources(sources)
        self.map.set_sources(sources)
        self.sources_loaded.emit(sources)

    # --- queries ------------------------------------------------------------------------

    def query_caller(self) -> Caller:
        """The caller with the purpose and case number in force (424.5(b))."""
        purpose, case = self.purpose_bar.require()
        return replace(self.caller, purpose=purpose, case_number=case)

    def search(self) -> None:
        try:
            job = self._job(self.query_caller())
        except PlateDeskError as exc:
            self._set_error(str(exc))
            self.search_failed.emit(str(exc))
            return
        self._serial += 1
        serial = self._serial
        self.search_button.setText("Searching…")
        self._set_message("")
        self.workers.start(job, on_finished=lambda result: self._arrived(serial, result),
                           on_failed=lambda message: self._failed(serial, message))

    def _job(self, caller: Caller):
        search, mode = self.services.search, self.tabs.currentIndex()
        if mode == MULTI_SCENE:
            scenes, at_least = self.scene_form.request()
            return lambda cancel, progress: ResultSet.from_scenes(search.multi_scene(caller, scenes, at_least))
        start, end = self.time_window.bounds()
        if mode == ASSOCIATES:
            ask = self.associates_form.request()
            return lambda cancel, progress: ResultSet.from_associates(
                ask["target"], search.associates(caller, start=start, end=end, **ask))
        form = self.plate_form if mode == PLATE else self.canvass_form
        criteria = replace(form.criteria(start, end), limit=self.limit)
        return lambda cancel, progress: ResultSet.from_search(search.search(caller, criteria))

    def _arrived(self, serial: int, results: ResultSet) -> None:
        if serial != self._serial:
            return  # a newer search was started meanwhile
        self.search_button.setText("Search")
        self.results = results
        self.table.set_results(results)
        self.map.set_points(results.x, results.y)
        self.timeline.set_times(results.times)
        self.detail.pattern_search = bool(results.explanation)
        self.detail.clear()
        self._show_counts()
        self.clear_range_button.setEnabled(False)
        self.truncated.setVisible(results.truncated)
        self.truncated.setText(f"More matched than shown: the first {len(results):,} are listed.")
        self.truncated.setToolTip("Narrow the search by time, place, state or source to see them all.")
        self.searched.emit(results)

    def _failed(self, serial: int, message: str) -> None:
        if serial == self._serial:
            self.search_button.setText("Search")
            self._set_error(message)
            self.search_failed.emit(message)

    def _show_counts(self) -> None:
        self.result_info.setText(self.results.describe())

    # --- messages -----------------------------------------------------------------------

    def _tab_changed(self, index: int) -> None:
        self.plate_form.explain() if index == PLATE else self._set_message("")

    def _explain(self, text: str, is_error: bool) -> None:
        self._set_error(text) if is_error else self._set_message(text)

    def _set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color:#2c3a4d;")
        self.message.setVisible(bool(text))

    def _set_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color:#b3261e; font-weight:600;")
        self.message.setVisible(bool(text))

    # --- the map's shapes -------------------------------------------------------------

    def _canvass_from_map(self, centre, radius_m: float) -> None:
        self.canvass_form.set_circle(centre, radius_m)
        if self.tabs.currentIndex() == PLATE:
            self.tabs.setCurrentIndex(CANVASS)

    def _area_from_map(self, corners) -> None:
        self.canvass_form.set_area(corners)
        if self.tabs.currentIndex() != CANVASS:
            self.tabs.setCurrentIndex(CANVASS)

    def _add_scene(self) -> None:
        try:
            centre = self.canvass_form.centre()
            start, end = self.time_window.required("A scene")
        except PlateDeskError as exc:
            self._set_error(str(exc))
            return
        scene = self.scene_form.add_scene(centre, float(self.canvass_form.radius.value()), start, end)
        self._set_message(f"Scene {scene.label} added. Move the canvass or the window for the next scene.")

    # --- the linked views ---------------------------------------------------------------

    def set_time_range(self, bounds) -> None:
        """The timeline's range (POSIX seconds) filters the table and the map; None shows all."""
        self.model.set_time_range(bounds)
        self.map.set_mask(self.model.visible_mask)
        shown, total = self.model.rowCount(), len(self.results)
        text = RANGE_HINT
        if bounds is not None:
            lo, hi = (local_text(from_epoch(round(b / 60) * 60)) for b in bounds)
            text = f"Showing {shown:,} of {total:,} reads, {lo} to {hi}."
        self.range_label.setText(text)
        self.clear_range_button.setEnabled(bounds is not None)
        self.filtered.emit(shown)

    def _bin_clicked(self, lo: float, hi: float) -> None:
        t = self.results.times
        inside = (t >= lo) & (t < hi)
        if self.model.visible_mask is not None:
            inside &= self.model.visible_mask
        self.select_hits(np.flatnonzero(inside))

    def select_hits(self, indices) -> None:
        """Select these hits in the table; the map, timeline and detail follow from there."""
        self.table.select_hits(indices)

    def _selection_followed(self, selected) -> None:
        self.selected = selected
        self.map.set_highlight(selected)
        self.timeline.set_highlight(selected)
        n = len(selected)
        if n == 1:
            self.detail.show_hit(self.results.hits[int(selected[0])])
        else:
            self.detail.show_count(n)
        self.selection_label.setText(f"{n:,} selected" if n else "")
        self.export_button.setEnabled(n > 0)
        self.selection_changed.emit(selected)

    # --- export -------------------------------------------------------------------------

    def choose_export(self) -> None:
        name = f"alpr-reads-{datetime.now():%Y%m%d-%H%M}.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Export the selected reads", str(Path.home() / name),
                                              "CSV (*.csv)")
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> None:
        """Write the selected reads to CSV: an audited access, through the export service."""
        ids = [self.results.hits[int(i)].id for i in self.selected]
        try:
            caller = self.query_caller()
        except PlateDeskError as exc:
            show_error(self, exc)
            return
        export = self.services.export
        self.export_button.setEnabled(False)
        self.workers.start(lambda cancel, progress: export.export_reads_csv(caller, ids, path),
                           on_finished=lambda count: self._exported(path, count), on_failed=self._export_failed)

    def _exported(self, path: Path, count: int) -> None:
        self.export_button.setEnabled(len(self.selected) > 0)
        self.selection_label.setText(f"Exported {count:,} reads to {path}.")
        self.exported.emit(count)

    def _export_failed(self, message: str) -> None:
        self.export_button.setEnabled(len(self.selected) > 0)
        show_error(self, message)

    def shutdown(self) -> None:
        if self.workers is None:
            return
        self.workers.shutdown(10_000)
        self.detail.shutdown()
        self.map.shutdown()
