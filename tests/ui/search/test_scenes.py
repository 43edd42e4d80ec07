"""Multi-scene canvass and associates, through the panel's own forms."""
from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt

from app.domain.geo import GeoPoint
from app.ui.localtime import to_local
from app.ui.search.results_model import NOTE

from tests.ui.search.conftest import CAMERAS, T0
from tests.ui.search.test_plate_search import give_purpose, run_search


def local(utc: datetime) -> datetime:
    return to_local(utc).replace(tzinfo=None)


def test_multi_scene_finds_the_plates_seen_at_both_scenes(qtbot, panel):
    give_purpose(qtbot, panel)
    panel.tabs.setCurrentIndex(2)
    for camera, start in (("Foothill & Grand", T0 - timedelta(minutes=5)),
                          ("Route 66 & Lone Hill", T0 + timedelta(hours=25, minutes=55))):
        centre = GeoPoint(*CAMERAS[camera])
        panel.canvass_form.set_circle(centre, 150)
        panel.time_window.set_local(local(start), local(start + timedelta(minutes=10)))
        qtbot.mouseClick(panel.scene_form.add_button, Qt.LeftButton)
    assert panel.scene_form.table.rowCount() == 2
    result = run_search(qtbot, panel)
    assert sorted({h.plate for h in result.hits}) == ["7ABC123", "8XYZ777"]
    assert len(result) == 4
    assert not panel.table.isColumnHidden(NOTE)
    assert set(result.notes) == {"scenes A, B"}
    assert "2 plates seen at two or more scenes" in panel.result_info.text()


def test_a_scene_needs_a_time_window(qtbot, panel):
    give_purpose(qtbot, panel)
    panel.tabs.setCurrentIndex(2)
    panel.canvass_form.set_circle(GeoPoint(*CAMERAS["Foothill & Grand"]), 150)
    qtbot.mouseClick(panel.scene_form.add_button, Qt.LeftButton)
    assert panel.scene_form.table.rowCount() == 0
    assert "time window" in panel.message.text()
    with qtbot.waitSignal(panel.search_failed, timeout=5_000) as refused:
        qtbot.mouseClick(panel.search_button, Qt.LeftButton)
    assert "at least two scenes" in refused.args[0]


def test_associates_are_plates_seen_again_and_again_near_the_target(qtbot, panel):
    give_purpose(qtbot, panel)
    panel.tabs.setCurrentIndex(3)
    qtbot.keyClicks(panel.associates_form.target, "7abc 123")
    panel.associates_form.window_s.setValue(120)
    result = run_search(qtbot, panel)
    assert {h.plate for h in result.hits} == {"8XYZ777"}
    assert set(result.notes) == {"near 7ABC123 ×2"}
    assert "8XYZ777 ×2" in panel.result_info.text()
