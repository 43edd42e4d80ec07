"""Hotlist alerts (424.3): the officers' Alerts page and the IS supervisor's hotlist imports."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain.accounts import Caller

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.services.container import Services


def alerts_section(services: "Services", caller: Caller) -> "QWidget":
    """Factory for the sections registry: `Section("alerts", "Alerts", {VIEW_ALERTS}, alerts_section)`."""
    from app.ui.alerts.alerts_panel import AlertsPanel

    return AlertsPanel(services.hotlists, caller)


def hotlists_section(services: "Services", caller: Caller) -> "QWidget":
    """Factory for a Hotlists section (IMPORT_HOTLISTS, alpr_data=False): imports and hand-entered BOLOs."""
    from app.ui.alerts.hotlists_panel import HotlistsPanel

    return HotlistsPanel(services.hotlists, caller)
