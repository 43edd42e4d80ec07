"""Real mouse events on a pyqtgraph view: QTest cannot hold a button down while moving."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication


def pixel_of(plot_widget, x: float, y: float) -> QPoint:
    """The viewport pixel showing view coordinates (x, y)."""
    scene = plot_widget.getPlotItem().vb.mapViewToScene(QPointF(x, y))
    return plot_widget.mapFromScene(scene)


def _send(viewport, kind, pos: QPoint, button, buttons) -> None:
    event = QMouseEvent(kind, QPointF(pos), QPointF(viewport.mapToGlobal(pos)), button, buttons,
                        Qt.NoModifier)
    QApplication.sendEvent(viewport, event)


def drag(plot_widget, start: QPoint, end: QPoint, steps: int = 8) -> None:
    viewport = plot_widget.viewport()
    _send(viewport, QEvent.MouseMove, start, Qt.NoButton, Qt.NoButton)
    _send(viewport, QEvent.MouseButtonPress, start, Qt.LeftButton, Qt.LeftButton)
    for i in range(1, steps + 1):
        at = QPoint(start.x() + (end.x() - start.x()) * i // steps, start.y() + (end.y() - start.y()) * i // steps)
        _send(viewport, QEvent.MouseMove, at, Qt.NoButton, Qt.LeftButton)
    _send(viewport, QEvent.MouseButtonRelease, end, Qt.LeftButton, Qt.NoButton)


def click(plot_widget, at: QPoint) -> None:
    viewport = plot_widget.viewport()
    _send(viewport, QEvent.MouseMove, at, Qt.NoButton, Qt.NoButton)
    _send(viewport, QEvent.MouseButtonPress, at, Qt.LeftButton, Qt.LeftButton)
    _send(viewport, QEvent.MouseButtonRelease, at, Qt.LeftButton, Qt.NoButton)


def hover(plot_widget, at: QPoint) -> None:
    _send(plot_widget.viewport(), QEvent.MouseMove, at, Qt.NoButton, Qt.NoButton)
