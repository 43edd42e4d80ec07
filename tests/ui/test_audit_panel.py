"""Audit review: the chain is verified on a worker and the log exported."""
from __future__ import annotations

import csv

from app.ui.audit.audit_panel import AuditPanel


def _panel(qtbot, desk) -> AuditPanel:
    panel = AuditPanel(desk.services.audit, desk.admin)
    qtbot.addWidget(panel)
    panel.resize(900, 420)
    panel.show()
    return panel


def test_verify_shows_an_intact_chain_in_green(qtbot, desk, shoot):
    panel = _panel(qtbot, desk)
    with qtbot.waitSignal(panel.verified, timeout=10_000) as result:
        panel.verify_button.click()
    assert result.args[0].ok
    assert panel.result.objectName() == "resultOk"
    assert "Chain intact" in panel.result.text()
    shoot(panel, "audit-ok")
    panel.shutdown()


def test_verify_shows_a_broken_chain_in_red(qtbot, desk, shoot):
    # Tampering as someone with the database file would: remove the guard, then edit a record.
    with desk.services.db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        connection.exec_driver_sql("UPDATE audit_log SET username = 'someone-else' WHERE seq = 1")
    panel = _panel(qtbot, desk)
    with qtbot.waitSignal(panel.verified, timeout=10_000) as result:
        panel.verify()
    assert not result.args[0].ok
    assert panel.result.objectName() == "resultBad"
    assert "Chain broken at record 1" in panel.result.text()
    shoot(panel, "audit-bad")
    panel.shutdown()


def test_export_writes_the_log_as_csv(qtbot, desk, tmp_path):
    panel = _panel(qtbot, desk)
    out = tmp_path / "log.csv"
    with qtbot.waitSignal(panel.exported, timeout=10_000) as done:
        panel.export(out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert done.args[0] == len(rows) > 0
    assert rows[0]["action"] == "database_initialised"
    assert "Exported" in panel.export_status.text()
    panel.shutdown()

