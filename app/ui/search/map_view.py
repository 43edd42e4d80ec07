"""The map of a result's reads: Web-Mercator metres in a pyqtgraph view over street tiles.

Up to SCATTER_LIMIT visible reads are drawn as points; above that the view draws a density
image of the reads in view (one bincount per pan or zoom), so a million reads draw in well
under a second and panning stays smooth. The canvass circle (click for the centre, drag for
the radius, or drag its handle later) and a drawn rectangle are the two ways to pick a place.
Every camera names itself in a tooltip; its label shows only where it has room (see place_labels).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.domain.geo import GeoPoint
from app.domain.search import SourceInfo
from app.ui.search.map_axes import DegreeAxis
from app.ui.search.map_shapes import CanvassCircle, DrawnRectangle
from app.ui.search.projection import point_at, scale_at, to_mercator
from app.ui.search.tiles import TileLayer

SCATTER_LIMIT = 20_000
HIGHLIGHT_LIMIT = 20_000
CELL_PX = 3  # density image cell, in screen pixels
PICK_PX = 10  # a click picks the nearest read within this many pixels
CAMERA_PX = 11  # a camera's square
LABEL_LIMIT = 60  # more cameras than this are named by their tooltips only
LABEL_GAP_PX = 8  # from a camera's centre to its label, clear of the square
PAN, CIRCLE, RECTANGLE = "pan", "circle", "rectangle"


def density_lut() -> np.ndarray:
    """Zero is transparent; one read a pale blue, the busiest cell a deep red."""
    stops = np.array([[0.0, 70, 130, 220, 110], [0.45, 40, 100, 200, 190],
                      [0.75, 240, 150, 30, 220], [1.0, 200, 30, 30, 240]])
    levels = np.linspace(0, 1, 256)
    lut = np.stack([np.interp(levels, stops[:, 0], stops[:, c]) for c in range(1, 5)], axis=1)
    lut[0] = 0
    return lut.astype(np.uint8)


class Points(pg.ScatterPlotItem):
    """Points that let clicks through to the view, which picks the nearest read itself."""

    def mouseClickEvent(self, ev) -> None:
        ev.ignore()


class MapViewBox(pg.ViewBox):
    """Left clicks and drags go to the current tool; panning and wheel zoom otherwise."""

    clicked = Signal(float, float)
    dragged = Signal(float, float, float, float, bool)  # from x, y to x, y; finished

    def __init__(self) -> None:
        super().__init__(lockAspect=True, enableMenu=False)
        self.tool = PAN

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.LeftButton:
            ev.accept()
            pos = self.mapSceneToView(ev.scenePos())
            self.clicked.emit(pos.x(), pos.y())
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:
        if self.tool == PAN or ev.button() != Qt.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        start = self.mapSceneToView(ev.buttonDownScenePos())
        now = self.mapSceneToView(ev.scenePos())
        self.dragged.emit(start.x(), start.y(), now.x(), now.y(), ev.isFinish())


class MapView(QWidget):
    point_clicked = Signal(int)  # hit index of the nearest read, or -1 for a click on nothing
    canvass_changed = Signal(object, float)  # GeoPoint centre, radius in ground metres
    area_changed = Signal(object)  # tuple of GeoPoint corners

    def __init__(self, tile_url: str = "", tile_cache: Path | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mapView")
        self.box = MapViewBox()
        self.plot = pg.PlotWidget(viewBox=self.box, background="#eef1f4",
                                  axisItems={"bottom": DegreeAxis("bottom"), "left": DegreeAxis("left")})
        self.plot.setObjectName("mapPlot")
        self.plot.showGrid(x=True, y=True, alpha=0.35)
        self.plot.hideButtons()
        for name in ("bottom", "left"):
            self.plot.getAxis(name).setTextPen("#5f6b7a")
        self.plot.getAxis("left").setWidth(66)  # fixed: "34.1365°N" fits, and the map does not jitter
        self._x = self._y = np.zeros(0)
        self._mask: np.ndarray | None = None
        self._visible = np.zeros(0, dtype=np.int64)
        self.mode = "scatter"
        self._lut = density_lut()
        self._drawn_key: tuple = ()  # the view the density image was last drawn for

        self.density = pg.ImageItem(axisOrder="col-major")
        self.density.setZValue(1)
        self.scatter = Points(size=7, pen=pg.mkPen("#ffffff", width=0.8), brush=pg.mkBrush(42, 93, 159, 210),
                              pxMode=True)
        self.scatter.setZValue(2)
        self.cameras = Points(size=CAMERA_PX, symbol="s", pen=pg.mkPen("#1d2838", width=1.2),
                              brush=pg.mkBrush("#ffd54f"), pxMode=True, hoverable=True,
                              tip=lambda x, y, data: data)
        self.cameras.setZValue(1.5)  # under the reads: a read at a camera must stay visible
        self._camera_labels: list[pg.TextItem] = []
        self._camera_xy = np.zeros((2, 0))
        self._labels_scale = 0.0  # metres per pixel the labels were last placed for
        self._label_room = np.zeros(0, dtype=bool)
        self.highlight = Points(size=13, pen=pg.mkPen("#b3261e", width=2.2), brush=pg.mkBrush(255, 152, 0, 230),
                                pxMode=True)
        self.highlight.setZValue(4)
        for item in (self.density, self.scatter, self.cameras, self.highlight):
            self.box.addItem(item, ignoreBounds=item is not self.cameras)
        self.circle: CanvassCircle | None = None
        self.rectangle: DrawnRectangle | None = None
        self._next_radius_m = 300.0

        cache = tile_cache or Path(tempfile.gettempdir()) / "platedesk-tiles"
        self.tiles = TileLayer(self.box, tile_url, cache, parent=self)
        self.tiles.offline.connect(self._went_offline)
        self.caption = QLabel()
        self.caption.setObjectName("mapCaption")
        self.caption.setWordWrap(True)
        self.attribution = QLabel("© OpenStreetMap contributors" if "openstreetmap" in tile_url else "")
        self.attribution.setObjectName("muted")
        if self.tiles.is_offline:
            self._went_offline("no tile server set")

        self._settle = QTimer(self, singleShot=True, interval=40)
        self._settle.timeout.connect(self._view_settled)
        self.box.sigRangeChanged.connect(lambda *_: self._settle.start())
        self.box.sigResized.connect(lambda *_: self._settle.start())
        self.box.sigRangeChanged.connect(lambda *_: self.place_labels())
        self.box.sigResized.connect(lambda *_: self.place_labels())
        self.box.clicked.connect(self._clicked)
        self.box.dragged.connect(self._dragged)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self._toolbar())
        layout.addWidget(self.plot, 1)
        foot = QHBoxLayout()
        foot.addWidget(self.caption, 1)
        foot.addWidget(self.attribution)
        layout.addLayout(foot)
        self.set_home(GeoPoint(34.1365, -117.8653), 3000.0)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not len(self._x):  # laid out only now: frame the home region again at the real size
            self.show_region(*self._home)

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(4)
        self.tool_buttons: dict[str, QToolButton] = {}
        group = QButtonGroup(self)
        for tool, text, tip in ((PAN, "Select", "Drag to pan, wheel to zoom, click a read to select it"),
                                (CIRCLE, "Canvass circle", "Click for the centre; drag out the radius"),
                                (RECTANGLE, "Draw area", "Drag a rectangle to canvass inside it")):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setObjectName(f"tool-{tool}")
            button.clicked.connect(lambda _=False, t=tool: self.set_tool(t))
            group.addButton(button)
            row.addWidget(button)
            self.tool_buttons[tool] = button
        self.tool_buttons[PAN].setChecked(True)
        self.fit_button = QToolButton()
        self.fit_button.setText("Fit to results")
        self.fit_button.clicked.connect(self.fit)
        row.addStretch(1)
        row.addWidget(self.fit_button)
        return row

    # --- data -------------------------------------------------------------------------

    def set_points(self, x: np.ndarray, y: np.ndarray, fit: bool = True) -> None:
        self._x, self._y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        self._mask = None
        self._visible = np.arange(len(self._x))  # fit() must not use the previous result's indices
        self.highlight.setData([], [])
        if fit and len(self._x):
            self.fit()
        self._redraw()

    def set_mask(self, mask: np.ndarray | None) -> None:
        """Draw only the reads where mask is True (the timeline's range); None draws all."""
        self._mask = mask
        self._redraw()

    def set_highlight(self, indices) -> None:
        idx = np.asarray(indices, dtype=np.int64)[:HIGHLIGHT_LIMIT]
        if not len(idx):
            self.highlight.setData([], [])
            return
        # One read stands out; hundreds must not hide the map under them.
        size = 13 if len(idx) <= 20 else 9 if len(idx) <= 500 else 6
        self.highlight.setData(self._x[idx], self._y[idx], size=size)

    def set_sources(self, sources: list[SourceInfo]) -> None:
        placed = [s for s in sources if s.lat is not None and s.lon is not None]
        if placed and not len(self._x):  # before any result, frame the cameras
            lats, lons = [s.lat for s in placed], [s.lon for s in placed]
            centre = GeoPoint((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
            span = max(max(lats) - min(lats), (max(lons) - min(lons)) * 0.83) * 111_000 / 2
            self.set_home(centre, max(1500.0, span * 1.3))
        x, y = to_mercator([s.lat for s in placed], [s.lon for s in placed])
        self._camera_xy = np.array([np.atleast_1d(x), np.atleast_1d(y)], dtype=np.float64).reshape(2, -1)
        self.cameras.setData(self._camera_xy[0], self._camera_xy[1], data=[s.name for s in placed])
        for label in self._camera_labels:
            self.box.removeItem(label)
        self._camera_labels = []
        if len(placed) <= LABEL_LIMIT:
            for source, cx, cy in zip(placed, self._camera_xy[0], self._camera_xy[1]):
                label = pg.TextItem(source.name, color="#1d2838", fill=pg.mkBrush(255, 255, 255, 190))
                label.setAnchor((-LABEL_GAP_PX / max(label.boundingRect().width(), 1.0), 0.5))
                label.setPos(float(cx), float(cy))
                label.setZValue(1.8)  # over the cameras, under the reads
                label.hide()
                self.box.addItem(label, ignoreBounds=True)
                self._camera_labels.append(label)
        self._labels_scale = 0.0
        self.place_labels()

    def place_labels(self) -> None:
        """Show the names of the cameras in view that have room at this zoom; hover names the rest.

        In the sources' order, a label has room if its box clears the labels placed before it and
        every other camera's square. Labels keep their size in pixels, so only a change of scale
        redoes that; a pan only checks which cameras are in view.
        """
        width, height = self.box.width(), self.box.height()
        if not self._camera_labels or width < 2 or height < 2:
            return
        (left, right), (bottom, top) = self.box.viewRange()
        scale = (right - left) / width  # metres per pixel; the aspect is locked
        if not self._labels_scale or abs(scale / self._labels_scale - 1) > 1e-3:
            self._labels_scale = scale
            self._label_room = self._labels_with_room(scale)
        x, y = self._camera_xy
        # A camera off the edge keeps its name to itself: no orphan words along the border.
        wanted = self._label_room & (x >= left) & (x <= right) & (y >= bottom) & (y <= top)
        for label, on in zip(self._camera_labels, wanted.tolist()):
            if label.isVisible() != on:
                label.setVisible(on)

    def _labels_with_room(self, scale: float) -> np.ndarray:
        # Pixel positions up to an offset (a pan moves them all alike); y grows downwards.
        px, py = self._camera_xy[0] / scale, -self._camera_xy[1] / scale
        half = CAMERA_PX / 2
        squares = np.stack([px - half, py - half, px + half, py + half], axis=1)
        room = np.zeros(len(self._camera_labels), dtype=bool)
        placed: list[tuple[float, float, float, float]] = []
        for i, label in enumerate(self._camera_labels):
            rect = label.boundingRect()
            box = (px[i] + LABEL_GAP_PX, py[i] - rect.height() / 2,
                   px[i] + LABEL_GAP_PX + rect.width(), py[i] + rect.height() / 2)
            covers = ((squares[:, 0] < box[2]) & (squares[:, 2] > box[0])
                      & (squares[:, 1] < box[3]) & (squares[:, 3] > box[1]))
            covers[i] = False
            room[i] = not covers.any() and not any(
                b[0] < box[2] and b[2] > box[0] and b[1] < box[3] and b[3] > box[1] for b in placed)
            if room[i]:
                placed.append(box)
        return room

    @property
    def visible_count(self) -> int:
        return len(self._visible)

    # --- view -------------------------------------------------------------------------

    def fit(self) -> None:
        idx = self._visible if len(self._visible) else np.arange(len(self._x))
        xs, ys = [self._x[idx]], [self._y[idx]]
        for shape in (self.circle, self.rectangle):
            if shape is not None:  # keep the canvass itself in view
                pos, size = shape.pos(), shape.size()
                xs.append(np.array([pos.x(), pos.x() + size.x()]))
                ys.append(np.array([pos.y(), pos.y() + size.y()]))
        x, y = np.concatenate(xs), np.concatenate(ys)
        if not len(x):
            return
        x0, x1, y0, y1 = x.min(), x.max(), y.min(), y.max()
        pad = max(400.0, 0.08 * max(x1 - x0, y1 - y0))
        self.box.setRange(QRectF(x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), padding=0)

    def set_home(self, centre: GeoPoint, radius_m: float) -> None:
        """Frame this region now, and again when the view is first laid out with no reads."""
        self._home = (centre, radius_m)
        self.show_region(centre, radius_m)

    def show_region(self, centre: GeoPoint, radius_m: float) -> None:
        cx, cy = to_mercator(centre.lat, centre.lon)
        r = radius_m * scale_at(centre.lat)
        self.box.setRange(QRectF(float(cx) - r, float(cy) - r, 2 * r, 2 * r), padding=0)

    def set_tool(self, tool: str) -> None:
        self.box.tool = tool
        self.tool_buttons[tool].setChecked(True)

    def _view_settled(self) -> None:
        if self.mode == "density" and self._density_key() != self._drawn_key:
            self._draw_density()
        self.tiles.update_view()

    def _density_key(self) -> tuple:
        (left, right), (bottom, top) = self.box.viewRange()
        return left, right, bottom, top, self.box.width(), self.box.height(), id(self._mask)

    def _went_offline(self, reason: str) -> None:
        self.caption.setText(f"Offline map ({reason}): grid and cameras.")
        self.caption.setToolTip("Street tiles are not shown; the grid is in degrees and the yellow squares "
                                "are the cameras.")
        self.plot.showGrid(x=True, y=True, alpha=0.35)

    # --- drawing ----------------------------------------------------------------------

    def _redraw(self) -> None:
        n = len(self._x)
        self._visible = np.arange(n) if self._mask is None else np.flatnonzero(self._mask)
        if len(self._visible) <= SCATTER_LIMIT:
            self.mode = "scatter"
            self.density.clear()
            self.density.hide()
            self.scatter.setData(self._x[self._visible], self._y[self._visible])
        else:
            self.mode = "density"
            self.scatter.clear()
            self.density.show()
            self._draw_density()

    def _draw_density(self) -> None:
        self._drawn_key = self._density_key()
        (left, right), (bottom, top) = self.box.viewRange()
        nx = max(1, int(self.box.width() // CELL_PX))
        ny = max(1, int(self.box.height() // CELL_PX))
        x, y = self._x, self._y
        if self._mask is not None:
            x, y = x[self._mask], y[self._mask]
        ix = ((x - left) * (nx / (right - left))).astype(np.int64)
        iy = ((y - bottom) * (ny / (top - bottom))).astype(np.int64)
        inside = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
        counts = np.bincount(ix[inside] * ny + iy[inside], minlength=nx * ny).reshape(nx, ny)
        peak = counts.max() if counts.size else 0
        level = np.zeros(counts.shape, dtype=np.uint8)
        if peak:
            scaled = np.log1p(counts) * (254.0 / np.log1p(peak))
            level = np.where(counts > 0, 1 + scaled, 0).astype(np.uint8)
        self.density.setImage(self._lut[level], autoLevels=False)
        self.density.setRect(QRectF(left, bottom, right - left, top - bottom))

    # --- clicks and shapes ------------------------------------------------------------

    def _clicked(self, x: float, y: float) -> None:
        if self.box.tool == CIRCLE:
            self._set_circle(x, y, self._next_radius_m * scale_at(point_at(x, y).lat), finished=True)
            return
        if self.box.tool == RECTANGLE:
            return
        self.point_clicked.emit(self.nearest(x, y))

    def nearest(self, x: float, y: float) -> int:
        """The hit index of the visible read nearest (x, y), if within PICK_PX pixels; else -1."""
        if not len(self._visible):
            return -1
        sx, sy = self.box.viewPixelSize()
        d2 = ((self._x[self._visible] - x) / sx) ** 2 + ((self._y[self._visible] - y) / sy) ** 2
        best = int(np.argmin(d2))
        return int(self._visible[best]) if d2[best] <= PICK_PX ** 2 else -1

    def _dragged(self, x0: float, y0: float, x1: float, y1: float, finished: bool) -> None:
        if self.box.tool == CIRCLE:
            self._set_circle(x0, y0, max(float(np.hypot(x1 - x0, y1 - y0)), 1.0), finished)
        elif self.box.tool == RECTANGLE:
            self._set_rectangle(QRectF(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)), finished)

    def _set_circle(self, cx: float, cy: float, r: float, finished: bool) -> None:
        if self.rectangle is not None:
            self.box.removeItem(self.rectangle)
            self.rectangle = None
        if self.circle is None:
            self.circle = CanvassCircle(cx, cy, r)
            self.circle.sigRegionChangeFinished.connect(lambda *_: self._circle_changed())
            self.box.addItem(self.circle, ignoreBounds=True)
        else:
            self.circle.place(cx, cy, r)
        if finished:
            self._circle_changed()

    def _circle_changed(self) -> None:
        centre, radius_m = self.circle.ground()
        self._next_radius_m = radius_m
        self.canvass_changed.emit(centre, radius_m)

    def set_canvass(self, centre: GeoPoint, radius_m: float) -> None:
        """Show a canvass typed into the form, without echoing it back."""
        cx, cy = to_mercator(centre.lat, centre.lon)
        self._next_radius_m = radius_m
        r = radius_m * scale_at(centre.lat)
        if self.circle is not None:
            self.circle.place(float(cx), float(cy), r, quiet=True)
        else:
            self.blockSignals(True)
            self._set_circle(float(cx), float(cy), r, finished=False)
            self.blockSignals(False)

    def _set_rectangle(self, rect: QRectF, finished: bool) -> None:
        if self.circle is not None:
            self.box.removeItem(self.circle)
            self.circle = None
        if self.rectangle is None:
            self.rectangle = DrawnRectangle(rect)
            self.rectangle.sigRegionChangeFinished.connect(lambda *_: self._rectangle_changed())
            self.box.addItem(self.rectangle, ignoreBounds=True)
        else:
            self.rectangle.place(rect)
        if finished:
            self._rectangle_changed()

    def _rectangle_changed(self) -> None:
        self.area_changed.emit(self.rectangle.corners())

    def clear_shapes(self) -> None:
        for shape in (self.circle, self.rectangle):
            if shape is not None:
                self.box.removeItem(shape)
        self.circle = self.rectangle = None

    def shutdown(self) -> None:
        self.tiles.shutdown()
