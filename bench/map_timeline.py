"""Map + timeline drawing speed for 1,000,000 reads (DESIGN.md: drawn in < 1 s, pan/zoom interactive).

    QT_QPA_PLATFORM=offscreen python bench/map_timeline.py [--reads 1000000] [--frames 20]

Builds synthetic reads around Glendora (34.136, -117.865) over 14 months: most at a few dozen
fixed cameras, the rest along patrol routes, busier by day. Times the arrays into the views
(what a search result hands them: Web-Mercator x, y and POSIX times) until the window is
painted and grabbed; then pans and zooms, and drags a timeline range over the map.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication, QSplitter  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt  # noqa: E402

from app.ui import theme  # noqa: E402
from app.ui.search.map_view import MapView  # noqa: E402
from app.ui.search.projection import to_mercator  # noqa: E402
from app.ui.search.timeline import Timeline  # noqa: E402

CENTRE = (34.136, -117.865)
START = 1_759_276_800.0  # 2025-10-01 00:00 UTC
SPAN_S = 14 * 30.4 * 86400


def synthetic_reads(n: int, seed: int = 424) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    cameras = np.column_stack([CENTRE[0] + rng.normal(0, 0.03, 40), CENTRE[1] + rng.normal(0, 0.04, 40)])
    fixed = int(n * 0.8)
    which = rng.integers(0, len(cameras), fixed)
    lat = np.concatenate([cameras[which, 0] + rng.normal(0, 0.0002, fixed),
                          CENTRE[0] + rng.normal(0, 0.05, n - fixed)])
    lon = np.concatenate([cameras[which, 1] + rng.normal(0, 0.0002, fixed),
                          CENTRE[1] + rng.normal(0, 0.07, n - fixed)])
    day = rng.integers(0, int(SPAN_S // 86400), n)
    hour = np.clip(rng.normal(14, 4.5, n), 0, 23.999)  # busier by day
    times = START + day * 86400.0 + hour * 3600.0
    x, y = to_mercator(lat, lon)
    return x, y, times


def settle(loop: QEventLoop, *views) -> None:
    """Run events until no view has a redraw pending, then once more to paint.

    QEventLoop.processEvents (it returns a bool) rather than the void QApplication one."""
    while any(v._settle.isActive() for v in views):
        loop.processEvents(QEventLoop.WaitForMoreEvents)
    loop.processEvents()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reads", type=int, default=1_000_000)
    parser.add_argument("--frames", type=int, default=20)
    parser.add_argument("--shot", default="/tmp/search-bench-1m.png")
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    theme.apply(app)
    loop = QEventLoop()
    made = time.perf_counter()
    x, y, times = synthetic_reads(args.reads)
    made = time.perf_counter() - made

    window = QSplitter(Qt.Vertical)
    map_view = MapView()  # no tile server: the offline grid, as on a workstation without the network
    timeline = Timeline()
    window.addWidget(map_view)
    window.addWidget(timeline)
    window.setSizes([620, 180])
    window.resize(1100, 800)
    window.show()
    settle(loop, map_view, timeline)

    began = time.perf_counter()
    map_view.set_points(x, y)
    timeline.set_times(times)
    settle(loop, map_view, timeline)
    image = window.grab()
    first = time.perf_counter() - began
    image.save(args.shot)

    frames = []
    for i in range(args.frames):  # pan and zoom: the density image is recomputed for each view
        began = time.perf_counter()
        if i % 2:
            map_view.box.scaleBy((0.8, 0.8))
        else:
            (left, right), _ = map_view.box.viewRange()
            map_view.box.translateBy(x=(right - left) * 0.07)
        map_view._settle.stop()
        map_view._view_settled()
        window.grab()
        frames.append(time.perf_counter() - began)

    ranges = []
    for i in range(args.frames // 2):  # dragging a timeline range: the map follows the mask
        lo = START + i * 20 * 86400
        began = time.perf_counter()
        mask = (times >= lo) & (times < lo + 60 * 86400)
        map_view.set_mask(mask)
        window.grab()
        ranges.append(time.perf_counter() - began)

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
    print(f"reads: {args.reads:,} (synthetic arrays built in {made:.2f} s); map mode: {map_view.mode}")
    print(f"map + timeline, first complete frame: {first * 1000:.0f} ms")
    print(f"pan/zoom frame: median {statistics.median(frames) * 1000:.0f} ms, "
          f"max {max(frames) * 1000:.0f} ms over {len(frames)}")
    print(f"timeline range -> map: median {statistics.median(ranges) * 1000:.0f} ms, "
          f"max {max(ranges) * 1000:.0f} ms over {len(ranges)}")
    print(f"screenshot: {args.shot}")
    map_view.shutdown()


if __name__ == "__main__":
    main()
