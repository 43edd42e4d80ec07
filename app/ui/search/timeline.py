"""A histogram of the result's read times; dragging across it picks a range that filters the rest.

Times are POSIX seconds of the stored UTC; the date axis shows them in the workstation's zone.
Binning is one bincount, so a million reads histogram in tens of milliseconds.
"""
from __future__ import annotations

import copy
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

NICE_BINS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400,
             14 * 86400, 30 * 86400]
TARGET_BINS = 160


def bin_width(span_s: float) -> int:
    """The smallest round width giving at most about TARGET_BINS bins."""
    for width in NICE_BINS:
        if span_s / width <= TARGET_BINS:
            return width
    return int(np.ceil(span_s / TARGET_BINS / 86400)) * 86400


def histogram(times: np.ndarray, width: int, start: float, bins: int) -> np.ndarray:
    if not len(times):
        return np.zeros(bins)
    index = ((times - start) // width).astype(np.int64)
    return np.bincount(np.clip(index, 0, bins - 1), minlength=bins)[:bins].astype(np.float64)


class CountAxis(pg.AxisItem):
    """Read counts are whole numbers: no ticks at 0.2, 0.4, …"""

    def tickValues(self, minVal, maxVal, size):
        levels = super().tickValues(minVal, maxVal, size)
        spacing = max(1.0, np.ceil(levels[0][0])) if levels else 1.0
        first = np.ceil(max(0.0, minVal) / spacing) * spacing
        return [(spacing, list(np.arange(first, maxVal + 1e-9, spacing)))]

    def tickStrings(self, values, scale, spacing):
        return [f"{v / 1000:g}k" if v >= 10_000 else f"{int(v):,}" for v in values]


def date_axis() -> pg.DateAxisItem:
    """Local-time date axis whose day ticks say the month too ("Oct 02", not "02")."""
    axis = pg.DateAxisItem("bottom")
    axis.zoomLevels = copy.deepcopy(axis.zoomLevels)
    for level in axis.zoomLevels.values():
        for spec in level.tickSpecs:
            if spec.format == "%d":
                spec.format = "%b %d"
    return axis


class TimelineViewBox(pg.ViewBox):
    """Left-drag draws the filter range; wheel zooms in time; right-drag zooms as usual."""

    dragged = Signal(float, float, bool)
    clicked = Signal(float)

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setMouseEnabled(x=True, y=False)

    def mouseDragEvent(self, ev, axis=None) -> None:
        if ev.button() != Qt.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        start = self.mapSceneToView(ev.buttonDownScenePos()).x()
        now = self.mapSceneToView(ev.scenePos()).x()
        self.dragged.emit(start, now, ev.isFinish())

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.LeftButton:
            ev.accept()
            self.clicked.emit(self.mapSceneToView(ev.scenePos()).x())
        else:
            super().mouseClickEvent(ev)


class Timeline(QWidget):
    range_changed = Signal(object)  # (lo, hi) in POSIX seconds, or None for no filter
    bin_clicked = Signal(float, float)  # a bar was clicked: its (lo, hi)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.box = TimelineViewBox()
        self.plot = pg.PlotWidget(viewBox=self.box, background="#ffffff",
                                  axisItems={"bottom": date_axis(), "left": CountAxis("left")})
        self.plot.setObjectName("timelinePlot")
        self.plot.hideButtons()
        self.plot.setMinimumHeight(110)
        self.plot.getAxis("left").setWidth(48)
        for name in ("bottom", "left"):
            self.plot.getAxis(name).setTextPen("#5f6b7a")
        self.plot.showGrid(x=False, y=True, alpha=0.2)
        self.bars = pg.PlotDataItem(stepMode="center", fillLevel=0, pen=pg.mkPen("#2a5d9f", width=1),
                                    brush=pg.mkBrush(42, 93, 159, 150))
        self.selected_bars = pg.PlotDataItem(stepMode="center", fillLevel=0, pen=pg.mkPen("#b3261e", width=1),
                                             brush=pg.mkBrush(255, 152, 0, 220))
        self.plot.addItem(self.bars)
        self.plot.addItem(self.selected_bars)
        self.region = pg.LinearRegionItem(brush=pg.mkBrush(255, 193, 7, 60),
                                          hoverBrush=pg.mkBrush(255, 193, 7, 90),
                                          pen=pg.mkPen("#c77c00", width=2))
        self.region.setZValue(10)
        self.region.hide()
        self.plot.addItem(self.region)
        self.times = np.zeros(0)
        self.width_s = 3600
        self.start = 0.0
        self.edges = np.zeros(1)
        self.counts = np.zeros(0)

        self._settle = QTimer(self, singleShot=True, interval=60)
        self._settle.timeout.connect(self._emit_range)
        self.region.sigRegionChanged.connect(lambda *_: self._settle.start())
        self.box.dragged.connect(self._dragged)
        self.box.clicked.connect(self._clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        now = time.time()  # before any result: the last week, so the axis reads as dates
        self.box.setXRange(now - 7 * 86400, now, padding=0)
        self.box.setYRange(0, 1, padding=0)

    # --- data -------------------------------------------------------------------------

    def set_times(self, times: np.ndarray) -> None:
        """Histogram these reads and drop any range: a new result starts unfiltered."""
        self.times = np.asarray(times, dtype=np.float64)
        self.selected_bars.setData([], [])
        if self.region.isVisible():
            self.region.hide()
        if not len(self.times):
            self.bars.setData([], [])
            return
        lo, hi = float(self.times.min()), float(self.times.max())
        self.width_s = bin_width(max(hi - lo, 1.0))
        self.start = np.floor(lo / self.width_s) * self.width_s
        bins = int((hi - self.start) // self.width_s) + 1
        self.edges = self.start + self.width_s * np.arange(bins + 1, dtype=np.float64)
        self.counts = histogram(self.times, self.width_s, self.start, bins)
        self.bars.setData(self.edges, self.counts)
        pad = self.width_s * 2
        self.box.setXRange(self.edges[0] - pad, self.edges[-1] + pad, padding=0)
        self.box.setYRange(0, max(1.0, float(self.counts.max())) * 1.08, padding=0)

    def set_highlight(self, indices) -> None:
        idx = np.asarray(indices, dtype=np.int64)
        if not len(idx) or not len(self.times):
            self.selected_bars.setData([], [])
            return
        self.selected_bars.setData(self.edges, histogram(self.times[idx], self.width_s, self.start,
                                                         len(self.counts)))

    # --- the range --------------------------------------------------------------------

    @property
    def range(self) -> tuple[float, float] | None:
        if not self.region.isVisible():
            return None
        lo, hi = self.region.getRegion()
        return float(lo), float(hi)

    def set_range(self, lo: float, hi: float) -> None:
        self.region.setRegion((min(lo, hi), max(lo, hi)))
        self.region.show()
        self._settle.start()

    def clear_range(self) -> None:
        if self.region.isVisible():
            self.region.hide()
            self._settle.stop()
            self.range_changed.emit(None)

    def _dragged(self, start: float, now: float, finished: bool) -> None:
        self.region.setRegion((min(start, now), max(start, now)))
        self.region.show()
        if finished:
            self._settle.stop()
            self._emit_range()

    def _emit_range(self) -> None:
        self.range_changed.emit(self.range)

    def _clicked(self, x: float) -> None:
        if not len(self.counts):
            return
        i = int((x - self.start) // self.width_s)
        if 0 <= i < len(self.counts) and self.counts[i] > 0:
            lo = self.start + i * self.width_s
            self.bin_clicked.emit(lo, lo + self.width_s)
