"""A preview of the packet PDF, page by page, before it is printed or exported."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from app.services.packets import BuiltPacket
from app.ui.cases import pdf_pages
from app.ui.common import show_error
from app.ui.workers import WorkerPool

PREVIEW_DPI = 72


class PacketPreview(QDialog):
    """Renders the pages on a worker (pdftoppm), then shows them one under the other."""

    rendered = Signal(int)  # pages shown

    def __init__(self, packet: BuiltPacket, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("packetPreview")
        self.setWindowTitle(f"Packet {packet.packet_id}: preview")
        self.resize(720, 900)
        self.packet = packet
        self.workers = WorkerPool(max_threads=1, parent=self)
        self.page_labels: list[QLabel] = []

        heading = QLabel(f"<b>Case {packet.case_number}</b> · packet {packet.packet_id} · "
                         f"{packet.page_count} pages · {len(packet.read_ids)} reads")
        self.status = QLabel("Rendering the pages…")
        self.status.setObjectName("muted")
        self.bar = QProgressBar()
        self.bar.setRange(0, packet.page_count)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(6)
        self.pages = QWidget()
        self.pages.setObjectName("previewPages")
        self.pages.setStyleSheet("QWidget#previewPages { background: #8a939f; }")
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setSpacing(14)
        self.pages_layout.setContentsMargins(16, 16, 16, 16)
        self.pages_layout.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        scroll = QScrollArea()
        scroll.setWidget(self.pages)
        scroll.setWidgetResizable(True)
        self.scroll = scroll
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.bar)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self._render()

    def _render(self) -> None:
        packet = self.packet
        folder = packet.staging / "preview"

        def job(cancel, progress) -> list[Path]:
            return pdf_pages.render_all(packet.pdf, packet.page_count, folder, PREVIEW_DPI, cancel, progress)

        self.workers.start(job, on_finished=self._show, on_failed=self._failed,
                           on_progress=lambda p: self.bar.setValue(p.done))

    def _show(self, files: list[Path]) -> None:
        for number, file in enumerate(files, start=1):
            label = QLabel()
            label.setPixmap(QPixmap(str(file)))
            label.setToolTip(f"Page {number} of {len(files)}")
            label.setStyleSheet("background: white; border: 1px solid #5f6b7a;")
            self.pages_layout.addWidget(label, 0, Qt.AlignHCenter)
            self.page_labels.append(label)
        self.bar.hide()
        self.status.setText(f"{len(files)} pages. Scroll to check each read page before printing or exporting.")
        self.rendered.emit(len(files))

    def _failed(self, message: str) -> None:
        self.bar.hide()
        self.status.setText(message)
        show_error(self, message)

    def done(self, result: int) -> None:  # noqa: A003 - Qt's name
        self.workers.shutdown()
        super().done(result)
