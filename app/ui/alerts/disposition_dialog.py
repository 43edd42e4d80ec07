"""Recording what an alert turned out to be, with a note (an audited action)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton,
                               QRadioButton, QVBoxLayout)

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.services.hotlists import DISPOSITION_LABELS, DISPOSITIONS, AlertView, HotlistService
from app.ui.common import error_label, primary, set_error

HINTS = {
    "confirmed": "The hit was verified through CLETS and the vehicle or plate is the one on the list.",
    "misread": "The plate was read wrongly (compare the crop with the hotlist plate).",
    "wrong_state": "The characters match but the vehicle is registered in another state.",
    "dismissed": "Not acted on (entry no longer valid, duplicate, or not practicable to verify).",
}


class DispositionDialog(QDialog):
    def __init__(self, hotlists: HotlistService, caller: Caller, alert: AlertView, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Disposition of the alert on {alert.plate}")
        self.setMinimumWidth(480)
        self.hotlists, self.caller, self.alert = hotlists, caller, alert
        self.result_alert: AlertView | None = None
        intro = QLabel(f"<b>{alert.plate}</b> — {alert.reason_label}, {alert.hotlist} ({alert.reference or 'no ref.'})")
        intro.setTextFormat(Qt.RichText)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for key in DISPOSITIONS:
            button = QRadioButton(DISPOSITION_LABELS[key])
            button.setObjectName(f"disposition-{key}")
            button.setToolTip(HINTS[key])
            self.group.addButton(button)
            self.buttons[key] = button
            layout.addWidget(button)
        self.note = QPlainTextEdit()
        self.note.setObjectName("dispositionNote")
        self.note.setPlaceholderText("What was checked and how: CLETS response, visual check of the plate, "
                                     "outcome of the stop…")
        self.note.setFixedHeight(90)
        layout.addWidget(QLabel("Note (required):"))
        layout.addWidget(self.note)
        self.error = error_label()
        layout.addWidget(self.error)
        self.ok = primary(QPushButton("Record disposition"))
        self.ok.setObjectName("okButton")
        cancel = QPushButton("Cancel")
        box = QDialogButtonBox()
        box.addButton(self.ok, QDialogButtonBox.AcceptRole)
        box.addButton(cancel, QDialogButtonBox.RejectRole)
        self.ok.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        layout.addWidget(box)

    def choose(self, disposition: str, note: str) -> None:
        self.buttons[disposition].setChecked(True)
        self.note.setPlainText(note)

    def submit(self) -> None:
        chosen = next((k for k, b in self.buttons.items() if b.isChecked()), None)
        if chosen is None:
            set_error(self.error, "Choose what the alert turned out to be.")
            return
        try:
            self.result_alert = self.hotlists.dispose(self.caller, self.alert.id, chosen, self.note.toPlainText())
        except PlateDeskError as exc:
            set_error(self.error, str(exc))
            return
        self.accept()
