"""The pages of the first-run set-up: they ask and show, the wizard moves between them."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QFileDialog, QFormLayout, QGridLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from app.services.retention import MIN_RETENTION_DAYS
from app.services.setup import (DEFAULT_RETENTION_DAYS, DatabaseCheck, DatabaseState, FirstAdmin, ServerParams,
                                SetupPlan)
from app.services.setup_check import DEFAULT_DATABASE, DEFAULT_PORT, embedded_path
from app.ui.common import card, restyle


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def _label(text: str, buddy: QWidget) -> QLabel:
    """A field's name, tied to the field as a form's would be (screen readers announce it)."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setHorizontalSpacing(14)
    form.setVerticalSpacing(8)
    form.setLabelAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.ExpandingFieldsGrow)
    return form


class DatabasePage(QWidget):
    """Step 1: the embedded database or a department PostgreSQL server, tested before use."""

    changed = Signal()  # a server field changed: an earlier test no longer holds

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        self.embedded = QRadioButton("This workstation only")
        self.embedded.setObjectName("embeddedChoice")
        self.embedded.setChecked(True)
        self.server = QRadioButton("A department PostgreSQL server")
        self.server.setObjectName("serverChoice")
        group = QButtonGroup(self)
        group.addButton(self.embedded)
        group.addButton(self.server)

        layout.addWidget(self.embedded)
        layout.addWidget(self._indented(_muted(
            "An embedded database in this computer's data folder, for one workstation: nothing is shared "
            f"with other computers.\n{embedded_path(data_dir)}")))
        layout.addSpacing(6)
        layout.addWidget(self.server)
        layout.addWidget(self._indented(_muted(
            "One database shared by every workstation of the department. Your database administrator gives "
            "you the server's address, an empty database and a user that owns it. The password is kept in "
            "this computer's keyring, never in a settings file.")))

        self.form_card, card_layout = card()
        self.host = QLineEdit()
        self.host.setObjectName("host")
        self.host.setPlaceholderText("db.department.local")
        self.port = QSpinBox()
        self.port.setObjectName("port")
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setGroupSeparatorShown(False)
        self.port.setMinimumWidth(90)
        self.database = QLineEdit(DEFAULT_DATABASE)
        self.database.setObjectName("database")
        self.user = QLineEdit()
        self.user.setObjectName("user")
        self.user.setPlaceholderText("platedesk")
        self.password = QLineEdit()
        self.password.setObjectName("serverPassword")
        self.password.setEchoMode(QLineEdit.Password)
        where = QHBoxLayout()
        where.setSpacing(8)
        where.addWidget(self.host, 1)
        where.addWidget(QLabel("Port"))
        where.addWidget(self.port)
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("testConnection")
        self.test_button.setAutoDefault(False)
        self.result = QLabel()
        self.result.setObjectName("resultOk")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.result.hide()
        # The department's shared image folder: a server's reads are no use without their images.
        self.image_dir = QLineEdit()
        self.image_dir.setObjectName("imageDir")
        self.image_dir.setPlaceholderText(r"\\server\platedesk-images  or  /mnt/platedesk-images")
        self.browse_button = QPushButton("Browse…")
        self.browse_button.setObjectName("browseImageDir")
        self.browse_button.setAutoDefault(False)
        folder = QHBoxLayout()
        folder.setSpacing(8)
        folder.addWidget(self.image_dir, 1)
        folder.addWidget(self.browse_button)
        # A grid, not a form: the image folder's label lines up with the server's below the
        # test, and a hidden result takes no room.
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(1, 1)
        for row, (label, edit, field) in enumerate((("Host", self.host, where), ("Database", self.database, None),
                                                    ("User", self.user, None), ("Password", self.password, None))):
            grid.addWidget(_label(label, edit), row, 0)
            if field is None:
                grid.addWidget(edit, row, 1)
            else:
                grid.addLayout(field, row, 1)
        grid.addWidget(self.test_button, 4, 0, 1, 2, Qt.AlignLeft)
        grid.addWidget(self.result, 5, 0, 1, 2)
        grid.addWidget(_label("Image folder", self.image_dir), 6, 0)
        grid.addLayout(folder, 6, 1)
        grid.addWidget(_muted("Read images and plate crops are kept here; every workstation must use the same "
                              "folder, and may create and delete files in it."), 7, 1)
        card_layout.addLayout(grid)
        layout.addSpacing(2)
        layout.addWidget(self._indented(self.form_card))
        layout.addStretch(1)

        for edit in (self.host, self.database, self.user, self.password):
            edit.textChanged.connect(self._edited)
        self.port.valueChanged.connect(self._edited)
        self.browse_button.clicked.connect(self.browse_image_dir)
        self.server.toggled.connect(self._choice_changed)
        self._choice_changed()

    def browse_image_dir(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "The department's shared image folder",
                                                  self.image_dir.text().strip())
        if chosen:
            self.image_dir.setText(str(Path(chosen)))  # the system's separators: \\server\share on Windows

    @staticmethod
    def _indented(widget: QWidget) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(26, 0, 0, 0)
        row.addWidget(widget)
        return holder

    def uses_server(self) -> bool:
        return self.server.isChecked()

    def params(self) -> ServerParams:
        return ServerParams(host=self.host.text().strip(), port=self.port.value(), database=self.database.text().strip(),
                            user=self.user.text().strip(), password=self.password.text())

    def image_folder(self) -> str:
        return self.image_dir.text().strip()

    def show_check(self, check: DatabaseCheck) -> None:
        self.show_result(check.ok, check.message)

    def show_result(self, ok: bool, message: str) -> None:
        restyle(self.result, "resultOk" if ok else "resultBad")
        self.result.setText(message)
        self.result.show()

    def _edited(self) -> None:
        self.result.hide()
        self.changed.emit()

    def _choice_changed(self) -> None:
        self.form_card.setEnabled(self.server.isChecked())
        self.result.hide()
        self.changed.emit()


class AdminPage(QWidget):
    """Step 2: the first administrator, the IS supervisor."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.username = QLineEdit()
        self.username.setObjectName("adminUsername")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("adminFullName")
        self.full_name.setPlaceholderText("optional")
        self.password = QLineEdit()
        self.password.setObjectName("adminPassword")
        self.password.setEchoMode(QLineEdit.Password)
        self.confirmation = QLineEdit()
        self.confirmation.setObjectName("adminConfirmation")
        self.confirmation.setEchoMode(QLineEdit.Password)
        form = _form()
        form.addRow("User name", self.username)
        form.addRow("Full name", self.full_name)
        form.addRow("Password", self.password)
        form.addRow("Repeat password", self.confirmation)
        layout.addLayout(form)
        layout.addWidget(_muted("At least 15 characters. A phrase of several words is easy to remember and hard "
                                "to guess; spaces and any characters are allowed, and commonly used passwords "
                                "are refused."))
        notice = QLabel("This account is the IS supervisor: it manages users and roles, hotlist imports and "
                        "retention. It does not search ALPR data unless it is given a search role later. Setting "
                        "the system up records its training and its acknowledgement of Policy 424.")
        notice.setObjectName("notice")
        notice.setWordWrap(True)
        layout.addSpacing(4)
        layout.addWidget(notice)
        layout.addStretch(1)

    def admin(self) -> FirstAdmin:
        return FirstAdmin(self.username.text().strip(), self.password.text(), self.full_name.text().strip())


class DepartmentPage(QWidget):
    """Step 3: the agency's name and the retention period (Policy 424.4)."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.agency = QLineEdit()
        self.agency.setObjectName("agency")
        self.agency.setPlaceholderText("e.g. Glendora Police Department")
        self.retention = QSpinBox()
        self.retention.setObjectName("retentionDays")
        self.retention.setRange(MIN_RETENTION_DAYS, 36500)
        self.retention.setValue(DEFAULT_RETENTION_DAYS)
        self.retention.setSuffix(" days")
        self.retention.setMinimumWidth(120)
        days = QHBoxLayout()
        days.addWidget(self.retention)
        days.addStretch(1)
        form = _form()
        form.addRow("Agency", self.agency)
        form.addRow("Keep ALPR reads", days)
        layout.addLayout(form)
        layout.addWidget(_muted("The agency's name appears on every access record, evidence packet and audit report."))
        layout.addWidget(_muted(
            f"Policy 424.4 keeps ALPR data at least one year (Government Code §34090.6), then purges it unless it "
            f"is on evidence hold. {DEFAULT_RETENTION_DAYS} days is the policy's default and the least allowed; "
            "the IS supervisor can change it later under Administration ▸ Retention."))
        layout.addStretch(1)


class ReviewPage(QWidget):
    """The last step: what finishing will do, before it does it."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.summary_card, card_layout = card()
        # A grid, not a form: a value of two lines keeps its label beside the first.
        self.summary = QGridLayout()
        self.summary.setHorizontalSpacing(18)
        self.summary.setVerticalSpacing(8)
        self.summary.setColumnStretch(1, 1)
        card_layout.addLayout(self.summary)
        self._shown: dict[str, str] = {}
        self.note = _muted("")
        self.warning = QLabel()
        self.warning.setObjectName("notice")
        self.warning.setWordWrap(True)
        self.warning.hide()
        layout.addWidget(self.summary_card)
        layout.addWidget(self.warning)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def show_plan(self, plan: SetupPlan, check: DatabaseCheck | None, data_dir: Path, *, image_dir: str,
                  image_warning: str = "", keyring_is_file: bool = False) -> None:
        """`image_dir` is where images will be kept; `image_warning`, if any, is shown, not obeyed."""
        while self.summary.count():
            widget = self.summary.takeAt(0).widget()
            widget.hide()  # gone from the card now; deleted when control returns to the event loop
            widget.deleteLater()
        self._shown = {}
        if plan.server is None:
            database = f"Embedded, this workstation only\n{embedded_path(data_dir)}"
        else:
            kept = ("This computer has no keyring service: the password is kept in keyring.cfg in the data "
                    "folder, only as safe as that folder's permissions." if keyring_is_file else
                    "The password is kept in this computer's keyring.")
            database = (f"PostgreSQL server {plan.server.where}, database “{plan.server.database}”, "
                        f"user “{plan.server.user}”\n{kept}")
        self._row("Database", database)
        self._row("Images", f"Shared image folder\n{image_dir}" if plan.server else
                  f"In this workstation's data folder\n{image_dir}")
        self.warning.setText(image_warning)
        self.warning.setVisible(bool(image_warning))
        if plan.joins:
            agency = check.agency if check and check.agency else "not named"
            users = check.users if check else 0
            self._row("Department", f"{agency}, {users} user account{'' if users == 1 else 's'}")
            self._row("Administrator", "none created: log in with your existing account")
            self.note.setText("Joining saves this workstation's settings and brings the database's tables up to "
                              "date if this version needs it. Nothing else in the database changes.")
            return
        admin = plan.admin.username + (f" ({plan.admin.full_name})" if plan.admin.full_name else "")
        self._row("Administrator", f"{admin}, IS supervisor")
        self._row("Agency", " ".join(plan.agency.split()))
        self._row("Retention", f"{plan.retention_days:,} days")
        made = ("the database tables, the administrator" if check and check.state is DatabaseState.NEW
                else "the administrator")
        self.note.setText(f"Setting up creates {made} and this workstation's settings. If any step fails, "
                          "nothing is kept, and you can correct the answers and try again.")

    def _row(self, label: str, value: str) -> None:
        shown = QLabel(value)
        shown.setWordWrap(True)
        shown.setTextInteractionFlags(Qt.TextSelectableByMouse)
        name = QLabel(label)
        name.setObjectName("muted")
        row = len(self._shown)
        self.summary.addWidget(name, row, 0, Qt.AlignLeft | Qt.AlignTop)
        self.summary.addWidget(shown, row, 1, Qt.AlignTop)
        self._shown[label] = value

    def values(self) -> dict[str, str]:
        """The summary as shown, label → value (for the tests and screen readers alike)."""
        return dict(self._shown)
