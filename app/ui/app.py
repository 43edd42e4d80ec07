"""The GUI entry point: log in, acknowledge the policy if needed, then the main window.
A new workstation first goes through the first-run set-up (app/ui/first_run).

Nothing heavy is imported here: recognition (torch, EasyOCR, OpenCV) and pyqtgraph load
inside the panels that use them, so the log-in window opens at once.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app import resources
from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.services.about import gather as gather_about
from app.ui import theme
from app.ui.about_dialog import AboutDialog
from app.ui.common import APPLICATION, ORGANISATION, show_error
from app.ui.first_run import FirstRunDialog
from app.ui.login_dialog import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.policy_dialog import PolicyDialog
from app.ui.workers import WorkerPool

if TYPE_CHECKING:
    from app.config import Settings
    from app.data.secrets import SecretStore
    from app.services.container import Services
    from app.services.passwords import PasswordHashing


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Plate Desk")
    app.setOrganizationName(ORGANISATION)
    app.setOrganizationDomain("platedesk.local")
    app.setWindowIcon(QIcon(str(resources.path("icons/platedesk.png"))))
    # Between the log-in window closing and the main window opening no window is shown;
    # the session decides when the application ends, not the last window.
    app.setQuitOnLastWindowClosed(False)
    theme.apply(app)
    return app


@dataclass
class FirstRun:
    """A workstation not set up yet: the settings to start from, where the keyring is, and how
    to open the services on the settings the set-up saves (main.py's build_services)."""

    settings: "Settings"
    secrets: "SecretStore"
    open_services: Callable[["Settings"], "Services"]
    hashing: "PasswordHashing | None" = None


class DeskSession(QObject):
    """Walks one user at a time through log-in → policy → main window, and back on log-out.

    On a new workstation the first-run set-up comes before the first log-in; until it has
    finished there are no services.
    """

    def __init__(self, services: "Services | None", quit: Callable[[], None]) -> None:
        super().__init__()
        self.services = services
        self._quit = quit
        self.workers = WorkerPool(parent=self)
        self.first_run_dialog: FirstRunDialog | None = None
        self.about_dialog: AboutDialog | None = None
        self.login_dialog: LoginDialog | None = None
        self.policy_dialog: PolicyDialog | None = None
        self.window: MainWindow | None = None

    def show_first_run(self, first_run: FirstRun) -> FirstRunDialog:
        dialog = FirstRunDialog(first_run.settings, first_run.secrets, hashing=first_run.hashing)
        dialog.completed.connect(lambda settings: self._set_up(first_run, settings, dialog.admin_username))
        dialog.rejected.connect(self._quit)
        self.first_run_dialog = dialog
        _present(dialog)
        return dialog

    def _set_up(self, first_run: FirstRun, settings: "Settings", admin: str | None) -> None:
        try:
            self.services = first_run.open_services(settings)
        except Exception as exc:  # noqa: BLE001 - shown, then the application ends
            box = show_error(None, f"The set-up was saved, but the database could not be opened: {exc}")
            box.finished.connect(self._quit)
            return
        dialog = self.show_login()
        if admin:  # the supervisor who just set up logs in next: only the password is left to type
            dialog.username.setText(admin)
            dialog.password.setFocus()

    def show_about(self, parent=None, caller: Caller | None = None) -> AboutDialog:
        info = gather_about(self.services.settings.db_url, self.services.policy, caller)
        dialog = AboutDialog(info, parent)
        self.about_dialog = dialog
        dialog.open()
        return dialog

    def show_login(self, message: str = "") -> LoginDialog:
        dialog = LoginDialog(self.services.auth, self.workers,
                             first_run_hint=not self.services.users.has_users())
        dialog.about_requested.connect(lambda: self.show_about(dialog))
        if message:
            dialog.error.setText(message)
            dialog.error.show()
        dialog.accepted.connect(lambda: self._logged_in(dialog.caller))
        dialog.rejected.connect(self._quit)
        self.login_dialog = dialog
        _present(dialog)
        return dialog

    def _logged_in(self, caller: Caller) -> None:
        try:
            accepted = self.services.policy.has_accepted(caller)
        except PlateDeskError as exc:
            show_error(None, exc)
            self.show_login()
            return
        if accepted:
            self.show_main(replace(caller, policy_accepted=True))
            return
        dialog = PolicyDialog(self.services.policy, caller)
        dialog.accepted.connect(lambda: self.show_main(replace(caller, policy_accepted=True)))
        dialog.rejected.connect(lambda: self._declined(caller))
        self.policy_dialog = dialog
        dialog.show()

    def _declined(self, caller: Caller) -> None:
        try:
            self.services.auth.logout(caller)
        except PlateDeskError:
            pass
        self.show_login("You declined Policy 424, so you were logged out. ALPR data needs the "
                        "policy acknowledged.")

    def show_main(self, caller: Caller) -> MainWindow:
        window = MainWindow(self.services, caller)
        window.logged_out.connect(lambda message: self._logged_out(window, message))
        window.closed.connect(self._quit)
        self.window = window
        window.show()
        return window

    def _logged_out(self, window: MainWindow, message: str) -> None:
        # The next user gets a fresh window; nothing of this session's panels survives.
        if self.window is window:
            self.window = None
        window.deleteLater()
        self.show_login(message)

    def shutdown(self) -> None:
        if self.window is not None and self.window.isVisible():
            self.window.close()
        self.workers.shutdown()


def _present(dialog) -> None:
    # A dialog opened with no window before it must come to the front to take the keyboard.
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()


SMOKE_TEST_ENV = "PLATE_DESK_SMOKE_TEST"


def run_gui(services: "Services | None", first_run: FirstRun | None = None) -> int:
    """Open the log-in window (or, with `first_run`, the set-up and then the log-in window) and
    run until the user quits; returns the exit status.

    With PLATE_DESK_SMOKE_TEST set, it says so once the first window is on screen and quits
    ("login window shown", or "first-run set-up shown" on a new workstation): how an installed
    bundle and the start-up benchmark check a start.
    """
    app = make_application()
    session = DeskSession(services, app.quit)

    def start() -> None:
        if first_run is not None:
            session.show_first_run(first_run)
            shown = "first-run set-up shown"
        else:
            session.show_login()
            shown = "login window shown"
        if os.environ.get(SMOKE_TEST_ENV):
            app.processEvents()
            print(shown, flush=True)
            QTimer.singleShot(0, app.quit)

    QTimer.singleShot(0, start)
    try:
        return app.exec()
    finally:
        session.shutdown()
