"""Video and photo extraction: the section's factory for the registry in app/ui/sections.py."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.domain.accounts import Caller

if TYPE_CHECKING:
    from app.services.container import Services


def extraction_section(services: "Services", caller: Caller) -> QWidget:
    """`factory(services, caller)`: the extraction panel (EasyOCR loads on the first extraction)."""
    from app.domain.roles import Permission
    from app.ui.extraction.extraction_panel import ExtractionPanel
    from app.ui.extraction.place_picker import PlaceMap
    from app.ui.search.tiles import cache_dir_for

    settings = services.settings
    # The cameras are drawn for those who may list them; asking without the right would
    # only put a refusal in the access record.
    search = services.search if caller.may(Permission.SEARCH_HISTORY) else None
    place_map = PlaceMap(settings.tile_url, cache_dir_for(settings.data_dir, settings.tile_url),
                         (lambda: search.list_sources(caller)) if search is not None else None)
    return ExtractionPanel(services.extraction, services.cases, caller, place_map)
