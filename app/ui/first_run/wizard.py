"""The first-run set-up window: a step rail on the left, one page at a time on the right.

The checks and the set-up itself are app.services.setup; connecting, looking at the shared
image folder, migrating and creating the administrator run on a worker thread while a busy
bar shows the step.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QStackedWidget,
                               QVBoxLayout, QWidget)

from app.config import Settings
from app.data.secrets import SecretStore
from app.domain.errors import ValidationError
from app.jobs import Progress
from app.services import setup
from app.services.passwords import PasswordHashing
from app.services.setup import DatabaseCheck, DatabaseState, ImageFolderCheck, SetupPlan
from app.services.setup_check import CONNECT_TIMEOUT_S
from app.ui.common import error_label, primary, set_error
from app.ui.first_run.pages import AdminPage, DatabasePage, DepartmentPage, ReviewPage
from app.ui.workers import WorkerPool

DATABASE, ADMIN, DEPARTMENT, REVIEW = range(4)
NEW_STEPS = ("Database", "Administrator", "Agency & retention", "Review")
JOIN_STEPS = ("Database", "Join")

HEADINGS = {
    DATABASE: ("Where should Plate Desk keep its data?",
               "Choose the embedded database for a single workstation, or the department's PostgreSQL server "
               "shared by every workstation."),
    ADMIN: ("Create the first administrator",
            "The IS supervisor's own account. You log in with it when the set-up finishes, then add everyone "
            "else under Administration ▸ Users."),
    DEPARTMENT: ("Agency and retention",
                 "Department-wide settings, kept in the database and shared by every workstation."),
}
REVIEW_HEADINGS = {
    False: ("Review and set up", "Check the answers. Nothing has been saved yet."),
    True: ("Join the department's database",
           "This database is already set up, so no administrator is created here."),
}

RAIL_STYLE = """
QWidget#rail QLabel#step { color: #8fa6bf; padding: 7px 14px 7px 15px; border-left: 3px solid transparent;
                           font-size: 10.5pt; }
QWidget#rail QLabel#stepCurrent { color: white; background: #2b3a50; padding: 7px 14px 7px 15px;
                                  border-left: 3px solid #6ea8fe; font-size: 10.5pt; font-weight: 600; }
QWidget#rail QLabel#stepDone { color: #c9d6e4; padding: 7px 14px 7px 15px; border-left: 3px solid transparent;
                               font-size: 10.5pt; }
QWidget#rail QLabel#railNote { color: #8fa6bf; padding: 0 16px 14px 17px; font-size: 9pt; }
"""


class StepRail(QWidget):
    """The steps down the left side: done ones ticked, the current one lit."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("rail")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setStyleSheet(RAIL_STYLE)
        self.setFixedWidth(224)
        brand = QLabel("PLATE DESK")
        brand.setObjectName("brand")
        subtitle = QLabel("First-run set-up")
        subtitle.setObjectName("railNote")
        self._steps = QVBoxLayout()
        self._steps.setSpacing(0)
        note = QLabel("Nothing is saved until the last step has worked.")
        note.setObjectName("railNote")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(brand)
        layout.addWidget(subtitle)
        layout.addLayout(self._steps)
        layout.addStretch(1)
        layout.addWidget(note)
        self.labels: list[QLabel] = []

    def show_steps(self, names: tuple[str, ...], current: int) -> None:
        if [label.property("step") for label in self.labels] != list(names):
            for label in self.labels:
                self._steps.removeWidget(label)
                label.hide()
                label.deleteLater()
            self.labels = []
            for name in names:
                label = QLabel()
                label.setProperty("step", name)
                self._steps.addWidget(label)
                self.labels.append(label)
        for index, label in enumerate(self.labels):
            name = label.property("step")
            if index < current:
                label.setObjectName("stepDone")
                label.setText(f"✓  {name}")
            else:
                label.setObjectName("stepCurrent" if index == current else "step")
                label.setText(f"{index + 1}  {name}")
            label.setStyleSheet("")  # resolve the rule of the new object name
            self.style().unpolish(label)
            self.style().polish(label)


class FirstRunDialog(QDialog):
    """Sets a new workstation up; `settings` holds the saved Settings once `completed` is emitted."""

    checked = Signal(object)    # DatabaseCheck: after "Test connection" or a look on Next
    failed = Signal(str)        # a sentence shown in the window
    completed = Signal(object)  # Settings, saved

    def __init__(self, settings: Settings, secrets: SecretStore, *, hashing: PasswordHashing | None = None,
                 timeout_s: float = CONNECT_TIMEOUT_S, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.setWindowTitle("Plate Desk — first-run set-up")
        self.resize(860, 640)  # grows when a long message needs it (see event)
        self._start = settings
        self._secrets = secrets
        self._hashing = hashing
        self._timeout_s = timeout_s
        self.workers = WorkerPool(max_threads=1, parent=self)
        self._busy = False
        self._applying = False
        self.check: DatabaseCheck | None = None  # the last good look at the chosen database
        self.image_check: ImageFolderCheck | None = None  # and at a server's image folder, on Next
        self.plan: SetupPlan | None = None
        self.settings: Settings | None = None

        self.rail = StepRail()
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.intro = QLabel()
        self.intro.setObjectName("muted")
        self.intro.setWordWrap(True)

        self.database_page = DatabasePage(settings.data_dir)
        self.admin_page = AdminPage()
        self.department_page = DepartmentPage()
        self.review_page = ReviewPage()
        self.stack = QStackedWidget()
        for page in (self.database_page, self.admin_page, self.department_page, self.review_page):
            self.stack.addWidget(page)

        self.error = error_label()
        self.busy_label = QLabel()
        self.busy_label.setObjectName("muted")
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busy")
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedHeight(8)
        busy = QWidget()
        busy_layout = QVBoxLayout(busy)
        busy_layout.setContentsMargins(0, 0, 0, 0)
        busy_layout.setSpacing(4)
        busy_layout.addWidget(self.busy_label)
        busy_layout.addWidget(self.busy_bar)
        self.busy = busy
        self.busy.hide()

        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.back_button = QPushButton("Back")
        self.back_button.setAutoDefault(False)
        self.next_button = primary(QPushButton("Next"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)

        body = QVBoxLayout()
        body.setContentsMargins(28, 22, 28, 18)
        body.setSpacing(8)
        body.addWidget(self.heading)
        body.addWidget(self.intro)
        body.addSpacing(8)
        body.addWidget(self.stack, 1)
        body.addWidget(self.error)
        body.addWidget(self.busy)
        body.addSpacing(6)
        body.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.rail)
        layout.addLayout(body, 1)

        self.next_button.clicked.connect(self.next)
        self.back_button.clicked.connect(self.back)
        self.cancel_button.clicked.connect(self.reject)
        self.database_page.test_button.clicked.connect(self.test_connection)
        self.database_page.changed.connect(self._database_changed)
        self.database_page.image_dir.textChanged.connect(lambda: set_error(self.error, ""))  # answered: try Next
        self._go(DATABASE)

    # --- moving between steps -----------------------------------------------------------

    @property
    def joining(self) -> bool:
        return self.check is not None and self.check.state is DatabaseState.CONFIGURED

    @property
    def page(self) -> int:
        return self.stack.currentIndex()

    def _go(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        set_error(self.error, "")
        if page == REVIEW:
            title, intro = REVIEW_HEADINGS[self.joining]
        else:
            title, intro = HEADINGS[page]
        self.heading.setText(title)
        self.intro.setText(intro)
        steps = JOIN_STEPS if self.joining else NEW_STEPS
        self.rail.show_steps(steps, 1 if self.joining and page == REVIEW else page)
        self.back_button.setVisible(page != DATABASE)
        self.next_button.setText({REVIEW: "Join" if self.joining else "Set up"}.get(page, "Next"))
        focus = {DATABASE: self.database_page.host if self.database_page.uses_server() else self.next_button,
                 ADMIN: self.admin_page.username, DEPARTMENT: self.department_page.agency}.get(page, self.next_button)
        focus.setFocus(Qt.OtherFocusReason)

    def next(self) -> None:
        if self._busy:
            return
        if self.page == DATABASE:
            self._look_at_database(then_continue=True)
        elif self.page == ADMIN:
            admin = self.admin_page.admin()
            if self._valid(lambda: setup.check_admin(admin.username, admin.password,
                                                     self.admin_page.confirmation.text())):
                self._go(DEPARTMENT)
        elif self.page == DEPARTMENT:
            if self._valid(lambda: setup.check_department(self.department_page.agency.text(),
                                                          self.department_page.retention.value())):
                self._review()
        else:
            self._finish()

    def back(self) -> None:
        if self._busy:
            return
        if self.page == REVIEW and self.joining:
            self._go(DATABASE)
        elif self.page > DATABASE:
            self._go(self.page - 1)

    def _valid(self, check) -> bool:
        try:
            check()
        except ValidationError as exc:
            self._fail(str(exc))
            return False
        return True

    def _review(self) -> None:
        page = self.database_page
        server = page.params() if page.uses_server() else None
        folder = self.image_check.folder if server and self.image_check else None
        image_dir = str(folder) if folder else ""
        if self.joining:
            self.plan = SetupPlan(server=server, image_dir=image_dir)
        else:
            self.plan = SetupPlan(server=server, admin=self.admin_page.admin(), image_dir=image_dir,
                                  agency=self.department_page.agency.text(),
                                  retention_days=self.department_page.retention.value())
        self.review_page.show_plan(self.plan, self.check, self._start.data_dir,
                                   image_dir=image_dir or self._start.image_dir,
                                   image_warning=self.image_check.warning if server and self.image_check else "",
                                   keyring_is_file=self._secrets.backend_name == "FolderKeyring")
        self._go(REVIEW)

    # --- the database -------------------------------------------------------------------

    def test_connection(self) -> None:
        self._look_at_database(then_continue=False)

    def _look_at_database(self, *, then_continue: bool) -> None:
        if self._busy:
            return
        page = self.database_page
        if page.uses_server():
            params = page.params()
            page.result.hide()
            try:
                params.validate()
            except ValidationError as exc:
                page.show_result(False, str(exc))
                self.failed.emit(str(exc))
                return
            timeout, image_dir = self._timeout_s, page.image_folder()

            def job(cancel, progress):
                check = setup.check_server(params, timeout)
                # "Test connection" tests the connection; Next also needs the image folder.
                folder = setup.check_image_folder(image_dir, check) if check.ok and then_continue else None
                return check, folder

            message = f"Connecting to {params.where}…"
        else:
            data_dir = self._start.data_dir
            job = lambda cancel, progress: (setup.check_embedded(data_dir), None)  # noqa: E731
            message = "Looking at this workstation's data folder…"
        self._set_busy(True, message)
        self.workers.start(job, on_finished=lambda found: self._looked(*found, then_continue),
                           on_failed=self._fail)

    def _looked(self, check: DatabaseCheck, folder: ImageFolderCheck | None, then_continue: bool) -> None:
        self._set_busy(False)
        self.check = check if check.ok else None
        self.image_check = folder
        if self.database_page.uses_server():
            self.database_page.show_check(check)
        elif not check.ok:
            set_error(self.error, check.message)
        if not check.ok:
            self.failed.emit(check.message)
        self.checked.emit(check)
        if check.ok and folder is not None and not folder.ok:
            self.database_page.image_dir.setFocus(Qt.OtherFocusReason)
            self._fail(folder.problem)
        elif check.ok and then_continue:
            if self.joining:
                self._review()
            else:
                self._go(ADMIN)

    def _database_changed(self) -> None:
        self.check = None  # a test of other answers proves nothing about these
        self.image_check = None

    # --- finishing ----------------------------------------------------------------------

    def _finish(self) -> None:
        plan, start, secrets, hashing, timeout = self.plan, self._start, self._secrets, self._hashing, self._timeout_s

        def job(cancel, progress):
            return setup.apply(start, plan, secrets=secrets, hashing=hashing, timeout_s=timeout, cancel=cancel,
                               progress=progress)

        self._applying = True
        self._set_busy(True, "Connecting…")
        self.busy_bar.setRange(0, setup.STEPS)
        self.workers.start(job, on_finished=self._done, on_failed=self._apply_failed, on_progress=self._progress)

    def _progress(self, progress: Progress) -> None:
        self.busy_label.setText(progress.message)
        self.busy_bar.setValue(progress.done)

    def _done(self, settings: Settings) -> None:
        self._applying = False
        self._set_busy(False)
        self.settings = settings
        self.completed.emit(settings)
        self.accept()

    def _apply_failed(self, message: str) -> None:
        self._applying = False
        self._fail(f"{message}\nNothing was saved. Correct the answers and try again.")

    @property
    def admin_username(self) -> str | None:
        return self.plan.admin.username if self.plan and self.plan.admin else None

    # --- state --------------------------------------------------------------------------

    def _fail(self, message: str) -> None:
        self._set_busy(False)
        set_error(self.error, message)
        self.failed.emit(message)

    def _set_busy(self, busy: bool, message: str = "") -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        self.busy_label.setText(message)
        self.busy_bar.setRange(0, 0)  # moving until a step is known
        if busy:
            set_error(self.error, "")
        for widget in (self.next_button, self.back_button, self.stack):
            widget.setEnabled(not busy)
        self.cancel_button.setEnabled(not self._applying)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.LayoutRequest:
            self._fit_height()
        return handled

    def _fit_height(self) -> None:
        """Grow to what the wrapped text needs at this width. Qt's minimum size ignores word
        wrap, so a long message would squash the fields instead of making room."""
        if self.layout() is None:
            return
        needed = self.layout().totalHeightForWidth(self.width())
        screen = self.screen()
        if screen is not None:
            needed = min(needed, screen.availableGeometry().height() - 40)  # the title bar stays on screen
        if needed > self.height():
            self.resize(self.width(), needed)

    def reject(self) -> None:
        if not self._applying:  # a set-up in flight finishes (or undoes itself) first
            super().reject()
