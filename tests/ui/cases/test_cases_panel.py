"""The cases panel on real services: cases, holds, a packet built on a worker, previewed,
printed (to a PDF printer) and exported; screenshots saved for a human to look at."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from app.data.orm import AuditRecord
from app.domain.roles import Role
from app.services.bags import verify_bag
from app.ui.cases import cases_section
from tests.integration.test_cases import seed_reads

CASE = "GPD-26-1107"
needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")


@pytest.fixture
def people(desk):
    return {"det": desk.make_user("det.ruiz", [Role.DETECTIVE]),
            "tech": desk.make_user("et.nguyen", [Role.EVIDENCE_TECHNICIAN]),
            "custodian": desk.make_user("cor.adams", [Role.CUSTODIAN])}


@pytest.fixture
def held_case(desk, people):
    from app.services.cases import CaseService

    services = desk.services
    ids = seed_reads(services, ["7ABC123", "8XYZ777", "4KLM905", "6TRD441", "5PQR210"])
    cases = CaseService(services.db, services.gate, services.now)
    cases.create_case(people["det"], CASE, "Burglaries on Foothill Blvd")
    cases.create_case(people["det"], "GPD-26-1200", "Hit and run, Route 66 & Lone Hill")
    cases.add_reads(people["det"], CASE, ids, reason="Vehicles seen near the burglaries")
    return ids


def make_panel(qtbot, desk, caller):
    panel = cases_section(desk.services, caller)
    qtbot.addWidget(panel)
    panel.resize(1280, 760)
    panel.show()
    return panel


def select_rows(panel, rows):
    model, selection = panel.reads_model, panel.reads_view.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(model.index(row, 0), QItemSelectionModel.Select | QItemSelectionModel.Rows)


def records(desk, action):
    with desk.services.db.transaction() as s:
        return s.scalars(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.seq)).all()


def test_a_detective_opens_a_case_and_adds_reads_by_id(qtbot, desk, people, held_case, shoot, monkeypatch):
    panel = make_panel(qtbot, desk, people["det"])
    assert [c.number for c in panel.cases_model.cases] == ["GPD-26-1200", CASE]
    panel.select_case(CASE)
    assert panel.reads_model.rowCount() == 5 and "Burglaries" in panel.case_title.text()
    assert not panel.build_button.isVisible()  # detectives do not build packets
    more = seed_reads(desk.services, ["9ZZZ999", "1AAA111"], camera="Alosta & Citrus")

    from app.ui.cases.case_dialogs import AddReadsDialog, parse_read_ids
    assert parse_read_ids("12, 15 18-20") == [12, 15, 18, 19, 20]
    dialog = AddReadsDialog(panel.cases, panel.caller, CASE, panel)
    dialog.ids.setPlainText(f"{more[0]}, {more[1]} 999999")
    dialog.submit()
    assert not dialog.error.isHidden() and "999999" in dialog.error.text()  # stays open with the sentence
    dialog.ids.setPlainText(f"{more[0]}, {more[1]}")
    dialog.submit()
    assert dialog.result() == QDialog.Accepted
    panel.refresh_cases()
    assert panel.reads_model.rowCount() == 7
    shoot(panel, "cases-detective")


def test_the_custodian_releases_a_hold_with_a_reason_after_confirming(qtbot, desk, people, held_case, shoot,
                                                                    monkeypatch):
    panel = make_panel(qtbot, desk, people["custodian"])
    panel.select_case(CASE)
    select_rows(panel, [1])
    assert panel.release_button.isEnabled()
    dialog = panel.release_dialog()
    shoot(dialog, "cases-release-dialog")
    dialog.submit()
    assert "reason" in dialog.error.text()
    dialog.reason.setPlainText("Not the suspect vehicle; plate misread")
    monkeypatch.setattr("app.ui.cases.case_dialogs.confirm", lambda *a: False)
    dialog.submit()
    assert "not released" in dialog.error.text()
    monkeypatch.setattr("app.ui.cases.case_dialogs.confirm", lambda *a: True)
    dialog.submit()
    released = [r for r in panel.reads_model.reads if not r.held]
    assert [r.read_id for r in released] == [held_case[1]]
    assert released[0].release_reason == "Not the suspect vehicle; plate misread"
    assert records(desk, "hold_release")[-1].username == "cor.adams"
    shoot(panel, "cases-released")


@needs_pdftoppm
def test_the_evidence_technician_builds_previews_prints_and_exports(qtbot, desk, people, held_case, shoot,
                                                                   tmp_path):
    panel = make_panel(qtbot, desk, people["tech"])
    panel.select_case(CASE)
    assert panel.build_button.isEnabled() and not panel.release_button.isEnabled()
    with qtbot.waitSignal(panel.packet_built, timeout=60_000) as built:
        panel.build_button.click()
    packet = built.args[0]
    assert len(packet.read_ids) == 5 and panel.packet_card.isVisible()
    assert packet.packet_id in panel.packet_info.text()
    shoot(panel, "cases-packet-built")

    preview = panel.open_preview()
    with qtbot.waitSignal(preview.rendered, timeout=60_000) as rendered:
        pass
    assert rendered.args[0] == packet.page_count == len(preview.page_labels)
    preview.resize(760, 980)
    preview.scroll.verticalScrollBar().setValue(preview.page_labels[2].y() - 10)
    shoot(preview, "cases-preview")
    preview.accept()

    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setResolution(100)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(panel.packet_printed, timeout=120_000) as printed:
        panel.print_to(printer)
    assert printed.args[0] == packet.page_count
    assert (tmp_path / "printed.pdf").stat().st_size > 50_000
    assert packet.pdf_sha256 in records(desk, "packet_print")[-1].query

    with qtbot.waitSignal(panel.packet_exported, timeout=60_000) as exported:
        panel.export_to(tmp_path / "usb")
    bag = exported.args[0]
    assert verify_bag(bag.path).ok and bag.path.parent == tmp_path / "usb"
    assert "read back intact" in panel.message.text()
    shoot(panel, "cases-exported")
    staging = packet.staging
    panel.shutdown()
    assert not Path(staging).exists()  # the staged copy goes with the panel


def test_a_selection_builds_a_smaller_packet_and_cancel_leaves_nothing(qtbot, desk, people, held_case):
    panel = make_panel(qtbot, desk, people["tech"])
    panel.select_case(CASE)
    select_rows(panel, [0, 2])
    assert panel.build_button.text() == "Build packet (2 selected)"
    with qtbot.waitSignal(panel.packet_built, timeout=60_000) as built:
        panel.build_packet()
    assert built.args[0].read_ids == [held_case[0], held_case[2]]
    panel.shutdown()
