"""The IS supervisor's hotlists tab: a bad file listed line by line, a good one imported, a BOLO by hand."""
from __future__ import annotations

from datetime import datetime

from app.services.hotlists import HotlistService
from app.ui.alerts.hotlists_panel import HotlistsPanel
from tests.ui.alerts.test_alerts_panel import arrive

HEADER = "plate,state,reason,reference,entered,expires,make\n"


def test_import_and_enter_by_hand(qtbot, desk, tmp_path, shoot):
    s = desk.services
    arrive(s, "7ABC123", datetime(2026, 2, 27, 9, 0))
    panel = HotlistsPanel(HotlistService(s.db, s.gate, s.images, s.now), desk.admin)
    qtbot.addWidget(panel)
    panel.resize(900, 520)
    panel.show()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "7ABC123,CA,stolen_vehicle,S-1,2026-02-01,,Honda\n8XYZ999,CA,lost,S-2,2026-02-01,,\n")
    with qtbot.waitSignal(panel.bad_file, timeout=10_000):
        panel.import_file(bad)
    assert [panel.bad_rows.item(i).text() for i in range(panel.bad_rows.count())] == [
        "line 3: reason 'lost' is not one of stolen_vehicle, stolen_plate, wanted, missing_person, bolo"]
    assert "nothing was imported" in panel.message.text() and panel.table.rowCount() == 0
    shoot(panel, "hotlist-bad-file")
    good = tmp_path / "ca-svs.csv"
    good.write_text(HEADER + "7ABC123,CA,stolen_vehicle,S-1,2026-02-01,,Honda\n")
    with qtbot.waitSignal(panel.imported, timeout=10_000) as done:
        panel.import_file(good)
    assert done.args[0].alerts == 1 and "1 alerts raised" in panel.message.text()
    assert panel.table.item(0, 0).text() == "ca-svs" and not panel.bad_rows.isVisible()
    panel.entry_button.click()
    dialog = panel.dialog
    dialog.plate.setText("6TRK514")
    dialog.reference.setText("BOLO-26-31")
    dialog.note.setText("grey pickup, armed robbery suspect")
    dialog.ok.click()
    assert panel.table.rowCount() == 2 and "0 alerts raised" in panel.message.text()
    panel.shutdown()
