"""The search page's fixtures: real services with no tile server, Glendora reads with real PNGs.

`tile_url=""` keeps every test off the network: the map draws its offline grid.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from sqlalchemy import insert, select

from app.data.orm import Plate, PlateRead, Source, StoredImage
from app.domain.roles import Role
from tests.ui.conftest import ADMIN, ADMIN_PASSWORD, AGENCY, Desk, FakeClock, make_services

T0 = datetime(2026, 10, 1, 8, 0)  # naive UTC
CAMERAS = {
    "Foothill & Grand": (34.1365, -117.8653),
    "Route 66 & Lone Hill": (34.1290, -117.8420),
    "Alosta & Citrus": (34.1300, -117.8890),
    "Sierra Madre & Glendora Ave": (34.1418, -117.8650),
}
PURPOSE, CASE = "Burglary investigation", "GPD-26-1107"


@dataclass(frozen=True)
class Read:
    plate: str
    at: datetime
    camera: str
    state: str = "CA"
    confidence: float = 0.91
    offset: tuple[float, float] = (0.0, 0.0)  # degrees from the camera (a mobile unit's position)


def png(width: int, height: int, paint) -> bytes:
    image = QImage(width, height, QImage.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    paint(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def plate_png(text: str) -> bytes:
    def paint(p: QPainter) -> None:
        p.fillRect(0, 0, 240, 110, QColor("#f4f4f0"))
        p.setPen(QColor("#1b2f8f"))
        p.drawRect(3, 3, 233, 103)
        p.setFont(QFont("DejaVu Sans", 9, QFont.Bold))
        p.setPen(QColor("#b3261e"))
        p.drawText(QRect(0, 6, 240, 20), Qt.AlignCenter, "California")
        p.setFont(QFont("DejaVu Sans Mono", 34, QFont.Bold))
        p.setPen(QColor("#1b2f8f"))
        p.drawText(QRect(0, 26, 240, 70), Qt.AlignCenter, text)
    return png(240, 110, paint)


def scene_png(text: str) -> bytes:
    def paint(p: QPainter) -> None:
        p.fillRect(0, 0, 480, 270, QColor("#6b7480"))
        p.fillRect(0, 170, 480, 100, QColor("#3d434b"))
        p.setBrush(QColor("#a8b4c4"))
        p.drawRoundedRect(120, 80, 240, 130, 18, 18)
        p.fillRect(200, 160, 80, 36, QColor("#f4f4f0"))
        p.setFont(QFont("DejaVu Sans Mono", 13, QFont.Bold))
        p.setPen(QColor("#1b2f8f"))
        p.drawText(QRect(200, 160, 80, 36), Qt.AlignCenter, text)
    return png(480, 270, paint)


def seed_reads(services, reads: list[Read], images: bool = True) -> list[int]:
    """Insert the reads as an import would, each with a stored crop and scene image."""
    ids = []
    with services.db.transaction() as s:
        for read in reads:
            lat, lon = CAMERAS[read.camera]
            source_id = s.scalar(select(Source.id).where(Source.name == read.camera)) or s.execute(
                insert(Source).values(name=read.camera, kind="fixed", lat=lat, lon=lon, description="")
                .returning(Source.id)).scalar_one()
            plate_id = s.scalar(select(Plate.id).where(Plate.text == read.plate)) or s.execute(
                insert(Plate).values(text=read.plate).returning(Plate.id)).scalar_one()
            shas = [None, None]
            if images:
                for k, data in enumerate((plate_png(read.plate), scene_png(read.plate))):
                    sha = services.images.put(data)
                    if not s.get(StoredImage, sha):
                        s.execute(insert(StoredImage).values(sha256=sha, media_type="image/png",
                                                             size_bytes=len(data), created_at=T0))
                    shas[k] = sha
            ids.append(s.execute(insert(PlateRead).values(
                plate_id=plate_id, plate_as_read=read.plate, state=read.state, confidence=read.confidence,
                captured_at=read.at, lat=lat + read.offset[0], lon=lon + read.offset[1], source_id=source_id,
                crop_sha256=shas[0], image_sha256=shas[1])).inserted_primary_key[0])
    return ids


def glendora_reads() -> list[Read]:
    """Three days of traffic past four cameras, with plates chosen for the pattern tests."""
    reads = [
        Read("7ABC123", T0, "Foothill & Grand"),
        Read("7ABC123", T0 + timedelta(hours=26), "Route 66 & Lone Hill"),
        Read("7ABD123", T0 + timedelta(hours=2), "Alosta & Citrus"),
        Read("7A8C123", T0 + timedelta(hours=3), "Foothill & Grand", confidence=0.64),  # B read as 8
        Read("7ABC12", T0 + timedelta(hours=50), "Sierra Madre & Glendora Ave"),
        Read("8XYZ777", T0 + timedelta(minutes=1), "Foothill & Grand"),
        Read("8XYZ777", T0 + timedelta(hours=26, minutes=1), "Route 66 & Lone Hill"),
        Read("4KLM905", T0 + timedelta(hours=60), "Alosta & Citrus", state="AZ"),
    ]
    cameras = list(CAMERAS)
    for i in range(60):  # background traffic, spread around each camera
        plate = f"{5 + i % 4}{'PQRSTUVWXY'[i % 10]}{'KLMNP'[i % 5]}{'A'}{100 + i * 7}"
        reads.append(Read(plate, T0 + timedelta(minutes=47 * i), cameras[i % 4],
                          offset=((i % 7 - 3) * 0.0004, (i % 5 - 2) * 0.0005), confidence=0.7 + (i % 30) / 100))
    return reads


@pytest.fixture(autouse=True)
def _unthrottled_mouse():
    """pyqtgraph drops mouse moves closer than 10 ms apart; synthetic drags arrive all at once."""
    import pyqtgraph as pg

    before = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOptions(mouseRateLimit=-1)
    yield
    pg.setConfigOptions(mouseRateLimit=before)


@pytest.fixture
def search_desk(tmp_path):
    clock = FakeClock()
    services = make_services(tmp_path, clock, tile_url="")
    services.users.create_first_admin(ADMIN, ADMIN_PASSWORD, AGENCY, "test-ws", full_name="Pat Admin")
    admin = services.auth.login(ADMIN, ADMIN_PASSWORD)
    yield Desk(services, admin, clock)
    services.close()


@pytest.fixture
def glendora(search_desk):
    return seed_reads(search_desk.services, glendora_reads())


@pytest.fixture
def detective(search_desk):
    return search_desk.make_user("det.ruiz", [Role.DETECTIVE])


@pytest.fixture
def officer(search_desk):
    return search_desk.make_user("ofc.lee", [Role.OFFICER])


@pytest.fixture
def panel(qtbot, search_desk, glendora, detective):
    from app.ui.search.search_panel import SearchPanel

    widget = SearchPanel(search_desk.services, detective)
    qtbot.addWidget(widget)
    widget.resize(1280, 880)
    with qtbot.waitSignal(widget.sources_loaded, timeout=10_000):
        widget.show()
    yield widget
    widget.shutdown()
