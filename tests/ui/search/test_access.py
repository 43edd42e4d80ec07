"""Who reaches the page: an officer neither sees it nor gets past the service."""
from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit

from app.domain.errors import PermissionDenied
from app.domain.roles import Permission
from app.domain.search import SearchCriteria
from app.ui.main_window import MainWindow
from app.ui.search.search_panel import SearchPanel
from app.ui.sections import Section

from tests.ui.search.conftest import CASE, PURPOSE

SEARCH_SECTION = Section("search", "Search", frozenset({Permission.SEARCH_HISTORY}), SearchPanel)


def window(qtbot, services, caller) -> MainWindow:
    win = MainWindow(services, caller, registry=[SEARCH_SECTION])
    qtbot.addWidget(win)
    return win


def test_an_officer_cannot_reach_the_page_or_the_service(qtbot, search_desk, glendora, officer):
    services = search_desk.services
    win = window(qtbot, services, officer)
    assert "search" not in win.section_keys()
    win.close()

    asking = replace(officer, purpose=PURPOSE, case_number=CASE)
    with pytest.raises(PermissionDenied):
        services.search.search(asking, SearchCriteria(plate="7ABC123"))
    with pytest.raises(PermissionDenied):
        services.search.list_sources(asking)
    with pytest.raises(PermissionDenied):
        services.export.export_reads_csv(asking, glendora[:1], search_desk.services.settings.data_dir / "x.csv")

    # Built by hand all the same, the panel offers nothing to type into.
    panel = SearchPanel(services, officer)
    qtbot.addWidget(panel)
    assert not panel.findChildren(QLineEdit)
    assert any("not open to your roles" in label.text() for label in panel.findChildren(QLabel))
    panel.shutdown()


def test_a_detective_reaches_the_page_through_the_main_window(qtbot, search_desk, glendora, detective, shoot):
    win = window(qtbot, search_desk.services, detective)
    win.resize(1280, 860)
    win.show()
    assert win.section_keys() == ["search"]
    panel = win.show_section("search")
    assert isinstance(panel, SearchPanel)
    panel.purpose_bar.set_pair(PURPOSE, CASE)
    qtbot.keyClicks(panel.plate_form.plate_edit, "7?B?12*")
    with qtbot.waitSignal(panel.searched, timeout=10_000):
        panel.search_button.click()
    assert sorted(h.plate for h in panel.results.hits) == ["7ABC12", "7ABC123", "7ABC123", "7ABD123"]
    shoot(win, "search-main-window")
    win.close()
