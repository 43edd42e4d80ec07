"""The Alerts page (424.3, 424.3(f)): hotlist hits with their image, crop and facts, and a disposition.

Listing the alerts and opening one are audited accesses (HotlistService does it); the banner
reminds the officer that an ALPR hit is verified through CLETS before any enforcement action.
"""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFormLayout, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.domain.roles import Permission
from app.services.hotlists import DISPOSITION_LABELS, AlertDetail, AlertView, HotlistService
from app.ui.alerts.alerts_model import REASON_COLOURS, AlertsModel
from app.ui.localtime import local_minutes, local_text
from app.ui.alerts.disposition_dialog import DispositionDialog
from app.ui.common import primary

CLETS_BANNER = ("⚠  An ALPR alert is not, by itself, grounds for enforcement. Verify the hit through CLETS "
                "before taking any enforcement action (Policy 424.3(f)), and confirm the plate on the image.")
CROP_WIDTH = 260
IMAGE_WIDTH = 300


class AlertDetailPane(QFrame):
    """One opened alert: plate crop, scene image, the hotlist entry and the read's facts."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.placeholder = QLabel("Select an alert to open it. Opening an alert is recorded in the access log.")
        self.placeholder.setObjectName("muted")
        self.placeholder.setWordWrap(True)
        self.plate = QLabel()
        self.plate.setObjectName("alertPlate")
        self.plate.setStyleSheet("font-size: 20pt; font-weight: 700; letter-spacing: 1px; color: #1d2838;")
        self.reason = QLabel()
        self.reason.setObjectName("alertReason")
        self.match = QLabel()
        self.match.setObjectName("alertMatch")
        self.match.setWordWrap(True)
        self.crop = QLabel()
        self.crop.setObjectName("alertCrop")
        self.crop.setAlignment(Qt.AlignCenter)
        self.image = QLabel()
        self.image.setObjectName("alertImage")
        self.image.setAlignment(Qt.AlignCenter)
        self.facts = QFormLayout()
        self.facts.setHorizontalSpacing(10)
        self.facts.setVerticalSpacing(3)
        self.values: dict[str, QLabel] = {}
        for name in ("Time", "Place", "Source", "Hotlist", "Reference", "Listed", "Details", "Confidence",
                     "Disposition"):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextSelectableByMouse)
            self.facts.addRow(f"{name}:", value)
            self.values[name] = value
        self.dispose_button = primary(QPushButton("Record disposition…"))
        self.dispose_button.setObjectName("disposeButton")

        pictures = QVBoxLayout()
        pictures.addWidget(self.crop)
        pictures.addWidget(self.image)
        pictures.addStretch(1)
        words = QVBoxLayout()
        heading = QHBoxLayout()
        heading.addWidget(self.plate)
        heading.addWidget(self.reason)
        heading.addStretch(1)
        words.addLayout(heading)
        words.addWidget(self.match)
        words.addLayout(self.facts)
        words.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.dispose_button)
        words.addLayout(buttons)
        self.body = QWidget()
        inner = QHBoxLayout(self.body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(pictures)
        inner.addLayout(words, 1)
        self.body.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.placeholder, 0, Qt.AlignTop)
        layout.addWidget(self.body, 1)

    def show_detail(self, detail: AlertDetail) -> None:
        alert = detail.alert
        self.plate.setText(f"{alert.plate}  <span style='font-size:11pt; color:#5f6b7a'>{alert.read_state or ''}"
                           "</span>")
        colour = REASON_COLOURS.get(alert.reason, "#1d2838")
        self.reason.setText(alert.reason_label.upper())
        self.reason.setStyleSheet(f"color:white; background:{colour}; border-radius:4px; padding:3px 8px;"
                                  "font-weight:700; letter-spacing:1px;")
        if alert.fuzzy:
            self.match.setText(f"⚠ Fuzzy hit: read {alert.plate}, listed {alert.entry_plate} ({alert.differences}). "
                               "Matched only with a look-alike character: compare the crop.")
            self.match.setStyleSheet("background:#fff3e0; color:#7a4100; border:1px solid #f0b35a;"
                                     "border-radius:4px; padding:4px 6px; font-weight:600;")
        else:
            self.match.setText("Exact match with the listed plate")
            self.match.setStyleSheet("color:#1e7b3a; font-weight:600;")
        _picture(self.crop, detail.crop, CROP_WIDTH, "No plate crop stored")
        _picture(self.image, detail.image, IMAGE_WIDTH, "No scene image stored")
        listed = f"{alert.entry_plate} {alert.entry_state or '(any state)'}"
        details = ", ".join(f"{k}: {v}" for k, v in sorted(alert.extra.items())) or "—"
        disposition = "Open — record a disposition once verified"
        if alert.disposition:
            disposition = (f"{DISPOSITION_LABELS[alert.disposition]} by {alert.disposed_by}, "
                           f"{local_minutes(alert.disposed_at)}: {alert.note}")
        facts = {"Time": local_text(alert.captured_at),
                 "Place": f"{alert.lat:.5f}, {alert.lon:.5f}", "Source": alert.source, "Hotlist": alert.hotlist,
                 "Reference": alert.reference or "—", "Listed": listed, "Details": details,
                 "Confidence": f"{alert.confidence:.0%}", "Disposition": disposition}
        for name, text in facts.items():
            self.values[name].setText(text)
        self.placeholder.hide()
        self.body.show()

    def clear(self, text: str = "") -> None:
        self.body.hide()
        self.placeholder.setText(text or "Select an alert to open it. Opening an alert is recorded in the "
                                         "access log.")
        self.placeholder.show()


def _picture(label: QLabel, data: bytes | None, width: int, missing: str) -> None:
    pixmap = QPixmap()
    if data and pixmap.loadFromData(data):
        label.setPixmap(pixmap.scaledToWidth(width, Qt.SmoothTransformation) if pixmap.width() != width else pixmap)
        label.setStyleSheet("border:1px solid #d3d9e1;")
    else:
        label.setPixmap(QPixmap())
        label.setText(missing)
        label.setMinimumWidth(width // 2)
        label.setStyleSheet("color:#5f6b7a; border:1px dashed #d3d9e1; padding:14px;")


class AlertsPanel(QWidget):
    opened = Signal(object)    # AlertDetail
    disposed = Signal(object)  # AlertView

    def __init__(self, hotlists: HotlistService, caller: Caller, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("alertsPanel")
        self.hotlists = hotlists
        self.caller = caller
        self.dialog: DispositionDialog | None = None
        self.current: AlertDetail | None = None

        heading = QLabel("Hotlist alerts")
        heading.setObjectName("heading")
        self.banner = QLabel(CLETS_BANNER)
        self.banner.setObjectName("clets")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fce8e6; color:#8c1d18; border:1px solid #f3b7b2; border-radius:4px;"
                                  "padding:8px 10px; font-weight:600;")
        self.show_combo = QComboBox()
        self.show_combo.setObjectName("showCombo")
        self.show_combo.addItem("Open alerts", True)
        self.show_combo.addItem("All alerts", False)
        self.show_combo.currentIndexChanged.connect(lambda _: self.refresh())
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.clicked.connect(self.refresh)
        self.count = QLabel()
        self.count.setObjectName("muted")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.count)
        top.addWidget(self.show_combo)
        top.addWidget(self.refresh_button)

        self.model = AlertsModel(self)
        self.table = QTableView()
        self.table.setObjectName("alertsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        for column, width in enumerate((175, 115, 150, 115, 110, 150)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(QHeaderView.Interactive)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.detail = AlertDetailPane()
        self.detail.dispose_button.clicked.connect(self.dispose_current)
        self.detail.dispose_button.setVisible(caller.may(Permission.DISPOSE_ALERT))

        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([260, 330])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        self.refresh()

    # --- data ------------------------------------------------------------------------

    def refresh(self) -> None:
        """List the alerts again (an audited view) and keep the selected one selected."""
        keep = self.current.alert.id if self.current else None
        try:
            alerts = self.hotlists.list_alerts(self.caller, open_only=self.show_combo.currentData())
        except PlateDeskError as exc:
            self.model.set_alerts([])
            self.detail.clear(str(exc))
            self.count.setText("")
            return
        self.model.set_alerts(alerts)
        open_count = sum(1 for a in alerts if not a.disposition)
        self.count.setText(f"{len(alerts):,} alert{'s' if len(alerts) != 1 else ''}, {open_count:,} open")
        if keep is not None and self.select(keep):
            return
        self.current = None
        self.detail.clear("No open alerts." if not alerts and self.show_combo.currentData() else "")

    def select(self, alert_id: int) -> bool:
        for row, alert in enumerate(self.model.alerts):
            if alert.id == alert_id:
                self.table.selectionModel().select(
                    self.model.index(row, 0), QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
                self.table.scrollTo(self.model.index(row, 0))
                return True
        return False

    def selected_alert(self) -> AlertView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.alerts[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        alert = self.selected_alert()
        if alert is None:
            return
        if self.current is not None and self.current.alert.id == alert.id and self.detail.body.isVisible():
            return
        try:
            detail = self.hotlists.open_alert(self.caller, alert.id)
        except PlateDeskError as exc:
            self.detail.clear(str(exc))
            return
        self.current = detail
        self.detail.show_detail(detail)
        self.detail.dispose_button.setEnabled(not detail.alert.disposition)
        self.opened.emit(detail)

    # --- disposition -----------------------------------------------------------------

    def dispose_current(self) -> None:
        if self.current is None or self.current.alert.disposition:
            return
        dialog = DispositionDialog(self.hotlists, self.caller, self.current.alert, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose, True)
        dialog.accepted.connect(lambda: self._disposed(dialog.result_alert))
        self.dialog = dialog
        dialog.open()

    def _disposed(self, alert: AlertView | None) -> None:
        if alert is None:
            return
        self.current = AlertDetail(alert, self.current.image if self.current else None,
                                   self.current.crop if self.current else None)
        if self.model.replace(alert) >= 0:
            self.detail.show_detail(self.current)
            self.detail.dispose_button.setEnabled(False)
        self.disposed.emit(alert)

    def shutdown(self) -> None:
        if self.dialog is not None:
            try:
                self.dialog.reject()
            except RuntimeError:
                pass  # already deleted on close
