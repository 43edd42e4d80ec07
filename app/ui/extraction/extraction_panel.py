"""Video and photo extraction: open files, read their plates off-thread, review, save.

`ExtractionPanel(extraction, cases, caller, place_map)`; the section's factory is
`app.ui.extraction.extraction_section`. Opening files (the button, or a drop) hashes them at
once (the SHA-256 is recorded before anything else reads them); the place can be typed or
picked on the map. Extraction runs on one job pool of one thread (one OCR model in memory)
with a progress bar, frames per second, time left and Cancel. The reads then wait in the
review table, the selected one shown large under it, where a misread is corrected and a false
read unticked, until Save stores them through the service, which checks the role and writes
the access records. Reads not saved are not discarded without asking.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QInputDialog,
                               QLabel, QProgressBar, QPushButton, QSplitter, QTableView, QVBoxLayout,
                               QWidget)

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.domain.roles import Permission
from app.jobs import Progress
from app.recognition.media import IMAGE_SUFFIXES, VIDEO_SUFFIXES
from app.services.cases import CaseService
from app.services.extraction import LOADING_MODEL, ExtractionService, SourceFile
from app.ui.common import card, confirm, primary
from app.ui.extraction import review_model as rm
from app.ui.extraction.review_model import ReviewModel
from app.ui.extraction.place_picker import PlaceMap, PlacePickerDialog
from app.ui.extraction.read_preview import PREVIEW_HEIGHT, ReadPreview
from app.ui.extraction.source_form import SourceForm
from app.ui.workers import WorkerPool

FILE_FILTER = ("Videos and photos ({})".format(" ".join(f"*{s}" for s in sorted(VIDEO_SUFFIXES | IMAGE_SUFFIXES)))
               + ";;Videos ({})".format(" ".join(f"*{s}" for s in sorted(VIDEO_SUFFIXES)))
               + ";;Photos ({})".format(" ".join(f"*{s}" for s in sorted(IMAGE_SUFFIXES))))


def time_left(progress: Progress) -> str:
    """'0:42 left' from the work's rate; empty until the rate is known."""
    if not progress.rate or progress.total <= progress.done:
        return ""
    seconds = int((progress.total - progress.done) / progress.rate + 0.5)
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return (f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}") + " left"


def dropped_paths(mime) -> list[Path]:
    """The local files and folders a drag carries (a browser's web links are not evidence files)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class ExtractionPanel(QWidget):
    files_hashed = Signal(object)     # list[SourceFile]
    progressed = Signal(object)       # Progress
    extracted = Signal(object)        # list[ExtractedRead]
    extraction_cancelled = Signal()
    saved = Signal(object)            # list[int]: the new reads' ids
    added_to_case = Signal(object)    # AddedReads
    job_failed = Signal(str)

    def __init__(self, extraction: ExtractionService, cases: CaseService | None, caller: Caller,
                 place_map: PlaceMap | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("extractionPanel")
        self.extraction = extraction
        self.place_map = place_map or PlaceMap()
        self.place_picker: PlacePickerDialog | None = None
        self.cases = cases
        self.caller = caller
        self.files: list[SourceFile] = []
        self.saved_ids: list[int] = []
        self._job = None
        self._phase = ""
        self._case_number = ""
        self._found: int | None = None  # reads of the last finished run
        # One job pool of one thread: one OCR model in memory, one job at a time.
        self.workers = WorkerPool(max_threads=1, parent=self)
        self._build()
        self._update_buttons()
        self.setAcceptDrops(True)

    # --- construction -------------------------------------------------------------------

    def _build(self) -> None:
        heading = QLabel("Video and photo extraction")
        heading.setObjectName("heading")
        intro = QLabel("Plates are read on this workstation, never sent elsewhere. Each file's SHA-256 is "
                       "recorded when it is opened; each read keeps its frame and plate crop for the chain of "
                       "custody. Nothing is stored until you review the reads and save them.")
        intro.setObjectName("muted")
        intro.setWordWrap(True)

        self.open_button = QPushButton("Open files…")
        self.open_button.setObjectName("openButton")
        self.open_button.clicked.connect(self.open_dialog)
        self.files_info = QLabel("Open a video (mp4, avi, mov, mkv) or a set of photos, or drop them here.")
        self.files_info.setObjectName("muted")
        self.form = SourceForm()
        self.form.pick_place.connect(self.open_place_picker)
        self.run_button = primary(QPushButton("Read plates"))
        self.run_button.setObjectName("runButton")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setObjectName("extractProgress")
        self.progress.setTextVisible(True)
        self.progress.setMinimumWidth(220)
        self.rate_label = QLabel()
        self.rate_label.setObjectName("rateLabel")
        self.rate_label.setMinimumWidth(190)

        source_card, source = card()
        top = QHBoxLayout()
        title = QLabel("<b>Files and facts</b>")
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(self.files_info, 1)
        top.addWidget(self.open_button)
        source.addLayout(top)
        source.addWidget(self.form)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.cancel_button)
        run_row.addSpacing(8)
        run_row.addWidget(self.progress, 1)
        run_row.addWidget(self.rate_label)
        source.addLayout(run_row)

        self.model = ReviewModel(self)
        self.model.edited.connect(self._update_buttons)
        self.form.starts_changed.connect(self.model.set_starts)
        self.form.edited.connect(lambda: self._set_error(""))
        self.table = QTableView()
        self.table.setObjectName("reviewTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                   | QAbstractItemView.AnyKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(rm.THUMB_HEIGHT + 10)
        self.table.setIconSize(QSize(rm.THUMB_MAX_WIDTH, rm.THUMB_HEIGHT))
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for col in range(self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(rm.FILE, QHeaderView.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.preview = ReadPreview()
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.model.modelReset.connect(self._show_selected)

        hint = QLabel("Double-click a plate to correct a misread (the OCR's text is kept, the correction "
                      "logged); untick <b>Keep</b> or press <b>Drop</b> or Delete for a false read. A pass "
                      "marked <i>unsure</i> arrives unticked: check its crop and tick it to keep it.")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        self.drop_button = QPushButton("Drop selected")
        self.drop_button.setObjectName("dropButton")
        self.drop_button.clicked.connect(lambda: self.model.set_keep(self._selected_rows(), False))
        self.keep_button = QPushButton("Keep selected")
        self.keep_button.setObjectName("keepButton")
        self.keep_button.clicked.connect(lambda: self.model.set_keep(self._selected_rows(), True))
        # Delete drops, as in a file list; the rows stay, struck through, for Keep to take back.
        drop_key = QShortcut(QKeySequence.Delete, self.table, context=Qt.WidgetShortcut)
        drop_key.activated.connect(self.drop_button.click)
        self.review_info = QLabel("No reads yet.")
        self.review_info.setObjectName("reviewInfo")
        self.save_button = primary(QPushButton("Save reads"))
        self.save_button.setObjectName("saveButton")
        self.save_button.clicked.connect(self.save)
        tools = QHBoxLayout()
        tools.addWidget(self.drop_button)
        tools.addWidget(self.keep_button)
        tools.addSpacing(12)
        tools.addWidget(self.review_info, 1)
        tools.addWidget(self.save_button)

        self.message = QLabel()
        self.message.setObjectName("resultOk")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.case_button = QPushButton("Add to case…")
        self.case_button.setObjectName("addToCaseButton")
        self.case_button.clicked.connect(self.add_to_case_dialog)
        self.case_button.setEnabled(self.cases is not None and self.caller.may(Permission.MANAGE_CASES))
        self.saved_box = QWidget()
        saved_row = QHBoxLayout(self.saved_box)
        saved_row.setContentsMargins(0, 0, 0, 0)
        saved_row.addWidget(self.message, 1)
        saved_row.addWidget(self.case_button, 0, Qt.AlignVCenter)
        self.saved_box.hide()
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()

        review_card, review = card()
        review_title = QLabel("<b>Review</b>")
        review.addWidget(review_title)
        review.addWidget(hint)
        # The table takes what the preview leaves, down to a row or two; then the preview
        # shrinks. The handle between them moves that line by hand.
        self.table.setMinimumHeight(2 * self.table.verticalHeader().defaultSectionSize()
                                    + self.table.horizontalHeader().sizeHint().height() + 4)
        self.review_split = QSplitter(Qt.Vertical)
        self.review_split.setChildrenCollapsible(False)
        self.review_split.addWidget(self.table)
        self.review_split.addWidget(self.preview)
        self.review_split.setStretchFactor(0, 1)
        self.review_split.setStretchFactor(1, 0)
        self.review_split.setSizes([10_000, PREVIEW_HEIGHT])
        review.addWidget(self.review_split, 1)
        review.addLayout(tools)
        review.addWidget(self.saved_box)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(source_card)
        layout.addWidget(self.error)
        layout.addWidget(review_card, 1)

    # --- the place on the map ---------------------------------------------------------

    def open_place_picker(self) -> PlacePickerDialog:
        """The map, on the typed place if there is one; its pick fills the place field."""
        sources = []
        if self.place_map.list_sources is not None:
            try:  # a short query of the cameras table, not worth a worker
                sources = self.place_map.list_sources()
            except PlateDeskError:
                pass  # the cameras only help to find one's way: the map works without them
        dialog = PlacePickerDialog(self.place_map.tile_url, self.place_map.tile_cache, sources,
                                   self.form.typed_place(), self)
        dialog.accepted.connect(lambda: self.form.set_place_text(dialog.place.text()))
        dialog.finished.connect(dialog.deleteLater)
        self.place_picker = dialog
        dialog.open()
        return dialog

    # --- opening and hashing ------------------------------------------------------------

    def open_dialog(self) -> None:
        if not self.may_discard_reads("open other files"):
            return
        paths, _ = QFileDialog.getOpenFileNames(self, "Open videos or photos", "", FILE_FILTER)
        if paths:
            self.open_paths(paths)

    def dragEnterEvent(self, event) -> None:
        if self._job is None and dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = dropped_paths(event.mimeData())
        if self._job is None and paths:
            event.acceptProposedAction()
            if self.may_discard_reads("open the dropped files"):
                self.open_paths(paths)

    def open_paths(self, paths: list[str | Path]) -> None:
        """Hash the files at once, before anything else reads them; then show them in the form."""
        if self._job is not None:
            return
        self._set_error("")
        self.saved_box.hide()
        self.model.set_reads([])
        self._start("hash", lambda cancel, progress: self.extraction.hash_files(paths, progress, cancel),
                    self._hashed)

    def _hashed(self, files: list[SourceFile]) -> None:
        self.files = files
        self._found = None
        self.form.set_files(files)
        videos = sum(1 for f in files if f.kind == "video")
        parts = [f"{videos} video{'s' * (videos != 1)}" if videos else "",
                 f"{len(files) - videos} photo{'s' * (len(files) - videos != 1)}" if len(files) > videos else ""]
        text = " and ".join(p for p in parts if p) + " opened; SHA-256 recorded."
        unreadable = [f for f in files if f.problem]
        if unreadable:
            names = ", ".join(f.name for f in unreadable[:3]) + (", …" if len(unreadable) > 3 else "")
            text += (f" {len(unreadable)} cannot be read and will be skipped: {names}." if len(unreadable) < len(files)
                     else " None of them can be read: damaged, incomplete or not what the name says.")
        self.files_info.setText(text)
        self.files_info.setToolTip("\n".join(f"{f.name}: {f.problem}" for f in unreadable))
        self.progress.setValue(0)
        self.rate_label.setText("")
        self.files_hashed.emit(files)

    # --- extraction -----------------------------------------------------------------------

    def run(self) -> None:
        if self._job is not None or not self.files or not self.may_discard_reads("read the files again"):
            return
        self._set_error("")
        self.saved_box.hide()
        self.model.set_reads([])
        self._found = None
        caller = replace(self.caller, purpose=self.form.purpose_edit.text().strip(),
                         case_number=self.form.case_edit.text().strip())
        files = list(self.files)
        self._start("extract", lambda cancel, progress: self.extraction.extract(
            caller, [f.path for f in files], progress, cancel, files=files, unsure=True), self._extracted)

    def _extracted(self, reads) -> None:
        self._found = len(reads)
        self.progress.setValue(1000)
        self.model.set_reads(reads)
        self.model.set_starts(self.form.starts)
        self.extracted.emit(reads)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.rate_label.setText("Cancelling…")

    # --- review and save --------------------------------------------------------------------

    def unsaved_work(self) -> str:
        """What would be lost if the page went now ('' when nothing): a run, or reads not saved."""
        if self._job is not None and self._phase == "extract":
            return "an extraction still running"
        n = self.model.kept() if self.model.rows and not self.model.locked else 0
        return f"{n} read{'s' if n != 1 else ''} of the last extraction not saved" if n else ""

    def may_discard_reads(self, doing: str) -> bool:
        """True when there is nothing unsaved, or the user agrees to lose it in order to do `doing`."""
        lost = self.unsaved_work()
        return not lost or confirm(self, "Reads not saved",
                                   f"{lost.capitalize()}; to {doing}, it is discarded (nothing of it is stored).",
                                   "Discard them")

    def _show_selected(self) -> None:
        rows = self._selected_rows()
        self.preview.show_read(self.model.rows[rows[0]].read if len(rows) == 1 else None)

    def _selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def save(self) -> None:
        if self._job is not None or not self.model.rows:
            return
        try:
            starts, places, source, purpose, case = self.form.save_facts()
        except PlateDeskError as exc:
            self._set_error(str(exc))
            return
        self._set_error("")
        caller = replace(self.caller, purpose=purpose, case_number=case)
        reviewed = self.model.reviewed()
        self._start("save", lambda cancel, progress: self.extraction.save(caller, reviewed, starts, places, source),
                    self._saved)

    def _saved(self, ids: list[int]) -> None:
        self.saved_ids = list(ids)
        corrected, dropped, unsure = self.model.corrected(), self.model.dropped(), self.model.unsure_unticked()
        extras = [f"{corrected} corrected" if corrected else "", f"{dropped} dropped" if dropped else "",
                  f"{unsure} unsure not kept" if unsure else ""]
        extra = ", ".join(e for e in extras if e)
        self.message.setText(f"✔ Saved {len(ids)} read{'s' * (len(ids) != 1)}"
                             + (f" ({extra})" if extra else "")
                             + f" under case {self.form.case_edit.text().strip()}; "
                             "each was checked against the hotlists.")
        self.saved_box.show()
        self.model.lock()
        self.saved.emit(list(ids))

    def add_to_case_dialog(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Add to case")
        dialog.setLabelText(f"Add the {len(self.saved_ids)} saved reads to case (placing them on evidence hold):")
        dialog.setTextValue(self.form.case_edit.text().strip())
        dialog.setAttribute(Qt.WA_DeleteOnClose, True)
        dialog.textValueSelected.connect(self.add_to_case)
        dialog.open()

    def add_to_case(self, number: str) -> None:
        if self._job is not None or not self.saved_ids or self.cases is None:
            return
        caller = replace(self.caller, purpose=self.form.purpose_edit.text().strip(),
                         case_number=number.strip())
        ids = list(self.saved_ids)
        self._case_number = number.strip()
        self._start("case", lambda cancel, progress: self.cases.add_reads(caller, number, ids), self._added)

    def _added(self, added) -> None:
        held = len(added.added) + len(added.already_held)
        self.message.setText(self.message.text() + f" {held} on evidence hold in case {self._case_number}.")
        self.case_button.setEnabled(False)
        self.added_to_case.emit(added)

    # --- the one worker -----------------------------------------------------------------

    def _start(self, phase: str, job, on_finished) -> None:
        self._phase = phase
        self.progress.setRange(0, 0 if phase in ("save", "case") else 1000)
        self.progress.setValue(0)
        self.progress.setFormat({"hash": "Hashing… %p%", "extract": "%p%"}.get(phase, "Saving…"))
        self.rate_label.setText({"hash": "Recording SHA-256…", "extract": "Loading the OCR model…"}
                                .get(phase, ""))
        def ended(slot):
            # The job counts as over before its news goes out: a slot may start the next one.
            def run(*args) -> None:
                self._job_done()
                slot(*args)
                self._update_buttons()
            return run

        self._job = self.workers.start(job, on_finished=ended(on_finished), on_failed=ended(self._failed),
                                       on_progress=self._progressed, on_cancelled=ended(self._cancelled))
        self._update_buttons()

    def _progressed(self, progress: Progress) -> None:
        if progress.total:
            self.progress.setValue(int(1000 * progress.fraction))
        if self._phase == "extract" and progress.message == LOADING_MODEL:
            self.rate_label.setText("Loading the OCR model…")
        elif self._phase == "extract":
            rate = f"{progress.rate:.1f} frames/s" if progress.rate else ""
            left = time_left(progress)
            self.rate_label.setText(" · ".join(p for p in (rate, left) if p))
            self.progress.setFormat(f"%p%  ·  frame {progress.done:,} of {progress.total:,}")
        self.progressed.emit(progress)

    def _failed(self, message: str) -> None:
        self._set_error(message)
        self.job_failed.emit(message)

    def _cancelled(self) -> None:
        self.rate_label.setText("Cancelled; nothing was kept.")
        self.progress.setValue(0)
        self.extraction_cancelled.emit()

    def _job_done(self) -> None:
        self._job = None
        if self.progress.maximum() == 0:  # a save or a case: no measure, a busy bar
            self.progress.setRange(0, 1000)
            self.progress.setValue(1000)
        if self._phase != "extract":
            self.rate_label.setText("")
        self.progress.setFormat("%p%")
        self._update_buttons()

    def _set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _update_buttons(self) -> None:
        busy = self._job is not None
        rows = bool(self.model.rows)
        selected = bool(self.table.selectionModel().selectedRows()) if hasattr(self, "table") else False
        self.open_button.setEnabled(not busy)
        self.run_button.setEnabled(not busy and any(not f.problem for f in self.files))
        self.cancel_button.setEnabled(busy and self._phase in ("hash", "extract"))
        locked = self.model.locked
        self.drop_button.setEnabled(not busy and selected and not locked)
        self.keep_button.setEnabled(not busy and selected and not locked)
        self.save_button.setEnabled(not busy and rows and not locked and self.model.kept() > 0)
        kept, total, corrected = self.model.kept(), len(self.model.rows), self.model.corrected()
        if busy and self._phase == "extract":
            self.review_info.setText("Reading plates… the reads appear here for review when the run ends.")
        elif locked:
            self.review_info.setText("Saved. Open files, or read these again, for a new review.")
        elif total:
            unsure = self.model.unsure_unticked()
            self.review_info.setText(f"{total} read{'s' * (total != 1)} · {kept} kept · "
                                     f"{self.model.dropped()} dropped · {corrected} corrected"
                                     + (f" · {unsure} unsure, not kept unless you tick them" if unsure else ""))
        elif self._found == 0:
            self.review_info.setText("No plates were found in the opened files.")
        else:
            self.review_info.setText("Read the plates of the opened files to review them here."
                                     if self.files else "No reads yet.")

    def shutdown(self) -> None:
        """Cancel a running job and wait for it (the window is closing or the user logs out)."""
        self.workers.shutdown()
