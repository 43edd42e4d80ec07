"""Dialogs of the cases panel. Each calls its service itself, so a refusal or a bad entry is
shown inside the dialog as a sentence and the entries are not lost."""
from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QVBoxLayout)

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError, ValidationError
from app.services.cases import CaseRead, CaseService
from app.ui.common import confirm, error_label, primary, set_error
from app.ui.localtime import local_minutes


class CaseDialog(QDialog):
    """A form whose OK button runs `perform()`; a PlateDeskError stays in the dialog."""

    def __init__(self, title: str, ok_text: str, cases: CaseService, caller: Caller, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.cases = cases
        self.caller = caller
        self.result_value = None
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.error = error_label()
        self.ok = primary(QPushButton(ok_text))
        self.ok.setObjectName("okButton")
        cancel = QPushButton("Cancel")
        self.buttons = QDialogButtonBox()
        self.buttons.addButton(self.ok, QDialogButtonBox.AcceptRole)
        self.buttons.addButton(cancel, QDialogButtonBox.RejectRole)
        self.ok.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        self.body = QVBoxLayout(self)

    def finish_layout(self, intro: str = "") -> None:
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            label.setObjectName("muted")
            self.body.addWidget(label)
        self.body.addLayout(self.form)
        self.body.addWidget(self.error)
        self.body.addWidget(self.buttons)

    def perform(self):
        raise NotImplementedError

    def submit(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            self.result_value = self.perform()
        except PlateDeskError as exc:
            set_error(self.error, str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()


class NewCaseDialog(CaseDialog):
    def __init__(self, cases: CaseService, caller: Caller, parent=None) -> None:
        super().__init__("New case", "Create case", cases, caller, parent)
        self.number = QLineEdit()
        self.number.setPlaceholderText("e.g. GPD-26-1107")
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("e.g. Burglaries on Foothill Blvd")
        self.lead = QLineEdit()
        self.lead.setPlaceholderText(f"user name (default: {caller.username})")
        self.form.addRow("Case number", self.number)
        self.form.addRow("Title", self.title_edit)
        self.form.addRow("Lead investigator", self.lead)
        self.finish_layout("The lead investigator may release the case's evidence holds, as may the "
                           "custodian of records.")

    def perform(self):
        return self.cases.create_case(self.caller, self.number.text(), self.title_edit.text(),
                                      lead=self.lead.text().strip() or None)


def parse_read_ids(text: str) -> list[int]:
    """'12, 15 18-20' → [12, 15, 18, 19, 20]; anything else is a sentence for the user."""
    ids: list[int] = []
    for token in re.split(r"[\s,;]+", text.strip()):
        if not token:
            continue
        if re.fullmatch(r"\d+", token):
            ids.append(int(token))
        elif match := re.fullmatch(r"(\d+)-(\d+)", token):
            low, high = int(match[1]), int(match[2])
            if high < low or high - low > 10_000:
                raise ValidationError(f"{token!r} is not a range of read ids.")
            ids.extend(range(low, high + 1))
        else:
            raise ValidationError(f"{token!r} is not a read id: give numbers, like 1207, 1212 or 1300-1310.")
    if not ids:
        raise ValidationError("Give at least one read id.")
    return ids


class AddReadsDialog(CaseDialog):
    def __init__(self, cases: CaseService, caller: Caller, number: str, parent=None) -> None:
        super().__init__(f"Add reads to case {number}", "Add and hold", cases, caller, parent)
        self.number = number
        self.ids = QPlainTextEdit()
        self.ids.setPlaceholderText("Read ids from search results or a video's reviewed reads: 1207, 1212 1300-1310")
        self.ids.setFixedHeight(70)
        self.reason = QLineEdit(f"Evidence in case {number} (Policy 424.4)")
        self.form.addRow("Read ids", self.ids)
        self.form.addRow("Reason for the hold", self.reason)
        self.finish_layout("Each read added is placed on evidence hold: it is kept past the retention period "
                           "until the hold is released.")

    def perform(self):
        return self.cases.add_reads(self.caller, self.number, parse_read_ids(self.ids.toPlainText()),
                                    reason=self.reason.text())


class ReleaseHoldDialog(CaseDialog):
    def __init__(self, cases: CaseService, caller: Caller, number: str, read: CaseRead, parent=None) -> None:
        super().__init__("Release evidence hold", "Release hold", cases, caller, parent)
        self.number = number
        self.read = read
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("Why this read no longer needs to be kept (recorded with your name)")
        self.reason.setFixedHeight(80)
        facts = QLabel(f"<b>Read {read.read_id}</b>: {read.plate_as_read} at {read.source}, "
                       f"{local_minutes(read.captured_at)}<br>Held since {local_minutes(read.placed_at)} by "
                       f"{read.placed_by}: {read.reason}")
        facts.setWordWrap(True)
        self.body.addWidget(facts)
        self.form.addRow("Reason", self.reason)
        self.finish_layout("Once released, the read is purged with the others when its retention period "
                           "ends, unless another case holds it. The release is recorded in the access log.")

    def perform(self):
        reason = self.reason.toPlainText().strip()
        if len(reason) < 4:
            raise ValidationError("Say why the hold is released (a reason of a few words at least).")
        if not confirm(self, "Release evidence hold",
                       f"Release the hold of case {self.number} on read {self.read.read_id} "
                       f"({self.read.plate_as_read})?\n\nReason: {reason}", "Release hold"):
            raise ValidationError("The hold was not released.")
        self.cases.release_hold(self.caller, self.number, self.read.read_id, reason)
        return True
