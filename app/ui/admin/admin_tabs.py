"""The Administration section as tabs, each shown to the roles that may use it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QWidget

from app.domain.accounts import Caller
from app.domain.roles import Permission

if TYPE_CHECKING:
    from app.services.container import Services


class AdminTabs(QTabWidget):
    """Passes the window's shutdown on to every tab that has one."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("adminTabs")
        self.setDocumentMode(True)

    @property
    def users_panel(self) -> QWidget | None:
        for i in range(self.count()):
            if type(self.widget(i)).__name__ == "UsersPanel":
                return self.widget(i)
        return None

    def shutdown(self) -> None:
        for i in range(self.count()):
            panel = self.widget(i)
            if hasattr(panel, "shutdown"):
                panel.shutdown()


def admin_section(services: "Services", caller: Caller) -> QWidget:
    """Factory for the Administration section: users and training, policy acknowledgements,
    hotlists and retention. Register it for {MANAGE_USERS, RECORD_TRAINING, IMPORT_HOTLISTS,
    RUN_RETENTION} with alpr_data=False (the services still check ALPR access themselves)."""
    from app.ui.admin.policy_panel import PolicyPanel
    from app.ui.admin.retention_panel import RetentionPanel
    from app.ui.admin.users_panel import UsersPanel
    from app.ui.alerts.hotlists_panel import HotlistsPanel

    tabs = AdminTabs()
    if caller.may(Permission.MANAGE_USERS) or caller.may(Permission.RECORD_TRAINING):
        tabs.addTab(UsersPanel(services.users, caller), "Users and training")
        tabs.addTab(PolicyPanel(services.policy_admin, caller), "Policy acknowledgements")
    if caller.may(Permission.IMPORT_HOTLISTS):
        tabs.addTab(HotlistsPanel(services.hotlists, caller), "Hotlists")
    if caller.may(Permission.RUN_RETENTION):
        tabs.addTab(RetentionPanel(services.retention, caller), "Retention")
    return tabs
