"""Audit review (424.5(c)): verify the hash-chained access log and export it."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget)

from app.domain.accounts import Caller
from app.domain.audit import ChainReport
from app.services.audit import AuditService
from app.ui.common import primary, restyle, show_error
from app.ui.workers import WorkerPool


class AuditPanel(QWidget):
    """Verifying walks the whole chain, so it runs on a worker; so does the export."""

    verified = Signal(object)  # ChainReport
    exported = Signal(int)

    def __init__(self, audit: AuditService, caller: Caller, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("auditPanel")
        self.audit = audit
        self.caller = caller
        self.workers = WorkerPool(max_threads=1, parent=self)
        self.report: ChainReport | None = None

        heading = QLabel("Audit of ALPR access")
        heading.setObjectName("heading")
        intro = QLabel("Every access to ALPR data is recorded in an append-only log, each record holding the "
                       "SHA-256 of the one before it (Civil Code §1798.90.52). Verifying recomputes the chain "
                       "and compares it with the signed checkpoint, so a deleted, edited or reordered record "
                       "is found. The check itself is recorded.")
        intro.setWordWrap(True)
        intro.setObjectName("muted")

        self.verify_button = primary(QPushButton("Verify chain"))
        self.verify_button.setObjectName("verifyButton")
        self.verify_button.setMinimumWidth(130)
        self.verify_button.clicked.connect(self.verify)
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.choose_export)
        row = QHBoxLayout()
        row.addWidget(self.verify_button)
        row.addWidget(self.export_button)
        row.addStretch(1)

        self.result = QLabel("The chain has not been verified in this session.")
        self.result.setObjectName("muted")
        self.result.setWordWrap(True)
        self.export_status = QLabel()
        self.export_status.setObjectName("muted")
        self.export_status.setWordWrap(True)
        self.export_status.hide()

        card = QFrame()
        card.setObjectName("card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(20, 18, 20, 18)
        inner.setSpacing(12)
        inner.addWidget(intro)
        inner.addLayout(row)
        inner.addWidget(self.result)
        inner.addWidget(self.export_status)
        later = QLabel("The audit viewer with filters and the bi-annual audit report for the Chief arrive "
                       "with a later release.")
        later.setObjectName("muted")
        later.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addWidget(heading)
        layout.addWidget(card)
        layout.addWidget(later)
        layout.addStretch(1)

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

    def shutdown(self) -> None:
        self.workers.shutdown()
