"""Cases and evidence packets (Policy 424.4): cases, their held reads, packets to print and book.

`CasesPanel(cases, packets, caller)`; the section's factory is `app.ui.cases.cases_section`.
The services check every permission and write every access record; the panel enables
only the buttons the caller's roles allow, so a refusal is rare rather than impossible.
Building, previewing, printing and exporting run on a worker with progress and Cancel.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QProgressBar, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.domain.roles import Permission
from app.services.bags import verify_bag
from app.services.cases import CaseService, CaseSummary
from app.services.packets import BuiltPacket, ExportedBag, PacketService
from app.ui.cases import pdf_pages
from app.ui.cases.case_dialogs import AddReadsDialog, NewCaseDialog, ReleaseHoldDialog
from app.ui.cases.packet_preview import PacketPreview
from app.ui.cases.reads_model import CaseReadsModel, CasesModel
from app.ui.localtime import local_minutes
from app.ui.common import card, primary, show_error, show_info
from app.ui.workers import WorkerPool


def _table(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setHighlightSections(False)
    view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    return view


class CasesPanel(QWidget):
    cases_loaded = Signal(int)
    case_opened = Signal(str)
    packet_built = Signal(object)     # BuiltPacket
    packet_exported = Signal(object)  # ExportedBag
    packet_printed = Signal(int)      # pages
    job_failed = Signal(str)

    def __init__(self, cases: CaseService, packets: PacketService, caller: Caller, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("casesPanel")
        self.cases = cases
        self.packets = packets
        self.caller = caller
        self.current: CaseSummary | None = None
        self.packet: BuiltPacket | None = None
        self.preview: PacketPreview | None = None
        self._job = None
        self.workers = WorkerPool(max_threads=1, parent=self)
        self._build()
        self.refresh_cases()

    # --- construction -------------------------------------------------------------------

    def _build(self) -> None:
        may = self.caller.may
        heading = QLabel("Cases and evidence packets")
        heading.setObjectName("heading")
        intro = QLabel("Reads added to a case are placed on evidence hold and kept past the retention period "
                       "(Policy 424.4). An evidence packet gathers a case's held reads into a PDF to print and "
                       "book, and a bag of the original files with their SHA-256 for the media.")
        intro.setObjectName("muted")
        intro.setWordWrap(True)

        # Cases
        self.cases_model = CasesModel(self)
        self.cases_view = _table(self.cases_model)
        self.cases_view.setObjectName("casesTable")
        self.cases_view.setSelectionMode(QAbstractItemView.SingleSelection)
        header = self.cases_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeToContents)
        self.cases_view.selectionModel().selectionChanged.connect(self._case_selected)
        self.new_button = QPushButton("New case…")
        self.new_button.setObjectName("newCaseButton")
        self.new_button.setEnabled(may(Permission.MANAGE_CASES))
        self.new_button.clicked.connect(self.new_case)
        left, left_layout = card()
        title = QLabel("<b>Cases</b>")
        left_layout.addWidget(title)
        left_layout.addWidget(self.cases_view, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addStretch(1)
        left_layout.addLayout(row)

        # The open case
        self.case_title = QLabel("Choose a case")
        self.case_title.setObjectName("heading")
        self.case_title.setWordWrap(True)
        self.case_facts = QLabel("Its reads and their evidence holds are shown here.")
        self.case_facts.setObjectName("muted")
        self.add_button = QPushButton("Add reads…")
        self.add_button.setObjectName("addReadsButton")
        self.add_button.clicked.connect(self.add_reads_dialog)
        self.release_button = QPushButton("Release hold…")
        self.release_button.setObjectName("releaseButton")
        self.release_button.clicked.connect(self.release_dialog)
        self.build_button = primary(QPushButton("Build packet"))
        self.build_button.setObjectName("buildButton")
        self.build_button.clicked.connect(self.build_packet)
        tools = QHBoxLayout()
        tools.addWidget(self.add_button)
        tools.addWidget(self.release_button)
        tools.addStretch(1)
        tools.addWidget(self.build_button)
        self.reads_model = CaseReadsModel(self)
        self.reads_view = _table(self.reads_model)
        self.reads_view.setObjectName("caseReadsTable")
        self.reads_view.setSelectionMode(QAbstractItemView.ExtendedSelection)
        rheader = self.reads_view.horizontalHeader()
        for column in range(self.reads_model.columnCount()):
            rheader.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        rheader.setSectionResizeMode(8, QHeaderView.Stretch)
        self.reads_view.selectionModel().selectionChanged.connect(self._update_buttons)

        # The packet: progress while a job runs, then what was built and what to do with it.
        self.progress = QProgressBar()
        self.progress.setObjectName("packetProgress")
        self.progress.setTextVisible(True)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("muted")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_job)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress_box = QWidget()
        self.progress_box.setLayout(progress_row)
        progress_row.setContentsMargins(0, 0, 0, 0)
        self.progress_box.hide()

        self.packet_info = QLabel()
        self.packet_info.setObjectName("packetInfo")
        self.packet_info.setWordWrap(True)
        self.packet_info.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.preview_button = QPushButton("Preview…")
        self.preview_button.setObjectName("previewButton")
        self.preview_button.clicked.connect(self.open_preview)
        self.print_button = QPushButton("Print…")
        self.print_button.setObjectName("printButton")
        self.print_button.clicked.connect(self.print_dialog)
        self.export_button = primary(QPushButton("Export to folder…"))
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.export_dialog)
        packet_buttons = QHBoxLayout()
        packet_buttons.addWidget(self.preview_button)
        packet_buttons.addWidget(self.print_button)
        packet_buttons.addStretch(1)
        packet_buttons.addWidget(self.export_button)
        self.packet_card, packet_layout = card()
        self.packet_card.setObjectName("card")
        packet_layout.addWidget(self.packet_info)
        packet_layout.addLayout(packet_buttons)
        self.packet_card.hide()
        self.message = QLabel()
        self.message.setObjectName("notice")
        self.message.setWordWrap(True)
        self.message.hide()

        right, right_layout = card()
        right_layout.addWidget(self.case_title)
        right_layout.addWidget(self.case_facts)
        right_layout.addLayout(tools)
        right_layout.addWidget(self.reads_view, 1)
        right_layout.addWidget(self.progress_box)
        right_layout.addWidget(self.message)
        right_layout.addWidget(self.packet_card)

        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([420, 860])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        self._update_buttons()

    # --- cases and reads -----------------------------------------------------------------

    def refresh_cases(self, select: str | None = None) -> None:
        select = select or (self.current.number if self.current else None)
        try:
            cases = self.cases.list_cases(self.caller)
        except PlateDeskError as exc:
            show_error(self, exc)
            return
        self.cases_model.set_cases(cases)
        self.cases_loaded.emit(len(cases))
        if select:
            self.select_case(select)

    def select_case(self, number: str) -> None:
        for row, case in enumerate(self.cases_model.cases):
            if case.number == number:
                self.cases_view.selectionModel().select(
                    self.cases_model.index(row, 0),
                    QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
                self.cases_view.scrollTo(self.cases_model.index(row, 0))
                return

    def _case_selected(self, *_):
        rows = self.cases_view.selectionModel().selectedRows()
        if not rows:
            return
        case = self.cases_model.cases[rows[0].row()]
        self.open_case(case)

    def open_case(self, case: CaseSummary) -> None:
        if self.current is None or self.current.number != case.number:
            self._drop_packet()
        self.current = case
        try:
            reads = self.cases.case_reads(self.caller, case.number)
        except PlateDeskError as exc:
            show_error(self, exc)
            return
        self.reads_model.set_reads(reads)
        self.case_title.setText(f"{case.number}: {case.title}")
        released = case.reads - case.held
        self.case_facts.setText(
            f"Lead investigator {case.lead or '—'} · opened by {case.created_by}, {local_minutes(case.created_at)} · "
            f"{case.held} read{'s' if case.held != 1 else ''} held"
            + (f", {released} released" if released else ""))
        self._update_buttons()
        self.case_opened.emit(case.number)

    def selected_reads(self):
        rows = sorted(index.row() for index in self.reads_view.selectionModel().selectedRows())
        return [self.reads_model.reads[r] for r in rows]

    def _update_buttons(self, *_):
        may, busy = self.caller.may, self._job is not None
        has_case = self.current is not None
        selected = self.selected_reads() if has_case else []
        held_selected = [r for r in selected if r.held]
        held = sum(1 for r in self.reads_model.reads if r.held)
        self.add_button.setEnabled(has_case and may(Permission.MANAGE_CASES))
        self.release_button.setEnabled(has_case and may(Permission.RELEASE_HOLDS) and len(held_selected) == 1)
        self.release_button.setToolTip("" if may(Permission.RELEASE_HOLDS) else
                                       "Only the custodian of records or the case's lead detective releases holds.")
        can_build = may(Permission.BUILD_PACKETS)
        self.build_button.setVisible(can_build)
        self.build_button.setEnabled(can_build and has_case and held > 0 and not busy)
        self.build_button.setText(f"Build packet ({len(held_selected)} selected)" if held_selected
                                  else "Build packet")
        self.print_button.setEnabled(self.packet is not None and can_build and not busy)
        self.export_button.setEnabled(self.packet is not None and may(Permission.EXPORT_MEDIA) and not busy)
        self.preview_button.setEnabled(self.packet is not None)

    def new_case(self) -> None:
        dialog = NewCaseDialog(self.cases, self.caller, self)
        if dialog.exec() and dialog.result_value is not None:
            self.refresh_cases(select=dialog.result_value.number)

    def add_reads_dialog(self) -> None:
        if self.current is None:
            return
        dialog = AddReadsDialog(self.cases, self.caller, self.current.number, self)
        if dialog.exec() and dialog.result_value is not None:
            added = dialog.result_value
            self._say(f"{len(added.added)} read{'s' if len(added.added) != 1 else ''} added and held"
                      + (f"; {len(added.already_held)} already held" if added.already_held else "") + ".")
            self.refresh_cases()

    def release_dialog(self) -> ReleaseHoldDialog | None:
        held = [r for r in self.selected_reads() if r.held]
        if self.current is None or len(held) != 1:
            return None
        dialog = ReleaseHoldDialog(self.cases, self.caller, self.current.number, held[0], self)
        dialog.accepted.connect(lambda: (self._say(f"The hold on read {held[0].read_id} was released."),
                                         self.refresh_cases()))
        dialog.open()
        return dialog

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # --- packets -------------------------------------------------------------------------

    def build_packet(self) -> None:
        if self.current is None or self._job is not None:
            return
        chosen = [r.read_id for r in self.selected_reads() if r.held] or None
        number, packets, caller = self.current.number, self.packets, self.caller
        self._drop_packet()

        def job(cancel, progress):
            return packets.build(caller, number, chosen, cancel=cancel, progress=progress)

        self._start(job, "Building the packet…", self._built)

    def _built(self, packet: BuiltPacket) -> None:
        self.packet = packet
        warnings = "".join(f"<br><span style='color:#b3261e'>⚠ {w}</span>" for w in packet.warnings)
        self.packet_info.setText(
            f"<b>Packet {packet.packet_id}</b> for case {packet.case_number}: {len(packet.read_ids)} reads, "
            f"{packet.page_count} pages, {len(packet.files) + 1} files.<br>"
            f"PDF SHA-256 <tt>{packet.pdf_sha256}</tt>{warnings}")
        self.packet_card.show()
        self._say("")
        self.packet_built.emit(packet)

    def open_preview(self) -> PacketPreview | None:
        if self.packet is None:
            return None
        if not pdf_pages.renderer_available():
            show_error(self, f"The preview needs poppler's pdftoppm, which is not installed. The PDF is at "
                             f"{self.packet.pdf}.")
            return None
        self.preview = PacketPreview(self.packet, self)
        self.preview.open()
        return self.preview

    def print_dialog(self) -> None:
        if self.packet is None:
            return
        printer = QPrinter(QPrinter.HighResolution)
        printer.setDocName(f"Packet {self.packet.packet_id}")
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print packet {self.packet.packet_id}")
        if dialog.exec() == QPrintDialog.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Record the print with the PDF's SHA-256, then paint the pages on a worker."""
        packet = self.packet
        if packet is None or self._job is not None:
            return
        target = printer.printerName() or printer.outputFileName() or "default printer"
        try:
            self.packets.record_print(self.caller, packet, target, printer.copyCount())
        except PlateDeskError as exc:
            show_error(self, exc)
            return

        def job(cancel, progress):
            return pdf_pages.print_pdf(packet.pdf, packet.page_count, printer, cancel, progress)

        self._start(job, "Printing…", lambda pages: (self._say(f"{pages} pages sent to {target}."),
                                                    self.packet_printed.emit(pages)))

    def export_dialog(self) -> None:
        if self.packet is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "Export the packet to a folder or removable media",
                                                  str(Path.home()))
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> None:
        """Write the packet as a bag inside `folder`, then read it back to check it."""
        packet, packets, caller = self.packet, self.packets, self.caller
        if packet is None or self._job is not None:
            return

        def job(cancel, progress):
            bag = packets.export(caller, packet, folder, cancel=cancel, progress=progress)
            report = verify_bag(bag.path)
            if not report.ok:
                raise PlateDeskError(f"The bag was written but does not read back intact: {report.problem}")
            return bag

        self._start(job, "Exporting…", self._exported)

    def _exported(self, bag: ExportedBag) -> None:
        self._say(f"Packet written to {bag.path} ({bag.files} files) and read back intact. Book the media "
                  "into evidence with the printed chain-of-custody form.")
        self.packet_exported.emit(bag)
        show_info(self, f"The bag is at\n{bag.path}\n\nIt was read back and every file matches its SHA-256.",
                  "Packet exported")

    # --- jobs --------------------------------------------------------------------------

    def _start(self, job, label: str, on_done) -> None:
        self.progress_label.setText(label)
        self.progress.setRange(0, 0)
        self.progress_box.show()
        self.cancel_button.setEnabled(True)

        def finished(result):
            self._job = None
            on_done(result)
            self._end_job()

        self._job = self.workers.start(job, on_finished=finished, on_failed=self._failed,
                                       on_progress=self._progress, on_cancelled=self._cancelled)
        self._update_buttons()

    def _progress(self, progress) -> None:
        self.progress.setRange(0, max(1, progress.total))
        self.progress.setValue(progress.done)
        self.progress.setFormat(f"{progress.message}: {progress.done} of {progress.total}")

    def _end_job(self) -> None:
        self._job = None
        self.progress_box.hide()
        self._update_buttons()

    def _failed(self, message: str) -> None:
        self._end_job()
        self.job_failed.emit(message)
        show_error(self, message)

    def _cancelled(self) -> None:
        self._end_job()
        self._say("Cancelled: nothing was kept of the unfinished work.")

    def cancel_job(self) -> None:
        if self._job is not None:
            self.cancel_button.setEnabled(False)
            self._job.cancel()

    def _drop_packet(self) -> None:
        if self.packet is not None:
            self.packet.discard()
        self.packet = None
        self.packet_card.hide()

    def shutdown(self) -> None:
        self.workers.shutdown()
        if self.preview is not None:
            self.preview.workers.shutdown()
        self._drop_packet()
