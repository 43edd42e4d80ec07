"""Street tiles from a configurable XYZ server, cached on disk, fetched off the GUI thread.

`fetch_tile` is plain Python (the cache first, then the server with a User-Agent); the
TileLayer runs it on its own small WorkerPool and puts each tile under the map's points.
With no tile URL, or once a fetch fails, the layer goes offline: cached tiles still show,
nothing more is fetched, and the map says so (it then draws a plain grid and the cameras).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsPixmapItem

from app.domain.errors import PlateDeskError
from app.ui.search.projection import tile_bounds, tiles_covering, zoom_for
from app.ui.workers import WorkerPool

USER_AGENT = "PlateDesk/1.0 (ALPR investigations desktop; tile cache on disk)"
TIMEOUT_S = 8
MEMORY_TILES = 256
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"RIFF", b"GIF8")


class TileUnavailable(PlateDeskError):
    """The tile is not cached and may not (or could not) be fetched: the map says so, no trace logged."""


def cache_dir_for(data_dir: Path, url_template: str) -> Path:
    """One folder per server, so tiles of two servers never mix."""
    digest = hashlib.sha256(url_template.encode()).hexdigest()[:12]
    return Path(data_dir) / "tiles" / digest


def tile_url(template: str, z: int, x: int, y: int) -> str:
    return template.replace("{s}", "a").format(z=z, x=x, y=y)


def fetch_tile(template: str, cache: Path, z: int, x: int, y: int, *, network: bool = True,
               timeout: float = TIMEOUT_S) -> bytes:
    """The tile's image bytes: from the disk cache, else from the server (then cached)."""
    path = Path(cache) / str(z) / str(x) / f"{y}.img"
    if path.exists():
        return path.read_bytes()
    if not network:
        raise TileUnavailable("offline")
    request = urllib.request.Request(tile_url(template, z, x, y), headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured server
            data = response.read()
    except OSError as exc:  # URLError, HTTPError and timeouts are all OSErrors
        raise TileUnavailable(str(getattr(exc, "reason", exc))) from exc
    if not data.startswith(_IMAGE_MAGIC):
        raise TileUnavailable("the tile server did not send an image")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tile-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
    return data


class TileLayer(QObject):
    """Keeps the tiles over the view in the scene; asks for missing ones in the background."""

    offline = Signal(str)  # why there are no (more) street tiles
    tile_loaded = Signal(object)  # (z, x, y)

    def __init__(self, view_box, template: str, cache: Path, parent=None) -> None:
        super().__init__(parent)
        self._view_box = view_box
        self.template = template.strip()
        self.cache = Path(cache)
        self.is_offline = not self.template
        self.workers = WorkerPool(max_threads=2, parent=self)
        self._items: dict[tuple[int, int, int], QGraphicsPixmapItem] = {}
        self._images: OrderedDict[tuple[int, int, int], QImage] = OrderedDict()
        self._pending: set[tuple[int, int, int]] = set()
        self._wanted: set[tuple[int, int, int]] = set()

    def update_view(self) -> None:
        """Show the tiles for the current view; call after the view moved (debounced)."""
        if not self.template:
            return
        (left, right), (bottom, top) = self._view_box.viewRange()
        width_px = max(1.0, self._view_box.width())
        z = zoom_for((right - left) / width_px)
        wanted = tiles_covering(z, left, bottom, right, top)
        self._wanted = set(wanted)
        for key in [k for k in self._items if k not in self._wanted]:
            self._view_box.removeItem(self._items.pop(key))
        for key in wanted:
            if key in self._items or key in self._pending:
                continue
            if key in self._images:
                self._place(key, self._images[key])
                continue
            self._request(key)

    def _request(self, key: tuple[int, int, int]) -> None:
        self._pending.add(key)
        template, cache, network = self.template, self.cache, not self.is_offline

        def job(cancel, progress):
            data = fetch_tile(template, cache, *key, network=network)
            image = QImage.fromData(data)  # QImage, unlike QPixmap, may be made off the GUI thread
            if image.isNull():
                raise TileUnavailable("the tile could not be decoded")
            return image

        self.workers.start(job, on_finished=lambda image: self._arrived(key, image),
                           on_failed=lambda message: self._failed(key, message))

    def _arrived(self, key, image: QImage) -> None:
        self._pending.discard(key)
        self._images[key] = image
        while len(self._images) > MEMORY_TILES:
            self._images.popitem(last=False)
        if key in self._wanted and key not in self._items:
            self._place(key, image)
        self.tile_loaded.emit(key)

    def _failed(self, key, message: str) -> None:
        self._pending.discard(key)
        if not self.is_offline:
            self.is_offline = True
            self.offline.emit(message)

    def _place(self, key, image: QImage) -> None:
        left, bottom, width, height = tile_bounds(*key)
        item = QGraphicsPixmapItem(QPixmap.fromImage(image))
        item.setTransformationMode(Qt.SmoothTransformation)
        # Tile pixel rows run downwards; the map's y (north) runs upwards.
        item.setTransform(QTransform.fromScale(width / image.width(), -height / image.height()))
        item.setPos(left, bottom + height)
        item.setZValue(-100)
        self._view_box.addItem(item, ignoreBounds=True)
        self._items[key] = item

    def clear(self) -> None:
        for item in self._items.values():
            self._view_box.removeItem(item)
        self._items.clear()

    def shutdown(self) -> None:
        self.workers.shutdown(5_000)
