"""Audit review (424.5(c)): the access log with filters, the chain's status, export and the report.

Searching, verifying, exporting and writing the report each run on the panel's worker (one
thread), so a long log never freezes the window; each of them is itself recorded.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QSplitter, QTableView, QVBoxLayout, QWidget)

from app.domain.accounts import Caller
from app.domain.audit import AuditEntry, ChainReport
from app.services.audit import AuditFilters, AuditService
from app.ui.audit.audit_filters import AuditFilterBar
from app.ui.audit.audit_model import AuditModel, elements_text
from app.ui.localtime import local_text
from app.ui.audit.report_dialog import ReportDialog
from app.ui.common import primary, restyle, show_error
from app.ui.workers import WorkerPool

PAGE = 200


class AuditPanel(QWidget):
    """`reports` (an AuditReportService) adds the bi-annual report button when given."""

    verified = Signal(object)  # ChainReport
    exported = Signal(int)
    loaded = Signal(int)       # records on the page shown
    reported = Signal(object)  # the AuditReportData written

    def __init__(self, audit: AuditService, caller: Caller, reports=None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("auditPanel")
        self.audit = audit
        self.caller = caller
        self.reports = reports
        self.workers = WorkerPool(max_threads=1, parent=self)
        self.report: ChainReport | None = None
        self.filters = AuditFilters(limit=PAGE)
        self.total = 0
        self._serial = 0
        self.dialog: ReportDialog | None = None

        heading = QLabel("Audit of ALPR access")
        heading.setObjectName("heading")
        intro = QLabel("Every access to ALPR data is recorded in an append-only log, each record holding the "
                       "SHA-256 of the one before it (Civil Code §1798.90.52). Verifying recomputes the chain "
                       "and compares it with the signed checkpoint, so a deleted, edited or reordered record "
                       "is found. Each review, check, export and report is itself recorded.")
        intro.setWordWrap(True)
        intro.setObjectName("muted")

        self.verify_button = primary(QPushButton("Verify chain"))
        self.verify_button.setObjectName("verifyButton")
        self.verify_button.setMinimumWidth(130)
        self.verify_button.clicked.connect(self.verify)
        self.export_button = QPushButton("Export log…")
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.choose_export)
        self.report_button = QPushButton("Bi-annual report…")
        self.report_button.setObjectName("reportButton")
        self.report_button.clicked.connect(self.choose_report)
        self.report_button.setVisible(reports is not None)
        row = QHBoxLayout()
        row.addWidget(self.verify_button)
        row.addWidget(self.export_button)
        row.addWidget(self.report_button)
        row.addStretch(1)

        self.result = QLabel("The chain has not been verified in this session.")
        self.result.setObjectName("muted")
        self.result.setWordWrap(True)
        self.export_status = QLabel()
        self.export_status.setObjectName("muted")
        self.export_status.setWordWrap(True)
        self.export_status.hide()

        chain = QFrame()
        chain.setObjectName("card")
        inner = QVBoxLayout(chain)
        inner.setContentsMargins(16, 12, 16, 12)
        inner.setSpacing(8)
        inner.addWidget(intro)
        inner.addLayout(row)
        inner.addWidget(self.result)
        inner.addWidget(self.export_status)

        self.filter_bar = AuditFilterBar()
        self.filter_bar.applied.connect(self.apply)
        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((60, 195, 80, 140, 80, 150, 110, 260, 60)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.page_label = QLabel()
        self.page_label.setObjectName("pageLabel")
        self.newer_button = QPushButton("◀ Newer")
        self.newer_button.setObjectName("newerButton")
        self.older_button = QPushButton("Older ▶")
        self.older_button.setObjectName("olderButton")
        self.newer_button.clicked.connect(lambda: self._page(-1))
        self.older_button.clicked.connect(lambda: self._page(1))
        pager = QHBoxLayout()
        pager.addWidget(self.page_label, 1)
        pager.addWidget(self.newer_button)
        pager.addWidget(self.older_button)
        self.record = QLabel("Select a record to see all of it.")
        self.record.setObjectName("recordDetail")
        self.record.setWordWrap(True)
        self.record.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.record.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.record.setStyleSheet("background:#f6f8fa; border:1px solid #d3d9e1; border-radius:4px; padding:6px 8px;")

        log = QFrame()
        log.setObjectName("card")
        log_layout = QVBoxLayout(log)
        log_layout.setContentsMargins(16, 12, 16, 12)
        log_layout.setSpacing(8)
        log_layout.addWidget(self.filter_bar)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.record)
        split.setSizes([400, 90])
        split.setChildrenCollapsible(False)
        log_layout.addWidget(split, 1)
        log_layout.addLayout(pager)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(chain)
        layout.addWidget(log, 1)
        self._load_actions()
        self.apply(self.filters)

    # --- the log ------------------------------------------------------------------------

    def _load_actions(self) -> None:
        try:
            self.filter_bar.set_actions(self.audit.actions(self.caller))
        except Exception:  # noqa: BLE001 - the list is a convenience; a refusal shows on search
            pass

    def apply(self, filters: AuditFilters) -> None:
        """Show the first page of records matching `filters` (newest first)."""
        self.filters = AuditFilters(**{**filters.__dict__, "offset": 0, "limit": PAGE})
        self._load()

    def _page(self, step: int) -> None:
        offset = max(0, self.filters.offset + step * PAGE)
        if offset >= max(self.total, 1) and step > 0:
            return
        self.filters = AuditFilters(**{**self.filters.__dict__, "offset": offset})
        self._load()

    def _load(self) -> None:
        # Filters may change again before a page arrives: only the newest request is shown.
        self._serial += 1
        serial, audit, caller, filters = self._serial, self.audit, self.caller, self.filters
        self.page_label.setText("Loading…")
        # Counted first: the search records itself, and that record is not on the page it returns.
        self.workers.start(lambda cancel, progress: (audit.count(caller, filters), audit.search(caller, filters)),
                           on_finished=lambda result: self._loaded(serial, result[1], result[0]),
                           on_failed=lambda message: self._load_failed(serial, message))

    def _loaded(self, serial: int, entries: list[AuditEntry], total: int) -> None:
        if serial != self._serial:
            return
        self.total = total
        self.model.set_entries(entries)
        first = self.filters.offset + 1 if entries else 0
        last = self.filters.offset + len(entries)
        self.page_label.setText(f"Records {first:,}–{last:,} of {total:,} matching, newest first"
                                if entries else "No record matches these filters.")
        self.newer_button.setEnabled(self.filters.offset > 0)
        self.older_button.setEnabled(last < total)
        self.record.setText("Select a record to see all of it.")
        self.loaded.emit(len(entries))

    def _load_failed(self, serial: int, message: str) -> None:
        if serial != self._serial:
            return
        self.model.set_entries([])
        self.page_label.setText(message)
        self.loaded.emit(0)

    def _show_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        e = self.model.entries[rows[0].row()]
        parts = [f"<b>#{e.seq}</b> {local_text(e.occurred_at)} ({e.occurred_at:%Y-%m-%d %H:%M:%S} UTC) — <b>{e.username}</b>"
                 f" ({e.agency or 'no agency'}) at {e.workstation or '?'}: <b>{e.action}</b>, {e.outcome}"]
        if e.purpose or e.case_number:
            parts.append(f"Purpose: {e.purpose or '—'} · case: {e.case_number or '—'}")
        if e.query not in ("", "{}"):
            parts.append(f"Data elements: {elements_text(e.query)}")
        if e.result_count is not None:
            parts.append(f"Results: {e.result_count:,}")
        if e.detail:
            parts.append(f"Detail: {e.detail}")
        parts.append(f"<span style='color:#5f6b7a'>SHA-256 {e.row_hash} · previous {e.prev_hash[:16]}…</span>")
        self.record.setText("<br/>".join(_escape(p) if i not in (0, len(parts) - 1) else p
                                         for i, p in enumerate(parts)))

    # --- the chain ----------------------------------------------------------------------

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.verify_button.setText("Verifying…")
        self._set_result("Verifying the chain…", "muted")
        audit, caller = self.audit, self.caller
        self.workers.start(lambda cancel, progress: audit.verify(caller),
                           on_finished=self._verified, on_failed=self._verify_failed)

    def _verified(self, report: ChainReport) -> None:
        self.report = report
        self._reset_verify_button()
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        if report.ok:
            self._set_result(f"✔  Chain intact: {report.records:,} records verified ({stamp}).", "resultOk")
        else:
            self._set_result(f"✘  Chain broken at record {report.first_bad_seq}: {report.reason} ({stamp}). "
                             "Report this to the Captain and the IS supervisor.", "resultBad")
        self.verified.emit(report)

    def _verify_failed(self, message: str) -> None:
        self._reset_verify_button()
        self._set_result(message, "resultBad")

    def _reset_verify_button(self) -> None:
        self.verify_button.setEnabled(True)
        self.verify_button.setText("Verify chain")

    def _set_result(self, text: str, style: str) -> None:
        self.result.setText(text)
        restyle(self.result, style)

    # --- export and report ------------------------------------------------------------

    def choose_export(self) -> None:
        name = f"audit-log-{datetime.now():%Y%m%d-%H%M}.csv"
        path, chosen = QFileDialog.getSaveFileName(self, "Export the audit log", str(Path.home() / name),
                                                   "CSV (*.csv);;JSON lines (*.jsonl)")
        if path:
            self.export(Path(path), "jsonl" if chosen.startswith("JSON") or path.endswith(".jsonl") else "csv")

    def export(self, path: Path, fmt: str = "csv") -> None:
        self.export_button.setEnabled(False)
        self.export_status.setText(f"Exporting to {path}…")
        self.export_status.show()
        audit, caller = self.audit, self.caller
        self.workers.start(lambda cancel, progress: audit.export(caller, path, fmt),
                           on_finished=lambda count: self._exported(path, count), on_failed=self._export_failed)

    def _exported(self, path: Path, count: int) -> None:
        self.export_button.setEnabled(True)
        self.export_status.setText(f"Exported {count:,} records to {path}.")
        self.exported.emit(count)

    def _export_failed(self, message: str) -> None:
        self.export_button.setEnabled(True)
        self.export_status.hide()
        show_error(self, message)

    def choose_report(self) -> None:
        dialog = ReportDialog(parent=self)
        dialog.setAttribute(Qt.WA_DeleteOnClose, True)
        dialog.accepted.connect(lambda: self.write_report(*dialog.period()))
        self.dialog = dialog
        dialog.open()

    def write_report(self, start, end, out: Path) -> None:
        self.report_button.setEnabled(False)
        self.export_status.setText(f"Writing the audit report for {start} to {end}…")
        self.export_status.show()
        reports, caller = self.reports, self.caller
        self.workers.start(lambda cancel, progress: reports.write(caller, start, end, out),
                           on_finished=lambda data: self._reported(out, data), on_failed=self._report_failed)

    def _reported(self, out: Path, data) -> None:
        self.report_button.setEnabled(True)
        flagged = f"{len(data.anomalies)} item{'s' if len(data.anomalies) != 1 else ''} flagged for review"
        self.export_status.setText(f"Audit report written to {out}: {data.records:,} records, "
                                   f"{data.searches:,} searches, {flagged}.")
        self.reported.emit(data)

    def _report_failed(self, message: str) -> None:
        self.report_button.setEnabled(True)
        self.export_status.hide()
        show_error(self, message)

    def shutdown(self) -> None:
        self.workers.shutdown()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def audit_section(services, caller: Caller) -> QWidget:
    """Factory for the sections registry, with the bi-annual report."""
    return AuditPanel(services.audit, caller, services.audit_reports)


