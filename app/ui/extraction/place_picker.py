"""Pick a recording's place on the map: one click puts the pin, OK writes it as LAT,LON."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyqtgraph as pg
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from app.domain.geo import GeoPoint
from app.domain.search import SourceInfo
from app.ui.search.map_view import MapView
from app.ui.search.projection import point_at, to_mercator

PIN_PX = 15
# Close enough to frame a street corner when the form already names the place.
AROUND_PLACE_M = 600.0


@dataclass(frozen=True)
class PlaceMap:
    """What the picker's map draws: the street tiles (none: the offline grid) and the cameras."""

    tile_url: str = ""
    tile_cache: Path | None = None
    list_sources: Callable[[], list[SourceInfo]] | None = None


class PlacePickerDialog(QDialog):
    """The search map in a dialog, with the cameras for orientation and a pin where clicked."""

    def __init__(self, tile_url: str, tile_cache: Path | None, sources: list[SourceInfo],
                 place: GeoPoint | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("placePicker")
        self.setWindowTitle("Pick the place of the recording")
        self.resize(760, 560)
        self.place: GeoPoint | None = None

        self.map = MapView(tile_url, tile_cache)
        # Only clicking means anything here: the canvass and area tools are the search's.
        for button in (*self.map.tool_buttons.values(), self.map.fit_button):
            button.hide()
        self.map.set_sources(sources)
        self.map.box.clicked.disconnect()
        self.map.box.clicked.connect(self._clicked)
        self.pin = pg.ScatterPlotItem(size=PIN_PX, symbol="o", pen=pg.mkPen("#ffffff", width=2),
                                      brush=pg.mkBrush("#b3261e"), pxMode=True)
        self.pin.setZValue(5)
        self.map.box.addItem(self.pin, ignoreBounds=True)

        hint = QLabel("Click where the camera stood. The yellow squares are the department's cameras; "
                      "drag to pan, wheel to zoom.")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        self.chosen = QLabel("No place picked yet.")
        self.chosen.setObjectName("chosenPlace")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Use this place")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.map, 1)
        layout.addWidget(self.chosen)
        layout.addWidget(self.buttons)

        if place is not None:
            self.map.set_home(place, AROUND_PLACE_M)
            self.set_place(place)
        self._update_ok()

    def set_place(self, place: GeoPoint) -> None:
        self.place = place
        x, y = to_mercator(place.lat, place.lon)
        self.pin.setData([float(x)], [float(y)])
        self.chosen.setText(f"Place: <b>{place.text()}</b>")
        self._update_ok()

    def _clicked(self, x: float, y: float) -> None:
        self.set_place(point_at(x, y))

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(self.place is not None)
