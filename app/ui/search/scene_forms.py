"""Multi-scene canvass (plates seen near two or more scenes) and associates (convoy) forms."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.domain.errors import ValidationError
from app.domain.geo import GeoPoint
from app.domain.plates import normalise_plate
from app.domain.search import Scene
from app.ui.localtime import local_text


class MultiSceneForm(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.scenes: list[Scene] = []
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("scenesTable")
        self.table.setHorizontalHeaderLabels(["Scene", "Centre", "Radius", "Window"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setMaximumHeight(96)
        self.add_button = QPushButton("Add the map's canvass as a scene")
        self.add_button.setObjectName("addScene")
        self.add_button.setToolTip("Uses the canvass circle (Canvass tab or map) and the time window below")
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove)
        self.min_scenes = QSpinBox()
        self.min_scenes.setObjectName("minScenes")
        self.min_scenes.setRange(2, 2)
        hint = QLabel("Plates seen near at least")
        side = QVBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.remove_button)
        at_least = QHBoxLayout()
        at_least.addWidget(hint)
        at_least.addWidget(self.min_scenes)
        at_least.addWidget(QLabel("scenes"))
        side.addLayout(at_least)
        side.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.table, 1)
        row.addLayout(side)

    def add_scene(self, centre: GeoPoint, radius_m: float, start: datetime, end: datetime) -> Scene:
        label = chr(ord("A") + len(self.scenes)) if len(self.scenes) < 26 else f"S{len(self.scenes) + 1}"
        scene = Scene(label, centre, radius_m, start, end)
        self.scenes.append(scene)
        self._refill()
        return scene

    def _remove(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            del self.scenes[row]
        self._refill()

    def _refill(self) -> None:
        self.table.setRowCount(len(self.scenes))
        for row, scene in enumerate(self.scenes):
            cells = [scene.label, f"{scene.near.lat:.5f}, {scene.near.lon:.5f}", f"{scene.radius_m:,.0f} m",
                     f"{local_text(scene.start)} → {local_text(scene.end)}"]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.min_scenes.setRange(2, max(2, len(self.scenes)))

    def request(self) -> tuple[list[Scene], int]:
        if len(self.scenes) < 2:
            raise ValidationError("A multi-scene canvass needs at least two scenes: set a canvass on the map, "
                                  "a time window, and press “Add the map's canvass as a scene” for each.")
        return list(self.scenes), self.min_scenes.value()


class AssociatesForm(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.target = QLineEdit()
        self.target.setObjectName("targetEdit")
        self.target.setPlaceholderText("the target's full plate")
        self.target.setMaximumWidth(180)
        self.window_s = QSpinBox()
        self.window_s.setObjectName("windowSpin")
        self.window_s.setRange(1, 3600)
        self.window_s.setValue(60)
        self.window_s.setSuffix(" s")
        self.min_occasions = QSpinBox()
        self.min_occasions.setObjectName("occasionsSpin")
        self.min_occasions.setRange(2, 100)
        self.min_occasions.setValue(2)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("Target plate:"), self.target, QLabel("seen within"), self.window_s,
                       QLabel("at the same camera, on at least"), self.min_occasions, QLabel("occasions")):
            row.addWidget(widget)
        row.addStretch(1)

    def request(self) -> dict:
        typed = self.target.text()
        plate = normalise_plate(typed)
        if not plate or "*" in typed or "?" in typed:
            raise ValidationError("Associates need the target's full plate (no ? or *).")
        return {"target": plate, "window_s": self.window_s.value(), "min_occasions": self.min_occasions.value()}
