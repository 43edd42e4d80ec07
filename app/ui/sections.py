"""The main window's sections, in one registry so later panels slot in without touching the window.

Each Section names the permissions that open it (any one suffices) and a factory
`factory(services, caller) -> QWidget`. A section marked `alpr_data` is shown only to a
caller whose training is recorded and who has acknowledged the current policy.
A panel may define `shutdown()` (called when the window closes or the user logs out).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.domain.accounts import Caller
from app.domain.roles import Permission

if TYPE_CHECKING:
    from app.services.container import Services

PanelFactory = Callable[["Services", Caller], QWidget]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    permissions: frozenset[Permission]
    factory: PanelFactory
    alpr_data: bool = True

    def open_to(self, caller: Caller) -> bool:
        if not any(caller.may(p) for p in self.permissions):
            return False
        return not self.alpr_data or (caller.trained and caller.policy_accepted)


class AccessGatePanel(QWidget):
    """What a user sees instead of data sections until training and acknowledgement are recorded."""

    def __init__(self, caller: Caller, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("accessGate")
        missing = []
        if not caller.trained:
            missing.append("<b>Your ALPR training is not recorded.</b> Policy 424.3(d): no member may "
                           "access ALPR data without first completing department-approved training. "
                           "Ask the Captain (ALPR administrator) or the IS supervisor to record it.")
        if not caller.policy_accepted:
            missing.append("<b>You have not acknowledged the current ALPR policy.</b> Policy 424.8: "
                           "log out and in again to read and acknowledge Policy 424.")
        heading = QLabel("ALPR data is not available to you yet")
        heading.setObjectName("heading")
        body = QLabel("<ul style='margin-left:-20px'>" + "".join(f"<li style='margin-bottom:8px'>{m}</li>"
                                                                for m in missing) + "</ul>")
        body.setWordWrap(True)
        body.setTextFormat(Qt.RichText)
        after = QLabel(("Once both are recorded" if len(missing) > 1 else "Once that is done")
                       + ", log out and in again: your sections then appear according to your roles.")
        after.setObjectName("muted")
        after.setWordWrap(True)
        card = QFrame()
        card.setObjectName("card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 20, 24, 20)
        inner.addWidget(heading)
        inner.addWidget(body)
        inner.addWidget(after)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(card)
        layout.addStretch(1)


def _admin_panel(services: "Services", caller: Caller) -> QWidget:
    from app.ui.admin.admin_tabs import admin_section
    return admin_section(services, caller)


def _alerts_panel(services: "Services", caller: Caller) -> QWidget:
    from app.ui.alerts import alerts_section
    return alerts_section(services, caller)


def _releases_panel(services: "Services", caller: Caller) -> QWidget:
    from app.ui.releases import releases_section
    return releases_section(services, caller)


def _search_panel(services: "Services", caller: Caller) -> QWidget:
    # Imported here: pyqtgraph loads when the page first opens, not at log-in.
    from app.ui.search.search_panel import SearchPanel
    return SearchPanel(services, caller)


def _extraction_panel(services: "Services", caller: Caller) -> QWidget:
    from app.ui.extraction import extraction_section
    return extraction_section(services, caller)


def _cases_panel(services: "Services", caller: Caller) -> QWidget:
    from app.ui.cases import cases_section
    return cases_section(services, caller)


def _audit_panel(services: "Services", caller: Caller) -> QWidget:
    from app.ui.audit.audit_panel import audit_section
    return audit_section(services, caller)


P = Permission
SECTIONS: list[Section] = [
    Section("alerts", "Alerts", frozenset({P.VIEW_ALERTS}), _alerts_panel),
    Section("search", "Search", frozenset({P.SEARCH_HISTORY}), _search_panel),
    Section("extraction", "Extraction", frozenset({P.EXTRACT_VIDEO}), _extraction_panel),
    Section("cases", "Cases & packets", frozenset({P.MANAGE_CASES, P.BUILD_PACKETS}), _cases_panel),
    Section("releases", "Releases", frozenset({P.REQUEST_RELEASE, P.DECIDE_RELEASES}), _releases_panel),
    Section("audit", "Audit", frozenset({P.AUDIT_REVIEW}), _audit_panel),
    Section("admin", "Administration",
            frozenset({P.MANAGE_USERS, P.RECORD_TRAINING, P.IMPORT_HOTLISTS, P.RUN_RETENTION}), _admin_panel,
            alpr_data=False),
]


def sections_for(caller: Caller, registry: list[Section] | None = None) -> list[Section]:
    return [s for s in (SECTIONS if registry is None else registry) if s.open_to(caller)]
