"""Video and photo extraction: the section's factory for the registry in app/ui/sections.py."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.domain.accounts import Caller

if TYPE_CHECKING:
    from app.services.container import Services


def extraction_section(services: "Services", caller: Caller) -> QWidget:
    """`factory(services, caller)`: the extraction panel (EasyOCR loads on the first extraction)."""
    from app.ui.extraction.extraction_panel import ExtractionPanel

    return ExtractionPanel(services.extraction, services.cases, caller)
