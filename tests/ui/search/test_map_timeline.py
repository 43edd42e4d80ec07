"""The map, timeline and table, linked: canvass on the map, a timeline range, selection everywhere."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from app.domain.geo import GeoPoint, distance_m
from app.ui.search.map_view import CIRCLE, RECTANGLE
from app.ui.search.projection import to_mercator

from tests.ui.search.conftest import CAMERAS
from tests.ui.search.mouse import click, drag, pixel_of
from tests.ui.search.test_plate_search import give_purpose, run_search


def map_pixel(panel, lat: float, lon: float) -> QPoint:
    x, y = to_mercator(lat, lon)
    return pixel_of(panel.map.plot, float(x), float(y))


def test_canvass_set_on_the_map(qtbot, panel, shoot):
    give_purpose(qtbot, panel)
    centre = GeoPoint(*CAMERAS["Foothill & Grand"])
    panel.map.show_region(centre, 2500)
    qtbot.mouseClick(panel.map.tool_buttons[CIRCLE], Qt.LeftButton)
    start = map_pixel(panel, centre.lat, centre.lon)
    # Drag out the radius to a point about 1.2 km east: Sierra Madre (0.6 km north) is inside,
    # Route 66 & Lone Hill (2.4 km) and Alosta & Citrus (2.2 km) are not.
    edge = map_pixel(panel, centre.lat, centre.lon + 0.013)
    with qtbot.waitSignal(panel.map.canvass_changed, timeout=5_000) as placed:
        drag(panel.map.plot, start, edge)
    got_centre, radius = placed.args
    assert distance_m(got_centre, centre) < 40
    assert 1_000 < radius < 1_400
    assert panel.tabs.currentIndex() == 1  # the Canvass page, showing the map's circle
    assert panel.canvass_form.radius.value() == round(radius)

    run_search(qtbot, panel)
    sources = {h.source for h in panel.results.hits}
    assert sources == {"Foothill & Grand", "Sierra Madre & Glendora Ave"}
    assert all(distance_m(got_centre, GeoPoint(h.lat, h.lon)) <= panel.canvass_form.radius.value()
               for h in panel.results.hits)
    shoot(panel, "search-canvass")

    # A click with the circle tool moves the centre and keeps the radius.
    lat, lon = CAMERAS["Alosta & Citrus"]
    with qtbot.waitSignal(panel.map.canvass_changed, timeout=5_000) as moved:
        click(panel.map.plot, map_pixel(panel, lat, lon))
    assert distance_m(moved.args[0], GeoPoint(lat, lon)) < 40
    assert abs(moved.args[1] - radius) < 5


def test_canvass_inside_a_drawn_rectangle(qtbot, panel):
    give_purpose(qtbot, panel)
    panel.map.show_region(GeoPoint(34.1340, -117.8650), 3000)
    panel.map.set_tool(RECTANGLE)
    # Around Route 66 & Lone Hill only.
    lat, lon = CAMERAS["Route 66 & Lone Hill"]
    with qtbot.waitSignal(panel.map.area_changed, timeout=5_000) as drawn:
        drag(panel.map.plot, map_pixel(panel, lat + 0.004, lon - 0.004),
             map_pixel(panel, lat - 0.004, lon + 0.004))
    assert len(drawn.args[0]) == 4
    assert panel.canvass_form.use_area.isChecked()
    run_search(qtbot, panel)
    assert {h.source for h in panel.results.hits} == {"Route 66 & Lone Hill"}


def test_dragging_a_timeline_range_filters_the_map_and_the_table(qtbot, panel, shoot):
    give_purpose(qtbot, panel)
    panel.tabs.setCurrentIndex(1)
    panel.canvass_form.set_circle(GeoPoint(34.1350, -117.8650), 5_000)
    result = run_search(qtbot, panel)
    total = len(result)
    assert total == panel.model.rowCount() == panel.map.visible_count > 60

    t0 = result.times.min()
    lo, hi = t0 + 2 * 3600, t0 + 20 * 3600
    plot = panel.timeline.plot
    y = pixel_of(plot, lo, 0.5).y() - 10
    with qtbot.waitSignal(panel.filtered, timeout=5_000) as filtered:
        drag(plot, QPoint(pixel_of(plot, lo, 0).x(), y), QPoint(pixel_of(plot, hi, 0).x(), y))
    got_lo, got_hi = panel.timeline.range
    expected = int(((result.times >= got_lo) & (result.times < got_hi)).sum())
    assert abs(got_lo - lo) < 3 * 3600 and abs(got_hi - hi) < 3 * 3600
    assert 0 < expected < total
    assert filtered.args[0] == expected == panel.model.rowCount() == panel.map.visible_count
    times = [result.times[panel.model.hit_at(r)] for r in range(panel.model.rowCount())]
    assert all(got_lo <= t < got_hi for t in times)
    assert "Showing" in panel.range_label.text()
    shoot(panel, "search-timeline-range")

    with qtbot.waitSignal(panel.filtered, timeout=5_000) as cleared:
        qtbot.mouseClick(panel.clear_range_button, Qt.LeftButton)
    assert cleared.args[0] == total == panel.map.visible_count


def test_selecting_in_one_view_highlights_in_the_others(qtbot, panel):
    give_purpose(qtbot, panel)
    qtbot.keyClicks(panel.plate_form.plate_edit, "8XYZ777")
    result = run_search(qtbot, panel)
    assert len(result) == 2

    # The table: the map and timeline highlight the row's read, the detail opens it (audited).
    with qtbot.waitSignal(panel.detail.opened, timeout=10_000) as opened:
        panel.table.selectRow(0)
    hit = result.hits[int(panel.selected[0])]
    assert opened.args[0].id == hit.id
    x, y = panel.map.highlight.getData()
    assert len(x) == 1 and abs(x[0] - result.x[int(panel.selected[0])]) < 1e-6
    assert panel.timeline.selected_bars.getData()[1].sum() == 1

    # The map: a click on the other read selects its row.
    other = 1 - int(panel.selected[0])
    panel.map.set_tool("pan")
    with qtbot.waitSignal(panel.selection_changed, timeout=5_000) as chosen:
        click(panel.map.plot, pixel_of(panel.map.plot, float(result.x[other]), float(result.y[other])))
    assert list(chosen.args[0]) == [other]
    assert panel.table.selectionModel().selectedRows()[0].row() == panel.model.rows_of([other])[0]

    # The timeline: a click on a bar selects its reads (back to the first read).
    first = 1 - other
    t = float(result.times[first])
    plot = panel.timeline.plot
    with qtbot.waitSignal(panel.selection_changed, timeout=5_000) as from_bar:
        click(plot, QPoint(pixel_of(plot, t + 60, 0).x(), pixel_of(plot, t, 0.5).y()))
    assert list(from_bar.args[0]) == [first]
    assert len(panel.map.highlight.getData()[0]) == 1


def test_a_smaller_result_after_a_larger_one_redraws_every_view(qtbot, panel):
    give_purpose(qtbot, panel)
    qtbot.keyClicks(panel.plate_form.plate_edit, "7AB*")
    assert len(run_search(qtbot, panel)) == 4
    panel.plate_form.plate_edit.setText("8XYZ777")
    result = run_search(qtbot, panel)  # the map once fitted itself to the previous result's reads
    assert len(result) == 2 == panel.map.visible_count == panel.model.rowCount()
    assert panel.result_info.text().startswith("2 reads")
    assert panel.timeline.counts.sum() == 2
