"""Plate search on the real panel: purpose and case first, patterns, fuzzy hits, filters, export."""
from __future__ import annotations

import csv
import json
from datetime import datetime

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.data.orm import AuditRecord
from app.ui.localtime import to_local
from app.ui.search.results_model import MATCH, PLATE

from tests.ui.search.conftest import CASE, PURPOSE


def audit(services, action: str) -> list[AuditRecord]:
    with services.db.transaction() as s:
        rows = s.execute(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.seq))
        return list(rows.scalars())


def plates_shown(panel) -> list[str]:
    model = panel.model
    return [model.index(row, PLATE).data() for row in range(model.rowCount())]


def give_purpose(qtbot, panel, purpose=PURPOSE, case=CASE) -> None:
    qtbot.keyClicks(panel.purpose_bar.purpose_edit, purpose)
    qtbot.keyClicks(panel.purpose_bar.case_edit, case)
    qtbot.mouseClick(panel.purpose_bar.apply_button, Qt.LeftButton)


def run_search(qtbot, panel):
    with qtbot.waitSignal(panel.searched, timeout=10_000) as done:
        qtbot.mouseClick(panel.search_button, Qt.LeftButton)
    return done.args[0]


def test_no_query_runs_before_a_purpose_and_case_number(qtbot, panel, search_desk):
    qtbot.keyClicks(panel.plate_form.plate_edit, "7AB*")
    with qtbot.waitSignal(panel.search_failed, timeout=5_000) as refused:
        qtbot.mouseClick(panel.search_button, Qt.LeftButton)
    assert "424.5(b)" in refused.args[0]
    assert "424.5(b)" in panel.message.text() and panel.message.isVisible()
    assert audit(search_desk.services, "search") == []
    assert panel.model.rowCount() == 0


def test_partial_plate_shows_the_rows_and_each_query_is_recorded(qtbot, panel, search_desk, shoot):
    give_purpose(qtbot, panel)
    assert CASE in panel.purpose_bar.status.text()
    qtbot.keyClicks(panel.plate_form.plate_edit, "7AB*")
    assert panel.message.text() == "Matches 7AB then any characters."  # live, before searching
    result = run_search(qtbot, panel)
    assert sorted(plates_shown(panel)) == ["7ABC12", "7ABC123", "7ABC123", "7ABD123"]
    assert len(result) == 4 and not result.truncated
    assert "4 reads matching 7AB then any characters" in panel.result_info.text()

    # The pair may change at any time; the next query carries the new one.
    panel.purpose_bar.purpose_edit.clear()
    qtbot.keyClicks(panel.purpose_bar.purpose_edit, "Stolen vehicle")
    panel.purpose_bar.case_edit.clear()
    qtbot.keyClicks(panel.purpose_bar.case_edit, "GPD-26-2001\r")
    run_search(qtbot, panel)
    records = audit(search_desk.services, "search")
    assert [(r.purpose, r.case_number, r.result_count) for r in records] == [
        (PURPOSE, CASE, 4), ("Stolen vehicle", "GPD-26-2001", 4)]
    assert json.loads(records[0].query)["plate"] == "7AB*"
    shoot(panel, "search-plate")


def test_fuzzy_hits_are_marked_with_the_differences_and_ranked_last(qtbot, panel):
    give_purpose(qtbot, panel)
    qtbot.keyClicks(panel.plate_form.plate_edit, "7ABC123")
    qtbot.mouseClick(panel.plate_form.fuzzy, Qt.LeftButton)
    assert "look-alike" in panel.message.text()
    result = run_search(qtbot, panel)
    assert plates_shown(panel) == ["7ABC123", "7ABC123", "7A8C123"]
    last = panel.model.rowCount() - 1
    assert panel.model.index(last, MATCH).data() == "fuzzy: 8 for B at 3"
    assert panel.model.index(0, MATCH).data() == "exact"
    assert [h.fuzzy for h in result.hits] == [False, False, True]
    assert "1 fuzzy, listed after the exact hits" in panel.result_info.text()

    with qtbot.waitSignal(panel.detail.opened, timeout=10_000):
        panel.table.selectRow(last)
    assert "Fuzzy hit: 8 for B at 3" in panel.detail.match.text()
    assert not panel.detail.crop.pixmap().isNull() and not panel.detail.image.pixmap().isNull()


def test_more_matched_than_shown_is_said(qtbot, panel):
    give_purpose(qtbot, panel)
    panel.limit = 3
    qtbot.keyClicks(panel.plate_form.plate_edit, "7AB*")
    result = run_search(qtbot, panel)
    assert result.truncated and panel.model.rowCount() == 3
    assert panel.truncated.isVisible()
    assert "More matched than shown" in panel.truncated.text()
    panel.limit = 10
    run_search(qtbot, panel)
    assert not panel.truncated.isVisible()


def test_a_pattern_with_nothing_known_is_refused_with_its_reason(qtbot, panel, search_desk):
    give_purpose(qtbot, panel)
    qtbot.keyClicks(panel.plate_form.plate_edit, "*??")
    assert "no known character" in panel.message.text()
    with qtbot.waitSignal(panel.search_failed, timeout=5_000) as refused:
        qtbot.mouseClick(panel.search_button, Qt.LeftButton)
    assert "no known character" in refused.args[0]
    assert audit(search_desk.services, "search") == []


def test_state_source_and_time_filters(qtbot, panel):
    give_purpose(qtbot, panel)
    qtbot.keyClicks(panel.plate_form.plate_edit, "*")  # refused alone...
    panel.plate_form.plate_edit.setText("4*")
    qtbot.keyClicks(panel.plate_form.state_edit, "az")
    run_search(qtbot, panel)
    assert plates_shown(panel) == ["4KLM905"]

    panel.plate_form.state_edit.clear()
    panel.plate_form.plate_edit.setText("8XYZ777")
    combo = panel.plate_form.source
    combo.setCurrentIndex(combo.findText("Route 66 & Lone Hill", Qt.MatchStartsWith))
    run_search(qtbot, panel)
    assert [h.source for h in panel.results.hits] == ["Route 66 & Lone Hill"]

    # The window is typed in local time and searched in UTC: only the first day's read.
    combo.setCurrentIndex(0)
    window = panel.time_window
    window.set_local(to_local(datetime(2026, 10, 1, 7, 0)).replace(tzinfo=None),
                     to_local(datetime(2026, 10, 1, 12, 0)).replace(tzinfo=None))
    assert window.bounds() == (datetime(2026, 10, 1, 7, 0), datetime(2026, 10, 1, 12, 0))
    run_search(qtbot, panel)
    assert [h.captured_at for h in panel.results.hits] == [datetime(2026, 10, 1, 8, 1)]


def test_export_of_the_selected_reads_is_an_audited_access(qtbot, panel, search_desk, tmp_path):
    give_purpose(qtbot, panel)
    qtbot.keyClicks(panel.plate_form.plate_edit, "7ABC123")
    run_search(qtbot, panel)
    panel.table.selectAll()
    assert panel.export_button.isEnabled()
    out = tmp_path / "reads.csv"
    with qtbot.waitSignal(panel.exported, timeout=10_000) as done:
        panel.export(out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert done.args[0] == 2 and [r["plate"] for r in rows] == ["7ABC123", "7ABC123"]
    record = audit(search_desk.services, "export_csv")[-1]
    assert (record.purpose, record.case_number, record.result_count) == (PURPOSE, CASE, 2)
    assert "Exported 2 reads" in panel.selection_label.text()


def test_sorting_keeps_the_selection(qtbot, panel):
    give_purpose(qtbot, panel)
    qtbot.keyClicks(panel.plate_form.plate_edit, "7AB*")
    run_search(qtbot, panel)
    panel.table.selectRow(0)
    chosen = panel.results.hits[int(panel.selected[0])]
    panel.table.sortByColumn(PLATE, Qt.AscendingOrder)
    assert plates_shown(panel) == sorted(plates_shown(panel))
    rows = panel.table.selectionModel().selectedRows()
    assert len(rows) == 1 and panel.results.hits[panel.model.hit_at(rows[0].row())] == chosen


def test_opening_a_read_is_audited_with_the_purpose(qtbot, panel, search_desk):
    give_purpose(qtbot, panel)
    qtbot.keyClicks(panel.plate_form.plate_edit, "4KLM905")
    run_search(qtbot, panel)
    with qtbot.waitSignal(panel.detail.opened, timeout=10_000) as opened:
        panel.table.selectRow(0)
    assert opened.args[0].plate == "4KLM905"
    assert panel.detail.plate.text().startswith("4KLM905")
    assert "Exact match" in panel.detail.match.text()
    record = audit(search_desk.services, "read_open")[-1]
    assert (record.purpose, record.case_number, record.result_count) == (PURPOSE, CASE, 1)
    assert json.loads(record.query)["read_id"] == opened.args[0].id

    # Without a purpose in force nothing is opened, and the pane says why.
    panel.table.clearSelection()
    panel.purpose_bar.purpose_edit.clear()
    with qtbot.waitSignal(panel.detail.failed, timeout=5_000) as refused:
        panel.table.selectRow(0)
    assert "424.5(b)" in refused.args[0]
    assert len(audit(search_desk.services, "read_open")) == 1
