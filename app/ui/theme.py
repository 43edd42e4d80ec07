"""A calm, legible look: Fusion with a light palette, a dark navigation rail, one accent."""
from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#2a5d9f"
RAIL = "#1d2838"
OK = "#1e7b3a"
OK_BG = "#e6f4ea"
BAD = "#b3261e"
BAD_BG = "#fce8e6"
MUTED = "#5f6b7a"
BORDER = "#d3d9e1"

STYLE_SHEET = f"""
QWidget {{ font-size: 10pt; }}
QLabel#title {{ font-size: 17pt; font-weight: 600; color: #1d2838; }}
QLabel#subtitle {{ color: {MUTED}; }}
QLabel#heading {{ font-size: 13pt; font-weight: 600; color: #1d2838; }}
QLabel#muted {{ color: {MUTED}; }}
QLabel#error {{ color: {BAD}; background: {BAD_BG}; border: 1px solid #f3b7b2;
               border-radius: 4px; padding: 6px 8px; }}
QLabel#resultOk {{ color: {OK}; background: {OK_BG}; border: 1px solid #a8d5b5;
                  border-radius: 4px; padding: 10px; font-weight: 600; }}
QLabel#resultBad {{ color: {BAD}; background: {BAD_BG}; border: 1px solid #f3b7b2;
                   border-radius: 4px; padding: 10px; font-weight: 600; }}
QLabel#notice {{ background: #fff8e1; border: 1px solid #f0d68a; border-radius: 4px;
                padding: 8px 10px; color: #5b4a12; }}
QFrame#card {{ background: white; border: 1px solid {BORDER}; border-radius: 6px; }}
QWidget#rail {{ background: {RAIL}; }}
QLabel#brand {{ color: #8fa6bf; font-weight: 700; font-size: 9pt; letter-spacing: 2px;
                padding: 16px 16px 4px 17px; }}
QListWidget#nav {{ background: {RAIL}; color: #dfe6ef; border: none; padding-top: 4px;
                   font-size: 10.5pt; outline: 0; }}
QListWidget#nav::item {{ padding: 9px 14px; border-left: 3px solid transparent; }}
QListWidget#nav::item:selected {{ background: #2b3a50; color: white; border-left: 3px solid #6ea8fe; }}
QListWidget#nav::item:hover:!selected {{ background: #243246; }}
QPushButton {{ padding: 5px 14px; border: 1px solid #b8c2cf; border-radius: 4px; background: #f7f9fb; }}
QPushButton:hover {{ background: #eef2f7; }}
QPushButton:disabled {{ color: #9aa4b1; background: #f1f3f5; border-color: #dde2e8; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border-color: {ACCENT}; font-weight: 600; }}
QPushButton[primary="true"]:hover {{ background: #234f88; }}
QPushButton[primary="true"]:disabled {{ background: #9db3cf; border-color: #9db3cf; color: #eef2f7; }}
QLineEdit, QDateEdit, QComboBox {{ padding: 4px 6px; border: 1px solid #b8c2cf; border-radius: 4px;
                                  background: white; }}
QLineEdit:focus, QDateEdit:focus, QComboBox:focus {{ border-color: {ACCENT}; }}
QTableView {{ gridline-color: #e4e8ee; selection-background-color: #dbe7f7; selection-color: black;
              alternate-background-color: #f6f8fa; }}
QHeaderView::section {{ background: #eef1f5; padding: 5px; border: none;
                        border-bottom: 1px solid {BORDER}; font-weight: 600; }}
QStatusBar {{ background: #eef1f5; border-top: 1px solid {BORDER}; }}
QStatusBar QLabel {{ padding: 0 8px; color: #2c3a4d; }}
QWidget#lockScreen {{ background: {RAIL}; }}
QWidget#lockScreen QLabel {{ color: #e8edf3; }}
QWidget#lockScreen QLabel#error {{ color: {BAD}; }}
QWidget#lockScreen QFrame#card {{ background: #243246; border: 1px solid #33465f; }}
"""


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    palette.setColor(QPalette.Window, QColor("#f4f6f9"))
    palette.setColor(QPalette.Base, QColor("white"))
    palette.setColor(QPalette.AlternateBase, QColor("#f6f8fa"))
    palette.setColor(QPalette.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.HighlightedText, QColor("white"))
    palette.setColor(QPalette.Text, QColor("#1b1f24"))
    palette.setColor(QPalette.WindowText, QColor("#1b1f24"))
    palette.setColor(QPalette.ButtonText, QColor("#1b1f24"))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 10.0))
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
