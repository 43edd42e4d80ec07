"""The parts on their own: tiles and their cache, the results model at 100 000 rows, local times."""
from __future__ import annotations

import time
from datetime import datetime, timedelta

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt

from app.domain.geo import GeoPoint
from app.domain.search import ReadHit, SourceInfo
from app.services.demo_world import build_town
from app.ui.localtime import local_text, to_utc
from app.ui.search.map_view import MapView
from app.ui.search.projection import tile_bounds, tiles_covering, to_lat_lon, to_mercator, zoom_for
from app.ui.search.result_set import ResultSet
from app.ui.search.results_model import CONFIDENCE, PLATE, TIME, ResultsModel
from app.ui.search.tiles import TileUnavailable, cache_dir_for, fetch_tile

from tests.ui.search.conftest import plate_png
from tests.ui.search.mouse import hover, pixel_of


def test_mercator_round_trip_and_tile_arithmetic():
    x, y = to_mercator(34.136, -117.865)
    lat, lon = to_lat_lon(x, y)
    assert abs(lat - 34.136) < 1e-9 and abs(lon + 117.865) < 1e-9
    z = zoom_for(2.4)  # ~2.4 m per pixel is zoom 16
    assert z == 16
    tiles = tiles_covering(z, x - 500, y - 500, x + 500, y + 500)
    assert tiles and all(t[0] == 16 for t in tiles)
    left, bottom, width, height = tile_bounds(*tiles[0])
    assert left <= x <= left + width and bottom <= y <= bottom + height  # centre tile first
    assert tiles_covering(19, -1e7, -1e7, 1e7, 1e7) == []  # never thousands of tiles


def test_a_tile_is_fetched_once_then_served_from_the_disk_cache(tmp_path):
    server = tmp_path / "server"
    (server / "15" / "5663").mkdir(parents=True)
    (server / "15" / "5663" / "13079.png").write_bytes(plate_png("TILE"))
    template = (server.as_uri() + "/{z}/{x}/{y}.png")
    cache = cache_dir_for(tmp_path / "data", template)
    first = fetch_tile(template, cache, 15, 5663, 13079)
    (server / "15" / "5663" / "13079.png").unlink()
    assert fetch_tile(template, cache, 15, 5663, 13079) == first  # the server is not asked again
    with pytest.raises(TileUnavailable):
        fetch_tile(template, cache, 15, 5663, 13080)
    with pytest.raises(TileUnavailable):
        fetch_tile(template, cache, 15, 5663, 13081, network=False)


def test_the_map_lays_tiles_and_goes_offline_when_they_fail(qtbot, tmp_path):
    server = tmp_path / "server"
    x, y = to_mercator(34.1365, -117.8653)
    view = MapView(server.as_uri() + "/{z}/{x}/{y}.png", tmp_path / "cache")
    qtbot.addWidget(view)
    view.resize(600, 500)
    view.show()
    view.box.setRange(xRange=(float(x) - 600, float(x) + 600), yRange=(float(y) - 600, float(y) + 600), padding=0)
    z = zoom_for(1200 / view.box.width())
    for _, tx, ty in tiles_covering(z, float(x) - 800, float(y) - 800, float(x) + 800, float(y) + 800):
        (server / str(z) / str(tx)).mkdir(parents=True, exist_ok=True)
        (server / str(z) / str(tx) / f"{ty}.png").write_bytes(plate_png(f"{tx}"))
    # The range change above may already have started the fetch: wait on the outcome, not one signal.
    view.tiles.update_view()
    qtbot.waitUntil(lambda: bool(view.tiles._items), timeout=10_000)
    assert not view.tiles.is_offline
    assert "Offline" not in view.caption.text()

    view.box.setRange(xRange=(float(x) + 5e5, float(x) + 5e5 + 1200), yRange=(float(y), float(y) + 1200),
                      padding=0)
    view.tiles.update_view()
    qtbot.waitUntil(lambda: view.tiles.is_offline, timeout=10_000)
    assert "Offline map" in view.caption.text()
    view.shutdown()


def test_camera_names_show_where_they_have_room_and_on_hover(qtbot, tmp_path, shoot):
    view = MapView("", tmp_path / "cache")
    qtbot.addWidget(view)
    view.resize(450, 360)  # the search page's map at 1280 x 800
    view.show()
    qtbot.waitExposed(view)
    cameras = build_town().cameras  # the demo's 15 corners: rows of cameras along each street
    view.set_sources([SourceInfo(i, c.name, "fixed", c.lat, c.lon) for i, c in enumerate(cameras)])

    def shown() -> dict[str, QRectF]:
        return {label.toPlainText(): label.sceneBoundingRect() for label in view._camera_labels if label.isVisible()}

    def square(camera) -> QRectF:
        x, y = to_mercator(camera.lat, camera.lon)
        centre = view.box.mapViewToScene(QPointF(float(x), float(y)))
        return QRectF(centre.x() - 5.5, centre.y() - 5.5, 11, 11)

    # Framed on all the cameras: some names, none over another name or another camera.
    labels = shown()
    assert 0 < len(labels) < len(cameras)
    rects = list(labels.values())
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    assert not any(rect.intersects(square(c)) for name, rect in labels.items() for c in cameras if c.name != name)
    shoot(view, "map-labels-fitted")

    # A camera without a label is named when the pointer rests on it.
    unnamed = next(c for c in cameras if c.name not in labels)
    hover(view.plot, pixel_of(view.plot, *(float(v) for v in to_mercator(unnamed.lat, unnamed.lon))))
    assert view.box.toolTip() == unnamed.name

    # Zoomed in on one corner, its name shows, and no name of a camera out of view pokes in at the edge;
    # zoomed out to the county, the cluster is not a smudge of text.
    view.show_region(GeoPoint(unnamed.lat, unnamed.lon), 400)
    assert set(shown()) == {unnamed.name}
    view.show_region(GeoPoint(unnamed.lat, unnamed.lon), 20_000)
    assert len(shown()) <= 1
    view.shutdown()


def hits(n: int) -> list[ReadHit]:
    rng = np.random.default_rng(7)
    t0 = datetime(2026, 1, 1)
    seconds = rng.integers(0, 400 * 86400, n)
    return [ReadHit(id=i, plate=f"{rng.integers(1, 9)}ABC{i % 1000:03d}", state="CA",
                    captured_at=t0 + timedelta(seconds=int(s)), lat=34.13 + (i % 100) * 1e-4,
                    lon=-117.86 - (i % 77) * 1e-4, source=f"Camera {i % 12}", source_id=i % 12,
                    confidence=(i % 97) / 100) for i, s in enumerate(seconds)]


def test_the_results_model_stays_quick_with_100000_rows(qtbot):
    from app.ui.search.results_table import ResultsTable

    results = ResultSet.from_hits(hits(100_000))
    table = ResultsTable()
    qtbot.addWidget(table)
    table.resize(900, 500)
    table.show()
    model: ResultsModel = table.results_model
    table.set_results(results)
    table.sortByColumn(PLATE, Qt.AscendingOrder)
    plates = [model.index(r, PLATE).data() for r in (0, 1, 50_000, 99_999)]
    assert plates == sorted(plates)
    table.sortByColumn(TIME, Qt.DescendingOrder)
    times = [results.times[model.hit_at(r)] for r in range(0, 100_000, 997)]
    assert times == sorted(times, reverse=True)
    table.sortByColumn(CONFIDENCE, Qt.AscendingOrder)
    lo, hi = float(np.quantile(results.times, 0.25)), float(np.quantile(results.times, 0.5))
    table.select_hits(np.arange(0, 100_000, 3))
    model.set_time_range((lo, hi))
    assert model.rowCount() == int(((results.times >= lo) & (results.times < hi)).sum())
    assert all(i % 3 == 0 for i in table.selected)  # the selection followed the filter
    table.scrollToBottom()
    assert not table.grab().isNull()


def test_times_are_shown_local_with_the_zone_and_typed_local_to_utc(monkeypatch):
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        assert local_text(datetime(2026, 10, 1, 8, 0)) == "2026-10-01 01:00:00 PDT"
        assert local_text(datetime(2026, 12, 1, 8, 0)) == "2026-12-01 00:00:00 PST"
        assert to_utc(datetime(2026, 10, 1, 1, 0)) == datetime(2026, 10, 1, 8, 0)
    finally:
        monkeypatch.undo()
        time.tzset()
