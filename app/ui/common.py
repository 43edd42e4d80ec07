"""Small helpers shared by the panels: error boxes, confirmations, QSettings, busy buttons."""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFrame, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from app.domain.errors import PlateDeskError

ORGANISATION = "Plate Desk"
APPLICATION = "PlateDesk"


def ui_settings() -> QSettings:
    """Window geometry and table layouts only; preferences live in app.config.Settings."""
    return QSettings(ORGANISATION, APPLICATION)


def show_error(parent: QWidget | None, error: BaseException | str, title: str = "Plate Desk") -> QMessageBox:
    """Show a service's sentence in a message box without blocking (tests never hang on it)."""
    text = str(error) if isinstance(error, (PlateDeskError, str)) else f"Unexpected error: {error}"
    box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, parent)
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WA_DeleteOnClose, True)
    box.open()
    return box


def show_info(parent: QWidget | None, text: str, title: str = "Plate Desk") -> QMessageBox:
    box = QMessageBox(QMessageBox.Information, title, text, QMessageBox.Ok, parent)
    box.setAttribute(Qt.WA_DeleteOnClose, True)
    box.open()
    return box


def confirm(parent: QWidget | None, title: str, text: str, action: str) -> bool:
    """Ask before a consequential action; the default button is the safe one."""
    box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.NoButton, parent)
    go = box.addButton(action, QMessageBox.AcceptRole)
    cancel = box.addButton("Cancel", QMessageBox.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is go


def primary(button: QPushButton) -> QPushButton:
    button.setProperty("primary", True)
    button.setDefault(True)
    return button


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.hide()
    return label


def set_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))



def restyle(widget: QWidget, object_name: str) -> None:
    """Switch a widget to another style-sheet rule by its object name.

    unpolish/polish misses padding and borders; a changed (empty) own style sheet makes Qt
    resolve the whole rule again."""
    widget.setObjectName(object_name)
    widget.setStyleSheet("/* a */" if widget.styleSheet() != "/* a */" else "/* b */")


def card() -> tuple[QFrame, QVBoxLayout]:
    """A white panel card (the theme's #card) and the layout to fill it with."""
    frame = QFrame()
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 12, 14, 12)
    layout.setSpacing(8)
    return frame, layout
