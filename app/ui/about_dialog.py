"""Help ▸ About Plate Desk, also reachable from the log-in window: versions, database, licences."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDialog, QFormLayout, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from app.services.about import AboutInfo
from app.ui.common import card, primary


class AboutDialog(QDialog):
    """Shows an AboutInfo (gathered by app.services.about); reads nothing itself."""

    def __init__(self, info: AboutInfo, parent=None) -> None:
        super().__init__(parent)
        self.info = info
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About Plate Desk")
        self.resize(680, 700)

        title = QLabel("Plate Desk")
        title.setObjectName("title")
        subtitle = QLabel("ALPR investigations under Policy 424 and Civil Code §1798.90.5")
        subtitle.setObjectName("subtitle")

        facts, facts_layout = card()
        form = QFormLayout()
        form.setHorizontalSpacing(18)
        form.setVerticalSpacing(6)
        form.setLabelAlignment(Qt.AlignLeft)
        self.rows: dict[str, QLabel] = {}
        for key, label, value in self._facts(info):
            shown = QLabel(value)
            shown.setObjectName(f"about-{key}")
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextSelectableByMouse)
            form.addRow(label, shown)
            self.rows[key] = shown
        facts_layout.addLayout(form)

        heading = QLabel("Bundled components and their licences")
        heading.setObjectName("heading")
        self.table = QTableWidget(len(info.components), 3)
        self.table.setObjectName("components")
        self.table.setHorizontalHeaderLabels(["Component", "Version", "Licence"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setFocusPolicy(Qt.NoFocus)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        for row, part in enumerate(info.components):
            for column, value in enumerate((part.name, part.version, part.licence)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        note = QLabel("Each component is used under its own licence, as its package metadata states it.")
        note.setObjectName("muted")
        note.setWordWrap(True)

        self.copy_button = QPushButton("Copy details")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy)
        self.close_button = primary(QPushButton("Close"))
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(4)
        layout.addWidget(facts)
        layout.addSpacing(6)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addLayout(buttons)

    @staticmethod
    def _facts(info: AboutInfo) -> list[tuple[str, str, str]]:
        rows = [("version", "Version", info.version),
                ("policy-shipped", "Policy 424 shipped", info.policy_shipped)]
        if info.policy_current is None:
            rows.append(("policy-current", "Department's version", "cannot be read from the database now"))
        elif info.policy_current != info.policy_shipped:
            rows.append(("policy-current", "Department's version", f"{info.policy_current} (published by the department)"))
        if info.logged_in:
            rows.append(("policy-acknowledged", "You acknowledged", info.policy_acknowledged or "not yet"))
        rows.append(("database", "Database", info.database))
        return rows

    def text(self) -> str:
        """The details as plain text, for a support request."""
        lines = [f"Plate Desk {self.info.version}"]
        lines += [f"{label}: {value}" for _key, label, value in self._facts(self.info)[1:]]
        lines += [f"{c.name} {c.version} — {c.licence}" for c in self.info.components]
        return "\n".join(lines)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.text())
