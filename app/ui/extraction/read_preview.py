"""The selected read at a size to check it by: its plate crop enlarged, and its frame with the plate marked."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from app.recognition.reads import Box, ExtractedRead

# A strip under the review table: the table keeps the page's width for its columns.
PREVIEW_HEIGHT = 132
MIN_PREVIEW_HEIGHT = 48
CROP_MAX_WIDTH = 320
# Amber edged in black shows on a red car, a white one and a dark bumper alike.
MARK, MARK_EDGE = QColor("#ffc400"), QColor("#101418")


class ReadPreview(QWidget):
    """Under the review table: what the recogniser saw, for the investigator to judge a read."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("readPreview")
        # Up to PREVIEW_HEIGHT; on a short window less, the pictures scaled to what is left.
        self.setMinimumHeight(MIN_PREVIEW_HEIGHT)
        self.setMaximumHeight(PREVIEW_HEIGHT)
        self._drawn_height = 0
        self._crop_image = self._frame_image = QImage()
        self.read: ExtractedRead | None = None
        self.placeholder = QLabel("Select a read to see its plate enlarged and the frame it was read in.")
        self.placeholder.setObjectName("muted")
        self.crop = QLabel()
        self.crop.setObjectName("previewCrop")
        self.frame = QLabel()
        self.frame.setObjectName("previewFrame")
        self.caption = QLabel()
        self.caption.setObjectName("muted")
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        for label in (self.crop, self.frame):
            label.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Ignored)
            label.setAlignment(Qt.AlignLeft | Qt.AlignTop)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.placeholder, 1)
        layout.addWidget(self.crop)
        layout.addWidget(self.frame)
        layout.addWidget(self.caption, 1)
        self.show_read(None)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), PREVIEW_HEIGHT)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.read is not None and self.height() != self._drawn_height:
            self._draw()

    def show_read(self, read: ExtractedRead | None) -> None:
        self.read = read
        self.placeholder.setVisible(read is None)
        for label in (self.crop, self.frame, self.caption):
            label.setVisible(read is not None)
        if read is None:
            return
        # Decoded once per read: a drag of the splitter only scales them again.
        self._crop_image = QImage.fromData(read.crop_png, "PNG")
        self._frame_image = QImage.fromData(read.frame_jpeg, "JPG")
        where = "a photo" if read.t_video_s == 0 and read.frame == 0 else (
            f"frame {read.frame} at {read.t_video_s:.1f} s, seen in {read.frames_seen} "
            f"frame{'s' if read.frames_seen != 1 else ''}")
        doubt = ("<br><b>Unsure:</b> the frames did not agree enough to report this plate; read the crop "
                 "and tick Keep only if it is a plate, correcting it first if needed.") if read.unsure else ""
        self.caption.setText(f"{Path(read.file).name}: {where}.<br>The amber box marks where the plate was read."
                             + doubt)
        self._draw()

    def _draw(self) -> None:
        height = self._drawn_height = max(MIN_PREVIEW_HEIGHT, min(PREVIEW_HEIGHT, self.height()))
        crop = QPixmap()
        if not self._crop_image.isNull():
            crop = QPixmap.fromImage(self._crop_image.scaled(CROP_MAX_WIDTH, height, Qt.KeepAspectRatio,
                                                             Qt.SmoothTransformation))
        self.crop.setPixmap(crop)
        self.crop.setFixedWidth(crop.width())
        frame = marked_frame(self._frame_image, self.read.box, height)
        self.frame.setPixmap(frame)
        self.frame.setFixedWidth(frame.width())


def marked_frame(image: QImage, box: Box, height: int) -> QPixmap:
    """A read's frame scaled to `height`, the plate's `box` (frame pixels) drawn on it."""
    if image.isNull():
        return QPixmap()
    scale = height / image.height()
    scaled = image.scaledToHeight(height, Qt.SmoothTransformation)
    x, y, w, h = box
    painter = QPainter(scaled)
    # A margin around the number, so the mark does not cover the characters it points at.
    pad = max(3, round(0.25 * h * scale))
    mark = QRect(round(x * scale) - pad, round(y * scale) - pad, round(w * scale) + 2 * pad, round(h * scale) + 2 * pad)
    painter.setPen(QPen(MARK_EDGE, 4))
    painter.drawRect(mark)
    painter.setPen(QPen(MARK, 2))
    painter.drawRect(mark)
    painter.end()
    return QPixmap.fromImage(scaled)
