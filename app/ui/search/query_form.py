"""The search forms: plate search and canvass, and the time window every mode shares.

Each form turns its fields into the service's arguments or raises ValidationError with a
sentence for the user. Times are typed in the workstation's zone and sent as naive UTC.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateTimeEdit, QDoubleSpinBox, QHBoxLayout, QLabel,
                               QLineEdit, QRadioButton, QSizePolicy, QStackedWidget, QTabBar, QVBoxLayout,
                               QWidget)

from app.domain.errors import ValidationError
from app.domain.geo import GeoPoint
from app.domain.patterns import PlatePattern
from app.domain.search import SearchCriteria, SourceInfo
from app.ui.localtime import to_utc, zone_name

DATE_FORMAT = "yyyy-MM-dd HH:mm"


def _row(*widgets, stretch: bool = True) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(QLabel(widget) if isinstance(widget, str) else widget)
    if stretch:
        row.addStretch(1)
    return row


class ModeSwitch(QWidget):
    """Plate search, Canvass, Multi-scene, Associates: a tab bar over a stack of the forms.

    Not a QTabWidget: that is as tall as its tallest page, and the page height is the map's."""

    def __init__(self, pages: list[tuple[QWidget, str]], parent=None) -> None:
        super().__init__(parent)
        self.tabs = QTabBar()
        self.tabs.setObjectName("modeTabs")
        self.tabs.setExpanding(False)
        self.pages = QStackedWidget()
        for form, title in pages:
            page = QWidget()
            inner = QVBoxLayout(page)
            inner.setContentsMargins(2, 6, 2, 2)
            inner.addWidget(form)
            self.pages.addWidget(page)
            self.tabs.addTab(title)
        self.tabs.currentChanged.connect(self._show_page)
        self._show_page(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.tabs)
        layout.addWidget(self.pages)

    def _show_page(self, current: int) -> None:
        """Only the current page counts towards the stack's height."""
        for i in range(self.pages.count()):
            policy = QSizePolicy.Preferred if i == current else QSizePolicy.Ignored
            self.pages.widget(i).setSizePolicy(policy, policy)
        self.pages.setCurrentIndex(current)
        self.pages.updateGeometry()


class TimeWindow(QWidget):
    """From and to, each optional, in local time."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        now = QDateTime.currentDateTime()
        self.use_from = QCheckBox("From")
        self.use_from.setObjectName("useFrom")
        self.use_to = QCheckBox("to")
        self.use_to.setObjectName("useTo")
        self.from_edit = QDateTimeEdit(now.addDays(-7))
        self.to_edit = QDateTimeEdit(now)
        for check, edit in ((self.use_from, self.from_edit), (self.use_to, self.to_edit)):
            edit.setDisplayFormat(DATE_FORMAT)
            edit.setCalendarPopup(True)
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
        self.zone = QLabel("(local time)")
        self.zone.setObjectName("muted")
        self.zone.setToolTip(f"This workstation's zone (now {zone_name()}); the search runs in UTC.")
        self.setLayout(_row(self.use_from, self.from_edit, self.use_to, self.to_edit, self.zone))

    def set_local(self, start: datetime | None, end: datetime | None) -> None:
        for check, edit, value in ((self.use_from, self.from_edit, start), (self.use_to, self.to_edit, end)):
            check.setChecked(value is not None)
            if value is not None:
                edit.setDateTime(QDateTime(value))

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """(start, end) in naive UTC; None where not set."""
        start = to_utc(self.from_edit.dateTime().toPython()) if self.use_from.isChecked() else None
        end = to_utc(self.to_edit.dateTime().toPython()) if self.use_to.isChecked() else None
        if start and end and start >= end:
            raise ValidationError("The time window ends before it starts.")
        return start, end

    def required(self, what: str) -> tuple[datetime, datetime]:
        start, end = self.bounds()
        if start is None or end is None:
            raise ValidationError(f"{what} needs a time window: tick From and to and set both.")
        return start, end


class PlateForm(QWidget):
    explanation = Signal(str, bool)  # text, is_error: the pattern in words, or why it is refused

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plate_edit = QLineEdit()
        self.plate_edit.setObjectName("plateEdit")
        self.plate_edit.setPlaceholderText("7ABC123, 7AB*, *4X2*, 7?B??23")
        self.plate_edit.setMinimumWidth(170)
        self.fuzzy = QCheckBox("Look-alike characters (O/0/D/Q, I/1/L, B/8, S/5, Z/2, G/6)")
        self.fuzzy.setObjectName("fuzzyCheck")
        self.state_edit = QLineEdit()
        self.state_edit.setObjectName("stateEdit")
        self.state_edit.setPlaceholderText("any")
        self.state_edit.setMaxLength(3)
        self.state_edit.setFixedWidth(52)
        self.source = QComboBox()
        self.source.setObjectName("sourceCombo")
        self.source.setMinimumWidth(150)
        self.set_sources([])
        self.plate_edit.textChanged.connect(self.explain)
        self.fuzzy.toggled.connect(self.explain)
        self.setLayout(_row("Plate:", self.plate_edit, self.fuzzy, "State:", self.state_edit,
                            "Source:", self.source))

    def set_sources(self, sources: list[SourceInfo]) -> None:
        current = self.source.currentData()
        self.source.clear()
        self.source.addItem("All sources", None)
        for source in sources:
            self.source.addItem(f"{source.name} ({source.kind})", source.id)
        index = self.source.findData(current)
        self.source.setCurrentIndex(max(0, index))

    def explain(self) -> None:
        """Say what the typed pattern will match, or why it cannot run."""
        text = self.plate_edit.text()
        if not text.strip():
            self.explanation.emit("", False)
            return
        try:
            self.explanation.emit("Matches " + PlatePattern.parse(text, self.fuzzy.isChecked()).describe() + ".",
                                  False)
        except ValidationError as exc:
            self.explanation.emit(str(exc), True)

    def criteria(self, start: datetime | None, end: datetime | None) -> SearchCriteria:
        plate = self.plate_edit.text().strip()
        PlatePattern.parse(plate, self.fuzzy.isChecked())  # refuses at once, with its sentence
        source = self.source.currentData()
        return SearchCriteria(plate=plate, fuzzy=self.fuzzy.isChecked(),
                              state=self.state_edit.text().strip().upper() or None,
                              source_ids=(source,) if source is not None else (), start=start, end=end)


class CanvassForm(QWidget):
    """A centre and radius (typed, or set on the map), or the area drawn on the map."""

    place_edited = Signal(object, float)  # GeoPoint, radius: typed here, for the map to show

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.area: tuple[GeoPoint, ...] | None = None
        self.use_circle = QRadioButton("Around")
        self.use_circle.setObjectName("useCircle")
        self.use_circle.setChecked(True)
        self.use_area = QRadioButton("Inside the drawn area")
        self.use_area.setObjectName("useArea")
        self.use_area.setEnabled(False)
        self.centre_edit = QLineEdit()
        self.centre_edit.setObjectName("centreEdit")
        self.centre_edit.setPlaceholderText("lat, lon (or click the map)")
        self.centre_edit.setMinimumWidth(190)
        self.radius = QDoubleSpinBox()
        self.radius.setObjectName("radiusSpin")
        self.radius.setRange(1, 50_000)
        self.radius.setDecimals(0)
        self.radius.setSingleStep(50)
        self.radius.setValue(300)
        self.radius.setSuffix(" m")
        self.area_label = QLabel("")
        self.area_label.setObjectName("muted")
        hint = QLabel("Use the map's Canvass circle or Draw area tool.")
        hint.setObjectName("muted")
        self.centre_edit.editingFinished.connect(self._typed)
        self.radius.editingFinished.connect(self._typed)
        self.setLayout(_row(self.use_circle, self.centre_edit, "radius", self.radius, self.use_area,
                            self.area_label, hint))

    def set_circle(self, centre: GeoPoint, radius_m: float) -> None:
        self.centre_edit.setText(f"{centre.lat:.6f}, {centre.lon:.6f}")
        self.radius.setValue(max(1.0, radius_m))
        self.use_circle.setChecked(True)

    def set_area(self, corners: tuple[GeoPoint, ...]) -> None:
        self.area = corners
        lats = [p.lat for p in corners]
        lons = [p.lon for p in corners]
        self.area_label.setText(f"({min(lats):.4f}…{max(lats):.4f}, {min(lons):.4f}…{max(lons):.4f})")
        self.use_area.setEnabled(True)
        self.use_area.setChecked(True)

    def centre(self) -> GeoPoint:
        text = self.centre_edit.text().strip()
        if not text:
            raise ValidationError("Give the canvass centre: click the map with the Canvass circle tool, "
                                  "or type LAT, LON.")
        return GeoPoint.parse(text)

    def _typed(self) -> None:
        try:
            self.place_edited.emit(self.centre(), float(self.radius.value()))
        except ValidationError:
            pass  # shown when the search runs

    def criteria(self, start: datetime | None, end: datetime | None) -> SearchCriteria:
        if self.use_area.isChecked() and self.area:
            return SearchCriteria(area=self.area, start=start, end=end)
        return SearchCriteria(near=self.centre(), radius_m=float(self.radius.value()), start=start, end=end)
