"""The captain's audit page: filters over the access log, paging, the record in full, the report."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader

from app.data import audit_log
from app.data.audit_log import AccessFacts
from app.domain.roles import Role
from app.ui.audit.audit_model import ACTION, CASE, OUTCOME, QUERY, USER
from app.ui.audit.audit_panel import AuditPanel, audit_section


@pytest.fixture
def logged(desk):
    """Searches by two detectives, one refused, spread over February 2026."""
    with desk.services.db.transaction() as s:
        for i in range(230):
            user = "det1" if i % 2 else "det2"
            audit_log.append(s, AccessFacts(user, "Glendora Police Department", "ws-3", "Burglary series",
                                            f"GPD-26-{100 + i % 5}"), action="search",
                             outcome="refused" if i == 7 else "ok", now=datetime(2026, 2, 1, 8) + timedelta(hours=i),
                             query={"plate": "7ABC123" if i % 10 == 0 else f"8XYZ{i:03d}", "fuzzy": False},
                             result_count=i % 4)
    return desk


def _panel(qtbot, desk, caller, reports=True) -> AuditPanel:
    panel = audit_section(desk.services, caller) if reports else AuditPanel(desk.services.audit, caller)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    qtbot.waitUntil(lambda: panel.page_label.text() != "Loading…", timeout=10_000)
    return panel


def _apply(qtbot, panel):
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.filter_bar.apply_button.click()


def test_filters_narrow_the_table_and_pages_move(qtbot, logged, shoot):
    captain = logged.make_user("capt", [Role.CAPTAIN])
    panel = _panel(qtbot, logged, captain)
    assert panel.model.rowCount() == 200 and panel.older_button.isEnabled() and not panel.newer_button.isEnabled()
    assert "of 2" in panel.page_label.text()  # 230 searches and the set-up records
    bar = panel.filter_bar
    qtbot.keyClicks(bar.plate, "7abc123")
    bar.user.setText("det2")
    _apply(qtbot, panel)
    assert panel.model.rowCount() == 23
    assert {panel.model.index(r, USER).data() for r in range(23)} == {"det2"}
    assert all("7ABC123" in panel.model.index(r, QUERY).data() for r in range(23))
    bar.clear_button.click()
    bar.case.setText("GPD-26-102")
    bar.outcome.setCurrentIndex(2)  # refused
    _apply(qtbot, panel)
    assert [panel.model.index(r, OUTCOME).data() for r in range(panel.model.rowCount())] == ["refused"]
    assert panel.model.index(0, CASE).data() == "GPD-26-102"
    panel.table.selectRow(0)
    assert "det1" in panel.record.text() and "SHA-256" in panel.record.text()
    bar.clear_button.click()
    bar.use_from.setChecked(True)
    bar.date_from.setDate(date(2026, 2, 5))
    bar.use_to.setChecked(True)
    bar.date_to.setDate(date(2026, 2, 5))
    bar.action.setEditText("search")
    _apply(qtbot, panel)
    assert 22 <= panel.model.rowCount() <= 26  # one local day of hourly searches (the zone shifts the edges)
    assert {panel.model.index(r, ACTION).data() for r in range(panel.model.rowCount())} == {"search"}
    bar.clear_button.click()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 200, timeout=10_000)
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.older_button.click()
    assert panel.newer_button.isEnabled() and panel.page_label.text().startswith("Records 201–")
    with qtbot.waitSignal(panel.verified, timeout=10_000):
        panel.verify_button.click()
    shoot(panel, "audit-review")
    panel.shutdown()


def test_the_report_is_written_from_the_page(qtbot, logged, tmp_path, monkeypatch):
    captain = logged.make_user("capt", [Role.CAPTAIN])
    panel = _panel(qtbot, logged, captain)
    assert panel.report_button.isVisible()
    panel.report_button.click()
    dialog = panel.dialog
    dialog.start.setDate(date(2026, 1, 1))
    dialog.end.setDate(date(2026, 6, 30))
    dialog.out.setText(str(tmp_path / "report.txt"))
    dialog.ok.click()
    assert "pdf" in dialog.error.text() and dialog.isVisible()
    dialog.out.setText(str(tmp_path / "h1.pdf"))
    with qtbot.waitSignal(panel.reported, timeout=20_000) as done:
        dialog.ok.click()
    assert done.args[0].searches == 229
    assert "Audit report written" in panel.export_status.text()
    assert "Flagged for review" in "".join(p.extract_text() for p in PdfReader(tmp_path / "h1.pdf").pages)
    panel.shutdown()


def test_a_refused_reviewer_sees_the_reason(qtbot, logged):
    officer = logged.make_user("ofc", [Role.OFFICER])
    panel = _panel(qtbot, logged, officer, reports=False)
    assert not panel.report_button.isVisible()
    assert "do not allow" in panel.page_label.text()
    panel.shutdown()


