"""Release requests (424.7): file, decide (password re-entered, never one's own), export when approved."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain.accounts import Caller

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.services.container import Services


def releases_section(services: "Services", caller: Caller) -> "QWidget":
    """Factory for a Releases section: {REQUEST_RELEASE, DECIDE_RELEASES}, alpr_data=True."""
    from app.ui.releases.releases_panel import ReleasesPanel

    return ReleasesPanel(services.releases, caller)
