"""Cases and evidence packets: the section's factory for the registry in app/ui/sections.py."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.domain.accounts import Caller

if TYPE_CHECKING:
    from app.services.container import Services


def cases_section(services: "Services", caller: Caller) -> QWidget:
    """`factory(services, caller)`: the cases panel."""
    from app.ui.cases.cases_panel import CasesPanel

    return CasesPanel(services.cases, services.packets, caller)
