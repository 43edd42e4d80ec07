"""The two places a canvass can be drawn: a circle with a radius handle, and a rectangle."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter

from app.domain.geo import GeoPoint
from app.ui.search.projection import point_at, scale_at

PEN = pg.mkPen("#2a5d9f", width=2.5)
HOVER_PEN = pg.mkPen("#b3261e", width=2.5)
HANDLE_PEN = pg.mkPen("#b3261e", width=2)
FILL = QColor(42, 93, 159, 38)


class CanvassCircle(pg.ROI):
    """Scene units are Mercator metres; `ground()` turns it back into a centre and metres."""

    def __init__(self, cx: float, cy: float, r: float) -> None:
        super().__init__(QPointF(cx - r, cy - r), (2 * r, 2 * r), pen=PEN, hoverPen=HOVER_PEN,
                         handlePen=HANDLE_PEN, aspectLocked=True, movable=True)
        # The one handle, on the rim, scales about the centre: drag it to change the radius.
        self.addScaleHandle([1.0, 0.5], [0.5, 0.5])
        self.setZValue(10)

    def place(self, cx: float, cy: float, r: float, quiet: bool = False) -> None:
        blocked = self.blockSignals(quiet)
        self.setSize((2 * r, 2 * r), update=False, finish=False)
        self.setPos(QPointF(cx - r, cy - r), update=True, finish=False)
        self.blockSignals(blocked)

    def centre_xy(self) -> tuple[float, float]:
        pos, size = self.pos(), self.size()
        return pos.x() + size.x() / 2, pos.y() + size.y() / 2

    def ground(self) -> tuple[GeoPoint, float]:
        cx, cy = self.centre_xy()
        centre = point_at(cx, cy)
        return centre, round(self.size().x() / 2 / scale_at(centre.lat), 1)

    def paint(self, painter: QPainter, *_) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(self.currentPen)
        painter.setBrush(FILL)
        rect = QRectF(0, 0, self.state["size"][0], self.state["size"][1]).normalized()
        painter.drawEllipse(rect)
        painter.drawLine(rect.center(), QPointF(rect.right(), rect.center().y()))

    def shape(self):
        from PySide6.QtGui import QPainterPath

        path = QPainterPath()
        path.addEllipse(QRectF(0, 0, self.state["size"][0], self.state["size"][1]).normalized())
        return path


class DrawnRectangle(pg.RectROI):
    def __init__(self, rect: QRectF) -> None:
        super().__init__(rect.topLeft(), rect.size(), pen=PEN, hoverPen=HOVER_PEN, handlePen=HANDLE_PEN,
                         sideScalers=False)
        self.addScaleHandle([0, 0], [1, 1])
        self.setZValue(10)

    def place(self, rect: QRectF) -> None:
        self.setSize(rect.size(), update=False, finish=False)
        self.setPos(rect.topLeft(), update=True, finish=False)

    def corners(self) -> tuple[GeoPoint, ...]:
        pos, size = self.pos(), self.size()
        x0, y0, x1, y1 = pos.x(), pos.y(), pos.x() + size.x(), pos.y() + size.y()
        return tuple(point_at(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))

    def paint(self, painter: QPainter, *args) -> None:
        painter.setBrush(FILL)
        painter.setPen(self.currentPen)
        painter.drawRect(QRectF(0, 0, self.state["size"][0], self.state["size"][1]).normalized())
