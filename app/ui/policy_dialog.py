"""Policy 424 in full, acknowledged once per version before any ALPR data (424.8)."""
from __future__ import annotations

import html
import re

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout)

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.services.policy import PolicyService
from app.ui.common import error_label, primary, set_error

ACKNOWLEDGE = "I have read and acknowledge Policy 424"
_HEADING = re.compile(r"^424(\.\d+)+\s+[A-Z][A-Z ,()&/-]+$")


def policy_html(text: str) -> str:
    """The policy text, every line of it, with the numbered section headings set in bold."""
    parts = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [html.escape(line) for line in block.splitlines()]
        if len(lines) == 1 and _HEADING.match(block.strip()):
            parts.append(f"<h3 style='margin-top:14px'>{lines[0]}</h3>")
        else:
            parts.append(f"<p>{'<br>'.join(lines)}</p>")
    return "\n".join(parts)


class PolicyDialog(QDialog):
    """Shows the policy; the acknowledgement button wakes only once the reader reaches the end.

    Accepted means the service recorded the acknowledgement; rejected means the user declined
    (the caller logs them out).
    """

    def __init__(self, policy: PolicyService, caller: Caller, parent=None, *, read_only: bool = False) -> None:
        super().__init__(parent)
        self._policy = policy
        self._caller = caller
        self._read_only = False
        self.setWindowTitle("Plate Desk — ALPR Policy 424")
        self.resize(760, 680)

        title = QLabel("Read and acknowledge the ALPR policy")
        title.setObjectName("heading")
        intro = QLabel(f"Before you can use ALPR data, {caller.username}, read Policy 424 in full. "
                       "Your acknowledgement is recorded with the date and the policy version "
                       f"({policy.current_version()}).")
        intro.setWordWrap(True)
        intro.setObjectName("muted")

        self.text = QTextBrowser()
        self.text.setObjectName("policyText")
        self.text.setOpenExternalLinks(False)
        self.text.document().setDocumentMargin(14)
        self.text.setHtml(policy_html(policy.text))
        self.text.verticalScrollBar().valueChanged.connect(self._check_read)
        self.text.verticalScrollBar().rangeChanged.connect(lambda *_: self._check_read())

        self.hint = QLabel("Scroll to the end of the policy to acknowledge it.")
        self.hint.setObjectName("muted")
        self.error = error_label()

        self.accept_button = primary(QPushButton(ACKNOWLEDGE))
        self.accept_button.setEnabled(False)
        self.decline_button = QPushButton("Decline and log out")
        self.decline_button.setDefault(False)
        self.decline_button.setAutoDefault(False)
        buttons = QHBoxLayout()  # declining on the left, away from the button that records consent
        buttons.addWidget(self.decline_button)
        buttons.addStretch(1)
        buttons.addWidget(self.accept_button)
        self.accept_button.clicked.connect(self.acknowledge)
        self.decline_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        if read_only:  # re-reading from the Help menu: nothing to acknowledge
            title.setText("ALPR Policy 424")
            intro.setText(f"Policy version {policy.current_version()}.")
            self.hint.hide()
            self.decline_button.hide()
            self.accept_button.setEnabled(True)
            self.accept_button.setText("Close")
            self.accept_button.clicked.disconnect()
            self.accept_button.clicked.connect(self.reject)
            self._read_only = True

    @property
    def read_to_end(self) -> bool:
        bar = self.text.verticalScrollBar()
        if bar.maximum() > 0:
            return bar.value() >= bar.maximum()
        # No scroll range yet may mean "not laid out yet": only a short text that visibly fits counts.
        height = self.text.document().size().height()
        return 0 < height <= self.text.viewport().height()

    def _check_read(self) -> None:
        # Once enabled it stays enabled: scrolling back up to re-read is no reason to start over.
        if self.read_to_end and not self.accept_button.isEnabled() and self.isVisible() and not self._read_only:
            self.accept_button.setEnabled(True)
            self.hint.setText("You have reached the end of the policy.")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._check_read)

    def scroll_to_end(self) -> None:
        bar = self.text.verticalScrollBar()
        bar.setValue(bar.maximum())

    def acknowledge(self) -> None:
        try:
            self._policy.accept(self._caller)
        except PlateDeskError as exc:
            set_error(self.error, str(exc))
            return
        self.accept()
