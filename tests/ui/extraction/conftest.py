"""The extraction page's fixtures: real services on SQLite, the real pipeline, a small OCR stand-in."""
from __future__ import annotations

import pytest

from app.domain.roles import Role
from app.services.extraction import ExtractionService
from tests.ui.extraction.fakes import SCENES, StandInEngine, write_video


@pytest.fixture
def engine():
    return StandInEngine()


@pytest.fixture
def detective(desk):
    return desk.make_user("det.ruiz", [Role.DETECTIVE])


@pytest.fixture
def clip(tmp_path):
    return write_video(tmp_path / "dashcam.mp4")


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("car13.jpg", "us4.jpg"):
        (folder / name).write_bytes((SCENES / name).read_bytes())
    return folder


def make_panel(qtbot, desk, caller, engine):
    from app.ui.extraction.extraction_panel import ExtractionPanel

    service = ExtractionService(desk.services.db, desk.services.gate, desk.services.images, desk.clock,
                                lambda: engine)
    panel = ExtractionPanel(service, desk.services.cases, caller)
    qtbot.addWidget(panel)
    panel.resize(1280, 860)
    panel.show()
    return panel


@pytest.fixture
def panel(qtbot, desk, detective, engine):
    widget = make_panel(qtbot, desk, detective, engine)
    yield widget
    widget.shutdown()
