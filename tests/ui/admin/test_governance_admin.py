"""Administration tabs added by the governance issue: policy acknowledgements and retention."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.data.orm import PlateRead
from app.domain.roles import Role
from app.services.policy import PolicyAdminService
from app.services.retention import RetentionService
from app.ui.admin.admin_tabs import admin_section
from app.ui.admin.policy_panel import PolicyPanel
from app.ui.admin.retention_panel import RetentionPanel
from tests.ui.alerts.test_alerts_panel import arrive


def test_policy_panel_lists_acknowledgements_and_publishes(qtbot, desk, shoot):
    desk.make_user("ofc", [Role.OFFICER])
    desk.make_user("new", [Role.DETECTIVE], accepted=False)
    s = desk.services
    panel = PolicyPanel(PolicyAdminService(s.db, s.gate, s.now, s.policy.shipped_version), desk.admin)
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    assert panel.summary.text().startswith("2 of 3 active users have acknowledged it; 1 not yet")
    assert panel.table.item(0, 0).text() == "new" and panel.table.item(0, 3).text() == "Not yet"
    shoot(panel, "policy-acknowledgements")
    panel.publish_button.click()
    dialog = panel.dialog
    dialog.version.setText(s.policy.current_version())
    dialog.ok.click()
    assert "published before" in dialog.error.text()
    dialog.version.setText("424 rev. 2027-01")
    dialog.note.setPlainText("Release procedure clarified")
    with qtbot.waitSignal(panel.published):
        dialog.ok.click()
    assert "424 rev. 2027-01" in panel.version.text() and "sysadmin" in panel.version.text()
    assert panel.summary.text().startswith("0 of 3")
    assert s.policy.current_version() == "424 rev. 2027-01"


def test_retention_panel_previews_and_purges_on_a_worker(qtbot, desk, shoot):
    s = desk.services
    for days in (500, 420, 3):
        arrive(s, f"{days}OLD", s.now() - timedelta(days=days))
    panel = RetentionPanel(RetentionService(s.db, s.gate, s.images, s.now), desk.admin,
                           ask=lambda *args: True)
    qtbot.addWidget(panel)
    panel.resize(1000, 560)
    panel.show()
    panel.days.setValue(200)
    panel.save_button.click()
    assert "cannot be under 365 days" in panel.message.text() and panel.days.value() == 365
    with qtbot.waitSignal(panel.previewed):
        panel.preview_button.click()
    assert panel.months.rowCount() == 2 and panel.run_button.isEnabled()
    assert "2 reads and 4 images would be deleted" in panel.message.text()
    shoot(panel, "retention-preview")
    with qtbot.waitSignal(panel.finished, timeout=20_000) as done:
        panel.run_button.click()
    assert done.args[0].deleted_reads == 2
    assert panel.runs.rowCount() == 1 and panel.runs.item(0, 3).text() == "purge"
    with s.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(PlateRead)) == 1
    panel.shutdown()


def test_admin_tabs_follow_the_roles(qtbot, desk):
    tabs = admin_section(desk.services, desk.admin)
    qtbot.addWidget(tabs)
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Users and training", "Policy acknowledgements", "Hotlists", "Retention"]
    custodian = desk.make_user("cor", [Role.CUSTODIAN])
    only = admin_section(desk.services, custodian)
    qtbot.addWidget(only)
    assert [only.tabText(i) for i in range(only.count())] == ["Retention"]
    tabs.shutdown()
    only.shutdown()


