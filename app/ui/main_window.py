"""The main window: a navigation rail of the sections the caller's roles open, and the idle lock."""
from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QDialog, QLabel, QListWidget, QListWidgetItem, QMainWindow,
                               QSplitter, QStackedWidget, QVBoxLayout, QWidget)

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.services.about import gather as gather_about
from app.ui.about_dialog import AboutDialog
from app.ui.account_dialog import ChangePasswordDialog, IdleLockDialog
from app.ui.common import confirm, show_error, show_info, ui_settings
from app.ui.lock import LOCKED_TITLE, IdleLock, LockScreen
from app.ui.policy_dialog import PolicyDialog
from app.ui.sections import AccessGatePanel, Section, sections_for
from app.ui.workers import WorkerPool

if TYPE_CHECKING:
    from app.services.container import Services

log = logging.getLogger(__name__)

ACCESS_KEY = "access"


class MainWindow(QMainWindow):
    logged_out = Signal(str)  # a sentence for the log-in window ("" for an ordinary log-out)
    closed = Signal()         # the user quit

    def __init__(self, services: "Services", caller: Caller, *, clock: Callable[[], float] = time.monotonic,
                 registry: list[Section] | None = None, parent=None) -> None:
        super().__init__(parent)
        self.services = services
        self.caller = caller
        self._registry = registry
        self._ended = False
        self.workers = WorkerPool(parent=self)
        self.panels: dict[str, QWidget] = {}
        self._sections: list[Section] = []

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setMinimumWidth(170)
        self.nav.setMaximumWidth(260)
        self.nav.currentRowChanged.connect(self._show_row)
        self.stack = QStackedWidget()
        self.stack.setObjectName("sectionStack")
        self.workspace = QSplitter(Qt.Horizontal)
        self.workspace.setObjectName("workspace")
        rail = QWidget()
        rail.setObjectName("rail")
        rail.setAttribute(Qt.WA_StyledBackground, True)
        brand = QLabel("PLATE DESK")
        brand.setObjectName("brand")
        rail_layout = QVBoxLayout(rail)
        rail_layout.setContentsMargins(0, 0, 0, 0)
        rail_layout.setSpacing(0)
        rail_layout.addWidget(brand)
        rail_layout.addWidget(self.nav, 1)
        self.workspace.addWidget(rail)
        self.workspace.addWidget(self.stack)
        self.workspace.setStretchFactor(1, 1)
        self.workspace.setChildrenCollapsible(False)

        self.lock_screen = LockScreen(services.auth, self.workers, caller)
        self.lock_screen.unlocked.connect(self._unlocked)
        self.lock_screen.logout_requested.connect(self.log_out)
        # The lock replaces the workspace in this stack: locked, the data widgets are hidden, not covered.
        self.root = QStackedWidget()
        self.root.addWidget(self.workspace)
        self.root.addWidget(self.lock_screen)
        self.setCentralWidget(self.root)

        self.idle_lock = IdleLock(services.settings.idle_lock_minutes, clock=clock, parent=self)
        self.idle_lock.locked.connect(self.lock)

        self._build_menu()
        self._build_status_bar()
        self._build_sections()
        self._restore_layout()
        self._set_title()
        self._count_reads()

    # --- construction -------------------------------------------------------------------

    def _build_menu(self) -> None:
        session = self.menuBar().addMenu("&Session")
        self.change_password_action = QAction("Change password…", self)
        self.change_password_action.triggered.connect(self.change_password)
        self.idle_action = QAction("Idle lock…", self)
        self.idle_action.triggered.connect(self.choose_idle_minutes)
        self.lock_action = QAction("Lock now", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(lambda: self.idle_lock.lock_now("You locked the session."))
        self.logout_action = QAction("Log out", self)
        self.logout_action.triggered.connect(lambda: self.may_leave("Log out") and self.log_out(""))
        self.quit_action = QAction("Quit", self)
        self.quit_action.setShortcut(QKeySequence.Quit)
        self.quit_action.triggered.connect(lambda: self.may_leave("Quit") and self.close())
        for action in (self.change_password_action, self.idle_action, self.lock_action, None, self.logout_action,
                       self.quit_action):
            session.addSeparator() if action is None else session.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        self.policy_action = QAction("ALPR Policy 424…", self)
        self.policy_action.triggered.connect(self.show_policy)
        help_menu.addAction(self.policy_action)
        help_menu.addSeparator()
        self.about_action = QAction("About Plate Desk", self)
        self.about_action.setMenuRole(QAction.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.user_label = QLabel()
        self.user_label.setObjectName("statusUser")
        self.roles_label = QLabel()
        self.roles_label.setObjectName("statusRoles")
        self.agency_label = QLabel()
        self.reads_label = QLabel()
        self.idle_label = QLabel(f"Locks after {self.idle_lock.minutes} min idle")
        self.idle_label.setObjectName("statusIdle")
        for label in (self.user_label, self.roles_label, self.agency_label):
            bar.addWidget(label)
        bar.addPermanentWidget(self.reads_label)
        bar.addPermanentWidget(self.idle_label)
        self._update_status()

    def _update_status(self) -> None:
        self.user_label.setText(f"<b>{self.caller.username}</b>")
        roles = sorted(role.label for role in self.caller.roles)
        self.roles_label.setText(" · ".join(roles) or "no roles")
        self.agency_label.setText(self.caller.agency)

    def _build_sections(self) -> None:
        self.nav.blockSignals(True)
        self.nav.clear()
        while self.stack.count():
            page = self.stack.widget(0)
            self.stack.removeWidget(page)
            page.deleteLater()
        self._shutdown_panels()
        self.panels.clear()
        self._sections = sections_for(self.caller, self._registry)
        gated = not (self.caller.trained and self.caller.policy_accepted)
        if gated:
            self._add_page(ACCESS_KEY, "ALPR access", AccessGatePanel(self.caller))
        for section in self._sections:
            self._add_page(section.key, section.title, None)
        if not gated and not self._sections:
            self._add_page(ACCESS_KEY, "No sections", _NoSectionsPanel())
        self.nav.blockSignals(False)
        self.nav.setCurrentRow(0)
        self._show_row(0)

    def _add_page(self, key: str, title: str, panel: QWidget | None) -> None:
        item = QListWidgetItem(title)
        item.setData(Qt.UserRole, key)
        self.nav.addItem(item)
        holder = QWidget()
        holder.setObjectName(f"page-{key}")
        QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
        if panel is not None:
            holder.layout().addWidget(panel)
            self.panels[key] = panel
        self.stack.addWidget(holder)

    # --- sections -----------------------------------------------------------------------

    def section_keys(self) -> list[str]:
        return [self.nav.item(row).data(Qt.UserRole) for row in range(self.nav.count())]

    def show_section(self, key: str) -> QWidget:
        row = self.section_keys().index(key)
        self.nav.setCurrentRow(row)
        return self.panel(key)

    def panel(self, key: str) -> QWidget:
        """The section's panel, built on first use so an unused section costs nothing."""
        if key not in self.panels:
            section = next(s for s in self._sections if s.key == key)
            panel = section.factory(self.services, self.caller)
            self.stack.widget(self.section_keys().index(key)).layout().addWidget(panel)
            self.panels[key] = panel
        return self.panels[key]

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self.panel(self.section_keys()[row])
        self.stack.setCurrentIndex(row)

    # --- the lock -----------------------------------------------------------------------

    @property
    def is_locked(self) -> bool:
        return self.root.currentWidget() is self.lock_screen

    def lock(self, reason: str = "Locked.") -> None:
        if not self.idle_lock.is_locked:
            self.idle_lock.lock_now(reason)  # emits `locked`, which brings us back here
            return
        if self.is_locked:
            return
        try:
            self.services.auth.session_locked(self.caller)
        except PlateDeskError:
            log.exception("could not record the session lock")
        _close_dialogs(self)
        self.lock_screen.reset(reason)
        self.root.setCurrentWidget(self.lock_screen)
        self.menuBar().hide()
        self.statusBar().hide()
        self.setWindowTitle(LOCKED_TITLE)
        self.layout().activate()  # lay out now, so not even an empty menu strip lingers
        self.lock_screen.password.setFocus(Qt.OtherFocusReason)

    def _unlocked(self, caller: Caller) -> None:
        changed = (caller.roles, caller.trained, caller.policy_accepted) != \
            (self.caller.roles, self.caller.trained, self.caller.policy_accepted)
        self.caller = caller
        self.idle_lock.unlocked()
        self.root.setCurrentWidget(self.workspace)
        self.menuBar().show()
        self.statusBar().show()
        self._set_title()
        if changed:  # roles or training changed meanwhile: the sections follow
            self._update_status()
            self._build_sections()

    # --- session ------------------------------------------------------------------------

    def change_password(self) -> None:
        if self.is_locked:
            return
        dialog = ChangePasswordDialog(self.services.auth, self.caller, self.workers, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose, True)
        dialog.accepted.connect(lambda: show_info(self, "Your password has been changed."))
        dialog.open()
        self.password_dialog = dialog

    def choose_idle_minutes(self) -> None:
        if self.is_locked:
            return
        dialog = IdleLockDialog(self.idle_lock.minutes, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose, True)
        dialog.accepted.connect(lambda: self.set_idle_minutes(dialog.minutes.value()))
        dialog.open()
        self.idle_dialog = dialog

    def set_idle_minutes(self, minutes: int) -> None:
        """Keep the new idle time in this workstation's Settings: lower than the policy's 30, never higher."""
        settings = self.services.settings
        settings.idle_lock_minutes = max(1, min(IdleLockDialog.MAXIMUM, int(minutes)))
        try:
            settings.save()
        except OSError as exc:
            show_error(self, f"The setting applies now but could not be saved: {exc}")
        self.idle_lock.minutes = settings.idle_lock_minutes
        self.idle_label.setText(f"Locks after {self.idle_lock.minutes} min idle")

    def show_policy(self) -> None:
        if self.is_locked:
            return
        dialog = PolicyDialog(self.services.policy, self.caller, self, read_only=True)
        dialog.setAttribute(Qt.WA_DeleteOnClose, True)
        dialog.open()

    def show_about(self) -> AboutDialog | None:
        if self.is_locked:
            return None
        info = gather_about(self.services.settings.db_url, self.services.policy, self.caller)
        dialog = AboutDialog(info, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose, True)
        dialog.open()
        self.about_dialog = dialog
        return dialog

    def log_out(self, message: str = "") -> None:
        if self._ended:
            return
        self._end_session()
        self.close()
        self.logged_out.emit(message)

    def may_leave(self, doing: str) -> bool:
        """True when no page holds unsaved work, or the user agrees to lose it (`doing`: Quit, Log out).

        Asked only when the user leaves: a lock or a forced log-out must not wait on a question.
        """
        lost = [work for panel in self.panels.values() if (work := getattr(panel, "unsaved_work", lambda: "")())]
        if not lost:
            return True
        return confirm(self, "Work not saved", f"{'; '.join(lost).capitalize()}. {doing} discards it.",
                       f"Discard and {doing.lower()}")

    def closeEvent(self, event) -> None:
        quitting = not self._ended
        # The window's own close button: ask as the Quit menu does.
        if quitting and event.spontaneous() and not self.may_leave("Quit"):
            event.ignore()
            return
        self._end_session()
        super().closeEvent(event)
        if quitting:
            self.closed.emit()

    def _end_session(self) -> None:
        if self._ended:
            return
        self._ended = True
        self.idle_lock.stop()
        self._save_layout()
        self._shutdown_panels()
        self.workers.shutdown()
        try:
            self.services.auth.logout(self.caller)
        except PlateDeskError:
            log.exception("could not record the log-out")

    def _shutdown_panels(self) -> None:
        for panel in self.panels.values():
            shutdown = getattr(panel, "shutdown", None)
            if callable(shutdown):
                shutdown()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._ended and not self.idle_lock.timer.isActive():
            self.idle_lock.start()

    # --- small things -------------------------------------------------------------------

    def _set_title(self) -> None:
        agency = f" — {self.caller.agency}" if self.caller.agency else ""
        self.setWindowTitle(f"Plate Desk — {self.caller.username}{agency}")

    def _count_reads(self) -> None:
        reads = self.services.reads
        self.workers.start(lambda cancel, progress: reads.count_reads(), on_finished=self._show_count)

    def _show_count(self, count: int) -> None:
        self.reads_label.setText(f"{count:,} reads stored")

    def _restore_layout(self) -> None:
        store = ui_settings()
        geometry = store.value("main/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1180, 760)
        state = store.value("main/state")
        if state is not None:
            self.restoreState(state)
        splitter = store.value("main/splitter")
        if splitter is None or not self.workspace.restoreState(splitter):
            self.workspace.setSizes([200, 980])
        last = store.value("main/section")
        if last in self.section_keys():
            self.nav.setCurrentRow(self.section_keys().index(last))

    def _save_layout(self) -> None:
        store = ui_settings()
        store.setValue("main/geometry", self.saveGeometry())
        store.setValue("main/state", self.saveState())
        store.setValue("main/splitter", self.workspace.saveState())
        row = self.nav.currentRow()
        if row >= 0:
            store.setValue("main/section", self.section_keys()[row])


class _NoSectionsPanel(QWidget):
    def __init__(self) -> None:
        super().__init__()
        label = QLabel("Your roles open no sections of Plate Desk. Ask the IS supervisor to review your roles.")
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(label)
        layout.addStretch(1)


def _close_dialogs(window: QMainWindow) -> None:
    """Dialogs may show data too, and a modal one would block the lock screen: close them all."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.done(QDialog.Rejected)  # done(), not reject(): a busy dialog may refuse reject()
