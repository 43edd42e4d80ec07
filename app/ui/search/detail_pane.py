"""One read, opened: its scene image, the plate crop enlarged, the facts, and whether it was fuzzy.

Opening goes through ReadService.get_read, so it is an audited access; the pane waits for
the selection to settle (DEBOUNCE_MS) so arrowing down the table does not open every row.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.domain.search import ReadHit
from app.ui.localtime import local_text
from app.ui.workers import WorkerPool

DEBOUNCE_MS = 250
IMAGE_WIDTH = 210
CROP_WIDTH = 190


class DetailPane(QFrame):
    opened = Signal(object)  # the ReadDetail shown
    failed = Signal(str)

    def __init__(self, services, caller_for_query: Callable[[], Caller], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.services = services
        self._caller = caller_for_query
        self.workers = WorkerPool(max_threads=1, parent=self)
        self.hit: ReadHit | None = None
        self.detail = None
        self.pattern_search = False  # the panel says whether hits came from a plate pattern
        self._serial = 0
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._open)

        self.placeholder = QLabel("Select a read in the table, on the map or on the timeline to open it. "
                                  "Opening a read is recorded in the access log.")
        self.placeholder.setObjectName("muted")
        self.placeholder.setWordWrap(True)
        self.plate = QLabel()
        self.plate.setObjectName("detailPlate")
        self.plate.setStyleSheet("font-size: 17pt; font-weight: 700; letter-spacing: 1px; color: #1d2838;")
        self.match = QLabel()
        self.match.setObjectName("detailMatch")
        self.match.setWordWrap(True)
        self.crop = QLabel()
        self.crop.setObjectName("detailCrop")
        self.crop.setAlignment(Qt.AlignCenter)
        self.image = QLabel()
        self.image.setObjectName("detailImage")
        self.image.setAlignment(Qt.AlignCenter)
        self.facts = QFormLayout()
        self.facts.setHorizontalSpacing(10)
        self.facts.setVerticalSpacing(3)
        self._fact_labels: dict[str, QLabel] = {}
        for name in ("Time", "UTC", "Place", "Source", "Confidence", "Read as", "Read id"):
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextSelectableByMouse)
            value.setWordWrap(True)
            self.facts.addRow(f"{name}:", value)
            self._fact_labels[name] = value

        pictures = QVBoxLayout()
        pictures.addWidget(self.crop)
        pictures.addWidget(self.image)
        pictures.addStretch(1)
        words = QVBoxLayout()
        words.addWidget(self.plate)
        words.addWidget(self.match)
        words.addLayout(self.facts)
        words.addStretch(1)
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

    # --- what to show -----------------------------------------------------------------

    def show_hit(self, hit: ReadHit) -> None:
        """Open this read once the selection has rested on it for a moment."""
        if self.hit is not None and hit.id == self.hit.id and self.body.isVisible():
            return
        self.hit = hit
        self._timer.start()

    def show_count(self, count: int) -> None:
        self._timer.stop()
        self._serial += 1
        self.hit = None
        self.body.hide()
        self.placeholder.setText(f"{count:,} reads selected. Select a single read to open it."
                                 if count else "Select a read in the table, on the map or on the timeline "
                                               "to open it. Opening a read is recorded in the access log.")
        self.placeholder.show()

    def open_now(self) -> None:
        self._timer.stop()
        self._open()

    def _open(self) -> None:
        if self.hit is None:
            return
        self._serial += 1
        serial, read_id = self._serial, self.hit.id
        try:
            caller = self._caller()  # the purpose and case number go into the access record too
        except PlateDeskError as exc:
            self._failed(str(exc))
            return
        reads, images = self.services.reads, self.services.images

        def job(cancel, progress):
            detail = reads.get_read(caller, read_id)
            image = images.read(detail.image_sha256) if detail.image_sha256 and images.exists(
                detail.image_sha256) else None
            crop = images.read(detail.crop_sha256) if detail.crop_sha256 and images.exists(
                detail.crop_sha256) else None
            return detail, image, crop

        self.workers.start(job, on_finished=lambda result: self._arrived(serial, *result),
                           on_failed=self._failed)

    def _arrived(self, serial: int, detail, image: bytes | None, crop: bytes | None) -> None:
        if serial != self._serial:
            return  # the selection moved on meanwhile
        self.detail = detail
        hit = self.hit
        self.plate.setText(f"{detail.plate}  <span style='font-size:11pt; color:#5f6b7a'>"
                           f"{detail.state or ''}</span>")
        if hit is not None and hit.fuzzy:
            self.match.setText(f"⚠ Fuzzy hit: {hit.differences}. The plate matched only with "
                               "look-alike characters; confirm it on the image.")
            self.match.setStyleSheet("background:#fff3e0; color:#7a4100; border:1px solid #f0b35a;"
                                     "border-radius:4px; padding:4px 6px; font-weight:600;")
        else:
            self.match.setText("Exact match" if hit is not None and self.pattern_search else "")
            self.match.setStyleSheet("color:#1e7b3a; font-weight:600;")
        self.match.setVisible(bool(self.match.text()))
        self._set_picture(self.crop, crop, CROP_WIDTH, "No plate crop stored")
        self._set_picture(self.image, image, IMAGE_WIDTH, "No scene image stored")
        facts = {
            "Time": local_text(detail.captured_at),
            "UTC": f"{detail.captured_at:%Y-%m-%d %H:%M:%S} UTC",
            "Place": f"{detail.lat:.5f}, {detail.lon:.5f}",
            "Source": detail.source,
            "Confidence": f"{detail.confidence:.0%}",
            "Read as": detail.plate_as_read + (f" (corrected to {detail.corrected_text})"
                                               if detail.corrected_text else ""),
            "Read id": str(detail.id),
        }
        for name, text in facts.items():
            self._fact_labels[name].setText(text)
        self.placeholder.hide()
        self.body.show()
        self.opened.emit(detail)

    def _failed(self, message: str) -> None:
        self.body.hide()
        self.placeholder.setText(message)
        self.placeholder.show()
        self.failed.emit(message)

    @staticmethod
    def _set_picture(label: QLabel, data: bytes | None, width: int, missing: str) -> None:
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            if pixmap.width() != width:
                pixmap = pixmap.scaledToWidth(width, Qt.SmoothTransformation)
            label.setPixmap(pixmap)
            label.setStyleSheet("border:1px solid #d3d9e1;")
        else:
            label.setPixmap(QPixmap())
            label.setText(missing)
            label.setStyleSheet("color:#5f6b7a; border:1px dashed #d3d9e1; padding:12px;")

    def clear(self) -> None:
        self.show_count(0)

    def shutdown(self) -> None:
        self.workers.shutdown(5_000)
