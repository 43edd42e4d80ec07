"""Retention (424.4): the period, what a purge would delete by month, the purge itself and past runs.

The purge runs on a worker with progress and a Cancel button; a cancelled run keeps what it
deleted and is recorded like any other.
"""
from __future__ import annotations


from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QProgressBar,
                               QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.jobs import Progress
from app.services.retention import MIN_RETENTION_DAYS, RetentionPreview, RetentionResult, RetentionService
from app.ui.common import confirm, primary, show_error
from app.ui.workers import WorkerPool
from app.ui.localtime import local_minutes


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    table.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    return table


def _fill(table: QTableWidget, rows: list[list]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else
                                    str(value))
            if isinstance(value, int) and not isinstance(value, bool):
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            table.setItem(r, c, item)


class RetentionPanel(QWidget):
    previewed = Signal(object)  # RetentionPreview
    finished = Signal(object)   # RetentionResult, or None when cancelled

    def __init__(self, retention: RetentionService, caller: Caller, ask=confirm, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("retentionPanel")
        self.retention, self.caller, self._ask = retention, caller, ask
        self.workers = WorkerPool(max_threads=1, parent=self)
        self.worker = None
        self.preview: RetentionPreview | None = None

        heading = QLabel("Retention and purge")
        heading.setObjectName("heading")
        intro = QLabel("Policy 424.4: ALPR data is kept at least one year, then purged unless it is on evidence "
                       "hold. A purge deletes the reads, their alerts and the images no remaining read uses, "
                       "leaves no trace of them in the database files, and never touches the audit log.")
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        self.days = QSpinBox()
        self.days.setObjectName("retentionDays")
        self.days.setRange(1, 36500)
        self.days.setSuffix(" days")
        self.days.setValue(retention.retention_days())
        self.save_button = QPushButton("Save period")
        self.save_button.setObjectName("saveDays")
        self.save_button.clicked.connect(self.save_days)
        self.preview_button = QPushButton("Preview purge")
        self.preview_button.setObjectName("previewButton")
        self.preview_button.clicked.connect(self.show_preview)
        self.run_button = primary(QPushButton("Run purge…"))
        self.run_button.setObjectName("runButton")
        self.run_button.setEnabled(False)
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.addWidget(QLabel("Keep reads for"))
        row.addWidget(self.days)
        row.addWidget(self.save_button)
        row.addSpacing(20)
        row.addWidget(self.preview_button)
        row.addWidget(self.run_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        self.message = QLabel()
        self.message.setObjectName("retentionMessage")
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.hide()
        self.months = _table(["Month (UTC)", "Reads to purge", "Kept on hold"], "monthsTable")
        self.runs = _table(["Run", "By", "Cutoff", "Kind", "Reads deleted", "Images deleted", "Kept on hold"],
                           "runsTable")
        card = QFrame()
        card.setObjectName("card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(16, 12, 16, 12)
        inner.addWidget(intro)
        inner.addLayout(row)
        inner.addWidget(self.message)
        inner.addWidget(self.progress)
        tables = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(QLabel("<b>What a purge would delete</b>"))
        left.addWidget(self.months)
        right.addWidget(QLabel("<b>Past runs</b>"))
        right.addWidget(self.runs)
        tables.addLayout(left, 2)
        tables.addLayout(right, 3)
        inner.addLayout(tables, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addWidget(heading)
        layout.addWidget(card, 1)
        self.refresh_runs()

    def save_days(self) -> None:
        try:
            self.retention.set_retention_days(self.caller, self.days.value())
        except PlateDeskError as exc:
            self.message.setText(str(exc))
            self.message.setStyleSheet("color:#b3261e;")
            self.days.setValue(max(self.retention.retention_days(), MIN_RETENTION_DAYS))
            return
        self.message.setStyleSheet("")
        self.message.setText(f"Reads are now kept for {self.days.value():,} days.")
        self.preview = None
        self.run_button.setEnabled(False)

    def show_preview(self) -> None:
        try:
            preview = self.retention.preview(self.caller)
        except PlateDeskError as exc:
            show_error(self, exc)
            return
        self.preview = preview
        _fill(self.months, [[m.month, m.purge, m.held] for m in preview.months])
        self.message.setStyleSheet("")
        self.message.setText(f"Cutoff {local_minutes(preview.cutoff)} ({preview.days:,} days): {preview.reads:,} reads and "
                             f"{preview.images:,} images would be deleted; {preview.held:,} reads are kept on hold.")
        self.run_button.setEnabled(preview.reads > 0)
        self.previewed.emit(preview)

    def run(self) -> None:
        if self.preview is None or not self._ask(
                self, "Purge ALPR data",
                f"Delete {self.preview.reads:,} reads older than {local_minutes(self.preview.cutoff)} and "
                f"{self.preview.images:,} images for good? Reads on evidence hold are kept. This cannot be undone.",
                "Purge"):
            return
        retention, caller = self.retention, self.caller
        self.progress.setRange(0, max(self.preview.reads, 1))
        self.progress.setValue(0)
        self.progress.show()
        for button in (self.run_button, self.preview_button, self.save_button):
            button.setEnabled(False)
        self.cancel_button.show()
        self.worker = self.workers.start(
            lambda cancel, progress: retention.run(caller, cancel=cancel, progress=progress),
            on_progress=self._progress, on_finished=self._done, on_failed=self._failed,
            on_cancelled=lambda: self._done(None))

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)

    def _progress(self, progress: Progress) -> None:
        self.progress.setValue(progress.done)

    def _done(self, result: RetentionResult | None) -> None:
        self._idle()
        self.message.setText("Purge cancelled; what was purged so far is recorded." if result is None else
                             f"Purged {result.deleted_reads:,} reads and {result.deleted_images:,} images; "
                             f"{result.kept_on_hold:,} kept on hold.")
        self.refresh_runs()
        self.finished.emit(result)

    def _failed(self, message: str) -> None:
        self._idle()
        show_error(self, message)

    def _idle(self) -> None:
        self.worker = None
        self.progress.hide()
        self.cancel_button.hide()
        self.cancel_button.setEnabled(True)
        self.preview = None
        self.preview_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.run_button.setEnabled(False)
        _fill(self.months, [])

    def refresh_runs(self) -> None:
        try:
            runs = self.retention.list_runs(self.caller)
        except PlateDeskError as exc:
            self.message.setText(str(exc))
            for button in (self.run_button, self.preview_button, self.save_button):
                button.setEnabled(False)
            return
        _fill(self.runs, [[local_minutes(r.run_at), r.run_by, local_minutes(r.cutoff), "dry run" if r.dry_run else "purge",
                           r.deleted_reads, r.deleted_images, r.kept_on_hold] for r in runs])

    def shutdown(self) -> None:
        self.workers.shutdown()
