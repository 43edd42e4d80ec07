"""The review table's model: extracted reads with their crops, corrections and keep flags.

A row is a ReviewedRead. The plate cell is editable (a correction; the OCR's own text stays in
its column and both are stored), the Keep cell is a check box (an unticked read is a false read
and is not saved; an unsure pass arrives unticked, to be checked). Times are shown in the
workstation's zone, with its name.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPixmap

from app.domain.plates import normalise_plate
from app.recognition import ExtractedRead
from app.recognition.media import is_video
from app.services.extraction import MAX_PLATE_CHARS, ReviewedRead
from app.ui.localtime import local_text

KEEP, CROP, PLATE, OCR, CONFIDENCE, FRAME, T_VIDEO, TIME, FILE = range(9)
HEADERS = ["Keep", "Crop", "Plate", "OCR read", "Confidence", "Frame", "In video", "Time", "File"]
THUMB_HEIGHT = 34
THUMB_MAX_WIDTH = 150
CORRECTED = QColor("#7a4100")
DROPPED = QColor("#9aa4b1")
UNSURE = QColor("#8a5a00")


def video_time(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)}:{secs:06.3f}" if minutes else f"{secs:.3f} s"


class ReviewModel(QAbstractTableModel):
    edited = Signal()  # a correction or a keep flag changed

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[ReviewedRead] = []
        self.starts: dict[str, datetime | None] = {}  # file -> recording start, naive UTC
        self._thumbs: dict[int, QPixmap] = {}
        self.locked = False  # after a save: shown as saved, no longer editable

    # --- data in and out ------------------------------------------------------------------

    def set_reads(self, reads: list[ExtractedRead]) -> None:
        self.beginResetModel()
        # An unsure pass is shown for the investigator to check, not kept unless ticked.
        self.rows = [ReviewedRead(r, keep=not r.unsure) for r in reads]
        self.locked = False
        self._thumbs.clear()
        self.endResetModel()
        self.edited.emit()

    def lock(self) -> None:
        """The reads are saved: keep them in view, but a second save or edit would mislead."""
        self.beginResetModel()
        self.locked = True
        self.endResetModel()
        self.edited.emit()

    def set_starts(self, starts: dict[str, datetime | None]) -> None:
        self.starts = dict(starts)
        if self.rows:
            self.dataChanged.emit(self.index(0, TIME), self.index(len(self.rows) - 1, TIME))

    def reviewed(self) -> list[ReviewedRead]:
        return list(self.rows)

    def kept(self) -> int:
        return sum(1 for r in self.rows if r.keep)

    def unsure_unticked(self) -> int:
        return sum(r.unsure_not_kept for r in self.rows)

    def dropped(self) -> int:
        """Reads the investigator unticked (an unsure pass left unticked is not one)."""
        return sum(r.dropped for r in self.rows)

    def corrected(self) -> int:
        return sum(1 for r in self.rows if r.keep and r.corrected)

    def set_keep(self, rows: list[int], keep: bool) -> None:
        for row in rows:
            self.rows[row] = replace(self.rows[row], keep=keep)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
        self.edited.emit()

    def correct(self, row: int, text: str) -> bool:
        """Set (or, with the OCR's own text or nothing, clear) the correction of a row."""
        plate = normalise_plate(text)
        if len(plate) > MAX_PLATE_CHARS:
            return False
        own = normalise_plate(self.rows[row].read.plate)
        self.rows[row] = replace(self.rows[row], correction=plate if plate and plate != own else None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
        self.edited.emit()
        return True

    def captured_at(self, row: int) -> datetime | None:
        read = self.rows[row].read
        start = self.starts.get(read.file)
        return start + timedelta(seconds=read.t_video_s) if start is not None else None

    # --- Qt -------------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return HEADERS[section]
        if orientation == Qt.Horizontal and role == Qt.ToolTipRole:
            return {PLATE: "Double-click to correct a misread; the OCR's text is kept beside it",
                    KEEP: "Untick a false read: it is not saved",
                    T_VIDEO: "Time of the best frame from the start of the file",
                    TIME: "Recording start + time in video, in this workstation's zone"}.get(section)
        return None

    def flags(self, index):
        base = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        if self.locked:
            return base
        if index.column() == KEEP:
            return base | Qt.ItemIsUserCheckable
        if index.column() == PLATE:
            return base | Qt.ItemIsEditable
        return base

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        item = self.rows[row]
        read = item.read
        if role == Qt.CheckStateRole and col == KEEP:
            return Qt.Checked if item.keep else Qt.Unchecked
        if role == Qt.DecorationRole and col == CROP:
            return self._thumb(row)
        if role == Qt.SizeHintRole and col == CROP:
            return QSize(THUMB_MAX_WIDTH + 8, THUMB_HEIGHT + 8)
        if role == Qt.DisplayRole:
            if col == PLATE:
                return f"{item.plate} ✎" if item.corrected else item.plate
            if col == OCR:
                return read.ocr_text if read.ocr_text == read.plate else f"{read.plate}  ({read.ocr_text})"
            if col == CONFIDENCE:
                return f"{read.confidence:.0%} unsure" if read.unsure else f"{read.confidence:.0%}"
            if col == FRAME:
                return str(read.frame) if self._is_video(read) else "photo"
            if col == T_VIDEO:
                return video_time(read.t_video_s) if self._is_video(read) else "—"

            if col == TIME:
                when = self.captured_at(row)
                return local_text(when) if when else "start time needed"
            if col == FILE:
                return Path(read.file).name
        if role == Qt.EditRole and col == PLATE:
            return item.plate
        if role == Qt.ForegroundRole:
            if read.unsure and not item.keep:
                return QBrush(UNSURE)
            if not item.keep:
                return QBrush(DROPPED)
            if col == PLATE and item.corrected:
                return QBrush(CORRECTED)
            if col == TIME and self.captured_at(row) is None:
                return QBrush(QColor("#b3261e"))
        if role == Qt.FontRole:
            font = QFont()
            if col == PLATE:
                font.setBold(True)
                font.setFamily("DejaVu Sans Mono")
            if read.unsure and not item.keep:
                font.setItalic(True)  # to check, not struck out: nobody dropped it yet
            elif not item.keep:
                font.setStrikeOut(col not in (KEEP, CROP))
            return font
        if role == Qt.ToolTipRole:
            if col == PLATE and item.corrected:
                return f"Corrected by you; the OCR read {read.plate} (raw: {read.ocr_text})"
            if read.unsure and col in (PLATE, CONFIDENCE):
                return ("Unsure: the frames of this pass did not agree enough to report it. Check the "
                        "crop; tick Keep to save it, correcting the plate first if it is misread.")
            if col == FILE:
                return f"{read.file}\nSHA-256 {read.file_sha256}"
            if col == FRAME and read.last_frame:
                return f"Seen in frames {read.first_frame}–{read.last_frame} ({read.frames_seen} reads voted)"
        if role == Qt.TextAlignmentRole and col in (CONFIDENCE, FRAME, T_VIDEO):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def setData(self, index, value, role=Qt.EditRole):
        if not index.isValid():
            return False
        if index.column() == KEEP and role == Qt.CheckStateRole:
            keep = value in (Qt.Checked, Qt.Checked.value, 2, True)
            self.set_keep([index.row()], keep)
            return True
        if index.column() == PLATE and role == Qt.EditRole:
            return self.correct(index.row(), str(value))
        return False

    @staticmethod
    def _is_video(read: ExtractedRead) -> bool:
        return is_video(Path(read.file))

    def _thumb(self, row: int) -> QPixmap | None:
        if row not in self._thumbs:
            pixmap = QPixmap()
            if not pixmap.loadFromData(self.rows[row].read.crop_png, "PNG"):
                return None
            pixmap = pixmap.scaledToHeight(THUMB_HEIGHT, Qt.SmoothTransformation)
            if pixmap.width() > THUMB_MAX_WIDTH:
                pixmap = pixmap.scaledToWidth(THUMB_MAX_WIDTH, Qt.SmoothTransformation)
            self._thumbs[row] = pixmap
        return self._thumbs[row]
