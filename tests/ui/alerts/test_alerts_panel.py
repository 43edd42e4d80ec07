"""The Alerts page: the CLETS banner, an arriving hit with its crop, fuzzy marking, a disposition."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import insert, select

from app.data.orm import AuditRecord, Plate, PlateRead, Source, StoredImage
from app.domain.roles import Role
from app.services.hotlists import HotlistService, match_new_reads
from app.ui.alerts import alerts_section
from app.ui.alerts.alerts_model import DISPOSITION, MATCH, PLATE
from app.ui.alerts.alerts_panel import AlertsPanel


def _png(text: str, size=(260, 70), background="#f5f5f0") -> bytes:
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    draw.rectangle([2, 2, size[0] - 3, size[1] - 3], outline="#1d2838", width=3)
    draw.text((18, size[1] // 2 - 6), text, fill="#1d2838")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def arrive(services, plate: str, at: datetime, state: str | None = "CA") -> int:
    """A read arriving with its crop and scene image, matched in the same transaction."""
    crop, scene = _png(plate), _png(f"scene with {plate}", (400, 240), "#c9d3dc")
    with services.db.transaction() as s:
        shas = []
        for data in (crop, scene):
            sha = services.images.put(data)
            if s.get(StoredImage, sha) is None:
                s.add(StoredImage(sha256=sha, media_type="image/png", size_bytes=len(data), created_at=at))
            shas.append(sha)
        s.flush()
        source = s.scalar(select(Source.id).where(Source.name == "Unit 14 (mobile)")) or s.execute(
            insert(Source).values(name="Unit 14 (mobile)", kind="mobile", description="").returning(Source.id)
        ).scalar_one()
        plate_id = s.scalar(select(Plate.id).where(Plate.text == plate)) or s.execute(
            insert(Plate).values(text=plate).returning(Plate.id)).scalar_one()
        read_id = s.execute(insert(PlateRead).values(
            plate_id=plate_id, plate_as_read=plate, state=state, confidence=0.91, captured_at=at, lat=34.1362,
            lon=-117.8651, source_id=source, crop_sha256=shas[0], image_sha256=shas[1]).returning(PlateRead.id)
        ).scalar_one()
        match_new_reads(s, [read_id], services.now())
    return read_id


@pytest.fixture
def hotlists(desk):
    s = desk.services
    service = HotlistService(s.db, s.gate, s.images, s.now)
    service.add_entry(desk.admin, "6TRK514", "stolen_vehicle", state="CA", reference="SVS-26-4471",
                      note="grey Ford F-150")
    service.add_entry(desk.admin, "8BOB800", "bolo", reference="BOLO-26-12", note="armed robbery suspect")
    return service


def _panel(qtbot, hotlists, caller) -> AlertsPanel:
    panel = AlertsPanel(hotlists, caller)
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    return panel


def test_alerts_page_shows_the_banner_and_the_hit(qtbot, desk, hotlists, shoot):
    officer = desk.make_user("ofc", [Role.OFFICER])
    arrive(desk.services, "6TRK514", datetime(2026, 3, 2, 8, 41))
    arrive(desk.services, "BBOB800", datetime(2026, 3, 2, 8, 50), state=None)  # a fuzzy hit
    arrive(desk.services, "1NOP000", datetime(2026, 3, 2, 8, 55))
    panel = _panel(qtbot, hotlists, officer)
    assert "CLETS" in panel.banner.text() and panel.banner.isVisible()
    assert [a.plate for a in panel.model.alerts] == ["BBOB800", "6TRK514"]
    assert panel.model.index(0, MATCH).data() == "Fuzzy: B for 8 at 1"
    assert panel.model.index(1, PLATE).data() == "6TRK514  CA"
    assert panel.count.text() == "2 alerts, 2 open"
    with qtbot.waitSignal(panel.opened) as opened:
        panel.select(panel.model.alerts[1].id)
    detail = opened.args[0]
    assert detail.crop and detail.image
    assert not panel.detail.crop.pixmap().isNull() and not panel.detail.image.pixmap().isNull()
    assert panel.detail.reason.text() == "STOLEN VEHICLE"
    assert panel.detail.values["Reference"].text() == "SVS-26-4471"
    assert "grey Ford F-150" in panel.detail.values["Details"].text()
    shoot(panel, "alerts-page")
    panel.select(panel.model.alerts[0].id)
    assert "Fuzzy hit" in panel.detail.match.text()
    with desk.services.db.transaction() as s:
        actions = s.scalars(select(AuditRecord.action).where(AuditRecord.username == "ofc")).all()
    assert actions.count("alerts_view") == 1 and actions.count("alert_open") == 2


def test_a_disposition_through_the_dialog(qtbot, desk, hotlists, shoot):
    officer = desk.make_user("ofc", [Role.OFFICER])
    arrive(desk.services, "6TRK514", datetime(2026, 3, 2, 8, 41))
    panel = _panel(qtbot, hotlists, officer)
    panel.select(panel.model.alerts[0].id)
    panel.detail.dispose_button.click()
    dialog = panel.dialog
    dialog.ok.click()
    assert "Choose what" in dialog.error.text()
    dialog.buttons["confirmed"].setChecked(True)
    dialog.ok.click()
    assert "note" in dialog.error.text() and dialog.isVisible()
    shoot(dialog, "alert-disposition")
    dialog.note.setPlainText("CLETS 08:44: stolen, confirmed; vehicle stopped, driver detained")
    with qtbot.waitSignal(panel.disposed):
        dialog.ok.click()
    assert panel.model.index(0, DISPOSITION).data() == "Confirmed"
    assert not panel.detail.dispose_button.isEnabled()
    assert "Confirmed (verified through CLETS) by ofc" in panel.detail.values["Disposition"].text()
    panel.refresh()
    assert panel.model.alerts == [] and panel.count.text() == "0 alerts, 0 open"
    panel.show_combo.setCurrentIndex(1)
    assert [a.disposition for a in panel.model.alerts] == ["confirmed"]


def test_the_factory_and_a_refusal(qtbot, desk, hotlists):
    untrained = desk.make_user("new", [Role.OFFICER], trained=False)
    panel = alerts_section(desk.services, untrained)
    qtbot.addWidget(panel)
    assert panel.model.alerts == [] and "training" in panel.detail.placeholder.text()
    supervisor = alerts_section(desk.services, desk.admin)  # no VIEW_ALERTS: refused in the pane, not a crash
    qtbot.addWidget(supervisor)
    assert "do not allow" in supervisor.detail.placeholder.text()
