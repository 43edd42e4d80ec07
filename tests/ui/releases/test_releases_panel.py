"""Release requests in the GUI: filed by a detective, decided by a captain with the password, exported."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.domain.roles import Role
from app.services.releases import ReleaseService
from app.ui.releases.releases_panel import ReleasesPanel
from tests.ui.alerts.test_alerts_panel import arrive
from tests.ui.conftest import USER_PASSWORD


def _panel(qtbot, desk, caller) -> ReleasesPanel:
    s = desk.services
    panel = ReleasesPanel(ReleaseService(s.db, s.gate, s.auth, s.images, s.now), caller)
    qtbot.addWidget(panel)
    panel.resize(1100, 480)
    panel.show()
    return panel


def test_file_decide_and_export(qtbot, desk, tmp_path, shoot):
    read_id = arrive(desk.services, "7ABC123", datetime(2026, 2, 20, 14, 5))
    detective = desk.make_user("det", [Role.DETECTIVE])
    captain = desk.make_user("capt", [Role.CAPTAIN])
    filing = _panel(qtbot, desk, detective)
    assert set(filing.buttons) == {"file", "export"}
    # No message yet: the table sits right under the buttons, with no blank line between.
    assert not filing.message.isVisible()
    assert filing.table.geometry().top() - filing.buttons["file"].geometry().bottom() < 20
    filing.buttons["file"].click()
    dialog = filing.dialog
    dialog.agency.setText("Azusa Police Department")
    dialog.requester.setText("Det. Maria Reyes")
    dialog.purpose.setPlainText("Armed robbery AZ-26-5512")
    dialog.data.setPlainText("Reads of 7ABC123 on 20 Feb 2026")
    dialog.reads.setText(f"{read_id}, x")
    dialog.ok.click()
    assert "numbers" in dialog.error.text()
    dialog.reads.setText(str(read_id))
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok.click()
    filing.select(dialog.request_id)
    assert not filing.buttons["export"].isEnabled()

    deciding = _panel(qtbot, desk, captain)
    deciding.select(deciding.requests[0].id)
    assert deciding.buttons["approve"].isEnabled()
    deciding.buttons["approve"].click()
    decision = deciding.dialog
    decision.password.setText("wrong password entirely")
    decision.ok.click()
    assert "password is not correct" in decision.error.text() and decision.password.text() == ""
    decision.password.setText(USER_PASSWORD)
    with qtbot.waitSignal(decision.accepted):
        decision.ok.click()
    assert deciding.table.item(0, 7).text() == "approved"
    shoot(deciding, "releases")

    filing.refresh()
    filing.select(filing.requests[0].id)
    assert filing.buttons["export"].isEnabled()
    pytest.importorskip("app.services.bags")
    with qtbot.waitSignal(filing.exported, timeout=20_000) as done:
        filing.export(filing.requests[0].id, tmp_path / "media")
    assert done.args[0].read_count == 1 and "Exported 1 reads" in filing.message.text()
    assert filing.message.isVisible()
    filing.shutdown()
    deciding.shutdown()


def test_a_captain_cannot_decide_what_they_filed(qtbot, desk):
    captain = desk.make_user("capt", [Role.CAPTAIN])
    panel = _panel(qtbot, desk, captain)
    panel.buttons["file"].click()
    dialog = panel.dialog
    dialog.agency.setText("LA County DA")
    dialog.requester.setText("DDA Chen")
    dialog.purpose.setPlainText("Prosecution")
    dialog.data.setPlainText("Reads of 7ABC123")
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok.click()
    panel.select(panel.requests[0].id)
    assert not panel.buttons["approve"].isEnabled() and not panel.buttons["deny"].isEnabled()
    panel.shutdown()
