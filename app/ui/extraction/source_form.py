"""The opened files (each with its SHA-256 and recording start) and the facts a save needs.

Start times are typed in the workstation's zone and held as naive UTC. A file's own metadata
(MP4 header, photo EXIF) pre-fills its start; a file that does not say stays empty until the
user gives one: evidence must not carry a guessed time. With several files the start field
edits the selected files (all of them when none is selected). The zone is named as it was on
the date shown (a June recording is PDT even when opened in December).
"""
from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QWidget)

from app.domain.errors import ValidationError
from app.domain.geo import GeoPoint
from app.services.extraction import SourceFile
from app.ui.localtime import local_text, to_local, to_utc, zone_name

START_FORMAT = "%Y-%m-%d %H:%M:%S"


def parse_local(text: str) -> datetime:
    """'2026-06-01 07:00' or '2026-06-01 07:00:05' in the workstation's zone, as naive UTC."""
    text = text.strip()
    try:
        local = datetime.fromisoformat(text.replace("T", " "))
    except ValueError:
        raise ValidationError(f"A start time is YYYY-MM-DD HH:MM:SS ({zone_name()}); not {text!r}.") from None
    if local.tzinfo is not None:
        return local.astimezone(timezone.utc).replace(tzinfo=None)
    return to_utc(local)


def typed_zone(text: str) -> str:
    """The zone's abbreviation on the date typed in a start field; today's while it is no date yet."""
    try:
        return zone_name(datetime.fromisoformat(text.strip().replace("T", " ")))
    except ValueError:
        return zone_name()


class FilesTable(QTableWidget):
    """File, kind, SHA-256, recording start and place of every opened file."""

    def __init__(self, parent=None) -> None:
        super().__init__(0, 5, parent)
        self.setObjectName("filesTable")
        self.setHorizontalHeaderLabels(["File", "Kind", "SHA-256", f"Recording start ({zone_name()})", "Place"])
        self._starts: dict[int, datetime | None] = {}  # row -> naive UTC start
        self._problems: dict[int, str | None] = {}  # row -> why the file cannot be read
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for col in (1, 2, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeToContents)

    def show_files(self, files: list[SourceFile], starts: dict[str, datetime | None],
                   places: dict[str, GeoPoint | None]) -> None:
        self.setRowCount(len(files))
        self._starts = {}
        self._problems = {}
        for row, f in enumerate(files):
            name = QTableWidgetItem(f.name)
            name.setToolTip(f.path)
            sha = QTableWidgetItem(f"{f.sha256[:16]}…")
            sha.setToolTip(f"SHA-256 {f.sha256}\nrecorded when the file was opened, before it was read")
            sha.setFont(_mono())
            kind = QTableWidgetItem(f"{f.kind} · cannot be read" if f.problem else f.kind)
            if f.problem:
                kind.setForeground(Qt.darkRed)
                kind.setToolTip(f"Skipped when the plates are read: {f.problem}.")
            for col, item in enumerate((name, kind, sha)):
                self.setItem(row, col, item)
            self._problems[row] = f.problem
            self.set_start(row, starts.get(f.path), from_file=starts.get(f.path) == f.recorded_start)
            self.set_place(row, places.get(f.path), from_file=places.get(f.path) == f.recorded_place)

    def set_start(self, row: int, start: datetime | None, from_file: bool = False) -> None:
        if self._problems.get(row):
            item = QTableWidgetItem("— skipped")
            item.setToolTip("The file cannot be read, so no start time is needed")
            self.setItem(row, 3, item)
            return
        item = QTableWidgetItem(local_text(start) if start else "— give the start time")
        if start is None:
            item.setForeground(Qt.darkRed)
        item.setToolTip("From the file's own metadata" if start and from_file else
                        "Typed by you" if start else "The file does not say when it was recorded")
        self.setItem(row, 3, item)
        self._starts[row] = start
        self._name_zone()

    def set_place(self, row: int, place: GeoPoint | None, from_file: bool = False) -> None:
        if self._problems.get(row):
            self.setItem(row, 4, QTableWidgetItem("—"))
            return
        item = QTableWidgetItem(place.text() if place else "— give the place")
        if place is None:
            item.setForeground(Qt.darkRed)
        item.setToolTip("From the file's own GPS position" if place and from_file else
                        "Typed or picked by you" if place else "The file does not say where it was made")
        self.setItem(row, 4, item)

    def _name_zone(self) -> None:
        # The starts' own zone: files on both sides of a clock change get "PDT/PST".
        zones = dict.fromkeys(zone_name(to_local(s)) for s in self._starts.values() if s is not None)
        self.horizontalHeaderItem(3).setText(f"Recording start ({'/'.join(zones) or zone_name()})")


def _mono():
    from PySide6.QtGui import QFont

    font = QFont("DejaVu Sans Mono")
    font.setPointSizeF(9)
    return font


class SourceForm(QWidget):
    """Start time, place, source name, purpose and case number, with the opened files."""

    starts_changed = Signal(object)  # dict file -> naive UTC start or None
    edited = Signal()  # the user typed in a field
    pick_place = Signal()  # the user asked for the map

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.files: list[SourceFile] = []
        self.starts: dict[str, datetime | None] = {}
        self.places: dict[str, GeoPoint | None] = {}
        self.table = FilesTable()
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.start_edit = QLineEdit()
        self.start_edit.setObjectName("startEdit")
        self.start_edit.setPlaceholderText("YYYY-MM-DD HH:MM:SS")
        self.start_edit.editingFinished.connect(self._start_edited)
        self.start_hint = QLabel()
        self.start_hint.setObjectName("muted")
        self.place_edit = QLineEdit()
        self.place_edit.setObjectName("placeEdit")
        self.place_edit.setPlaceholderText("LAT,LON e.g. 34.1365,-117.8653")
        self.place_edit.editingFinished.connect(self._place_edited)
        self.map_button = QPushButton("Pick on map…")
        self.map_button.setObjectName("pickPlaceButton")
        self.map_button.clicked.connect(self.pick_place)
        self.source_edit = QLineEdit()
        self.source_edit.setObjectName("sourceEdit")
        self.source_edit.setPlaceholderText("e.g. Dash camera, unit 12")
        self.purpose_edit = QLineEdit()
        self.purpose_edit.setObjectName("purposeEdit")
        self.purpose_edit.setPlaceholderText("e.g. Hit and run investigation")
        self.case_edit = QLineEdit()
        self.case_edit.setObjectName("caseEdit")
        self.case_edit.setPlaceholderText("e.g. GPD-26-1107")

        for edit in (self.start_edit, self.place_edit, self.source_edit, self.purpose_edit, self.case_edit):
            edit.textEdited.connect(self.edited)
        # The start and place fields show the selected file's (the first's, when none is); only
        # what the user types there is applied to files, else leaving the field would give every
        # file the first one's start and place.
        self._typed = {self.start_edit: False, self.place_edit: False}
        for edit in self._typed:
            edit.textEdited.connect(lambda _text, edit=edit: self._typed.__setitem__(edit, True))

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.table, 0, 0, 1, 5)
        grid.addWidget(QLabel("Recording start:"), 1, 0)
        grid.addWidget(self.start_edit, 1, 1)
        grid.addWidget(self.start_hint, 1, 2, 1, 3)
        grid.addWidget(QLabel("Place:"), 2, 0)
        place_row = QHBoxLayout()
        place_row.setSpacing(6)
        place_row.addWidget(self.place_edit, 1)
        place_row.addWidget(self.map_button)
        grid.addLayout(place_row, 2, 1)
        grid.addWidget(QLabel("Source name:"), 2, 2)
        grid.addWidget(self.source_edit, 2, 3, 1, 2)
        grid.addWidget(QLabel("Purpose:"), 3, 0)
        grid.addWidget(self.purpose_edit, 3, 1)
        grid.addWidget(QLabel("Case / incident no.:"), 3, 2)
        grid.addWidget(self.case_edit, 3, 3, 1, 2)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        grid.setColumnMinimumWidth(1, 240)  # a long hint wraps instead of squeezing the fields
        self.start_hint.setWordWrap(True)
        self.start_edit.textChanged.connect(self._show_hint)
        self._show_hint()

    # --- files and start times ------------------------------------------------------------

    def set_files(self, files: list[SourceFile]) -> None:
        self.files = list(files)
        self.starts = {f.path: f.recorded_start for f in files}
        # Each file at its own GPS position (a phone's): a canvass's photos each keep where they
        # were taken. Like a start, a place is not carried over from files opened before.
        self.places = {f.path: f.recorded_place for f in files}
        self.table.show_files(self.files, self.starts, self.places)
        # Up to four files in view; on a short window the list gives way down to two, with a
        # scroll bar, rather than run under the fields below it.
        def height(rows: int) -> int:
            return self.table.horizontalHeader().height() + 24 * max(rows, 1) + 4

        self.table.setMinimumHeight(height(min(len(files), 2)))
        self.table.setMaximumHeight(height(min(len(files), 4)))
        self._show_hint()
        first = next((s for s in self.starts.values() if s is not None), None)
        self._show(self.start_edit, _local_field(first))
        self._show_place(next((p for p in self.places.values() if p is not None), None))
        self.starts_changed.emit(dict(self.starts))

    def _show_hint(self) -> None:
        hint = f"{typed_zone(self.start_edit.text())}; start and place pre-filled from the file when it says"
        if len(self.files) > 1:
            hint += " · each applies to the files selected above (all, when none is)"
        self.start_hint.setText(hint)

    def _targets(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return rows or list(range(len(self.files)))

    def _selection_changed(self) -> None:
        rows = self._targets()
        if rows:
            self._show(self.start_edit, _local_field(self.starts.get(self.files[rows[0]].path)))
            self._show_place(self.places.get(self.files[rows[0]].path))

    def _show(self, edit: QLineEdit, text: str) -> None:
        edit.setText(text)
        self._typed[edit] = False

    def _start_edited(self) -> None:
        text = self.start_edit.text().strip()
        if not text or not self.files or not self._typed[self.start_edit]:
            return
        try:
            start = parse_local(text)
        except ValidationError:
            return  # reported when the user saves
        for row in self._targets():
            path = self.files[row].path
            if self.starts.get(path) != start:
                self.starts[path] = start
                self.table.set_start(row, start, from_file=start == self.files[row].recorded_start)
        self.starts_changed.emit(dict(self.starts))

    def set_start_text(self, text: str) -> None:
        """Type a start time (for the selected files, or all) as a user would."""
        self.start_edit.setText(text)
        self._typed[self.start_edit] = True
        self._start_edited()

    # --- the place --------------------------------------------------------------------------

    def typed_place(self) -> GeoPoint | None:
        """The place field as a point, or None while it is empty or not LAT,LON."""
        try:
            return GeoPoint.parse(self.place_edit.text().strip())
        except ValidationError:
            return None

    def set_place_text(self, text: str) -> None:
        """Type or pick a place (for the selected files, or all) as a user would."""
        self.place_edit.setText(text)
        self._typed[self.place_edit] = True
        self._place_edited()
        self.edited.emit()

    def _show_place(self, place: GeoPoint | None) -> None:
        self._show(self.place_edit, place.text() if place else "")

    def _place_edited(self) -> None:
        place = self.typed_place()
        if place is None or not self._typed[self.place_edit]:
            return  # not typed, or not a place (reported when the user saves)
        for row in self._targets():
            f = self.files[row]
            if self.places.get(f.path) != place:
                self.places[f.path] = place
                self.table.set_place(row, place, from_file=place == f.recorded_place)

    # --- what a save needs ----------------------------------------------------------------

    def save_facts(self) -> tuple[dict[str, datetime], dict[str, GeoPoint], str, str, str]:
        """(starts, places, source name, purpose, case number), or ValidationError naming what is missing."""
        self._start_edited()
        missing = [f.name for f in self.files if self.starts.get(f.path) is None and not f.problem]
        if missing:
            raise ValidationError(f"Give the recording start time of {', '.join(missing)}.")
        if self.place_edit.text().strip():
            GeoPoint.parse(self.place_edit.text().strip())  # says what is wrong with a typed place
            self._place_edited()
        unplaced = [f.name for f in self.files if self.places.get(f.path) is None and not f.problem]
        if unplaced:
            raise ValidationError("Give the place of the recording as LAT,LON"
                                  + (f" for {', '.join(unplaced)}." if len(self.files) > 1 else "."))
        source = self.source_edit.text().strip()
        if not source:
            raise ValidationError("Name the source: the camera, unit or witness the files come from.")
        purpose, case = self.purpose_edit.text().strip(), self.case_edit.text().strip()
        if not purpose or not case:
            raise ValidationError("Give the purpose and the case or incident number (Policy 424.5(b)).")
        return ({p: s for p, s in self.starts.items() if s is not None},
                {p: g for p, g in self.places.items() if g is not None}, source, purpose, case)


def _local_field(start: datetime | None) -> str:
    return f"{to_local(start):{START_FORMAT}}" if start else ""
