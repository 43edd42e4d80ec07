"""The extraction page through pytest-qt: hashing, progress, cancel, review, save, add to case."""
from __future__ import annotations

import time

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from sqlalchemy import func, select

from app.data.orm import AuditRecord, EvidenceHold, ImportBatch, PlateRead
from app.domain.search import SearchCriteria
from app.ui.extraction import review_model as rm
from app.ui.extraction.extraction_panel import ExtractionPanel, time_left
from app.jobs import Progress
from tests.ui.extraction.conftest import make_panel
from tests.ui.extraction.fakes import SCENES, StandInEngine, write_video

PURPOSE, CASE = "Hit and run investigation", "GPD-26-2001"


def _open(qtbot, panel, paths):
    with qtbot.waitSignal(panel.files_hashed, timeout=10_000) as hashed:
        panel.open_paths(paths)
    return hashed.args[0]


def _fill(panel, place="34.1365,-117.8653", source="Dash camera, unit 12"):
    panel.form.set_place_text(place)  # as typed: for the selected files, or all
    panel.form.source_edit.setText(source)
    panel.form.purpose_edit.setText(PURPOSE)
    panel.form.case_edit.setText(CASE)


def _count(services, model, *where):
    with services.db.transaction() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_open_hashes_and_prefills_then_progress_arrives_off_the_gui_thread(qtbot, panel, clip, engine, shoot):
    [opened] = _open(qtbot, panel, [clip])
    assert panel.form.table.rowCount() == 1 and opened.sha256 in panel.form.table.item(0, 2).toolTip()
    assert panel.form.start_edit.text()  # from the MP4 header
    seen: list[Progress] = []
    panel.progressed.connect(seen.append)
    with qtbot.waitSignal(panel.extracted, timeout=20_000) as done:
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
        assert not panel.run_button.isEnabled() and panel.cancel_button.isEnabled()
    assert [r.plate for r in done.args[0]] == ["7ABC123"]
    assert seen and seen[-1].done == seen[-1].total
    assert "frames/s" in panel.rate_label.text()
    assert "MainThread" not in engine.threads  # the window stayed free while the model worked
    model = panel.model
    assert model.rowCount() == 1
    assert model.data(model.index(0, rm.CROP), Qt.DecorationRole) is not None
    assert model.data(model.index(0, rm.TIME)).startswith("2026-06-01")
    qtbot.waitUntil(lambda: panel.save_button.isEnabled())
    shoot(panel, "extraction-video")


def test_the_start_is_named_in_the_zone_of_its_own_date(qtbot, panel, clip, monkeypatch, shoot):
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        _open(qtbot, panel, [clip])  # recorded on 1 June: PDT, whatever the zone is called today
        form, header = panel.form, panel.form.table.horizontalHeaderItem(3)
        assert form.start_edit.text() == "2026-06-01 07:00:00"
        assert header.text() == "Recording start (PDT)" and form.start_hint.text().startswith("PDT;")
        assert form.table.item(0, 3).text() == "2026-06-01 07:00:00 PDT"
        shoot(panel, "extraction-zone")

        form.start_edit.clear()
        qtbot.keyClicks(form.start_edit, "2026-12-01 10:00:00")
        assert form.start_hint.text().startswith("PST;")  # while typing, before the field is left
        qtbot.keyClick(form.start_edit, Qt.Key_Return)
        assert header.text() == "Recording start (PST)"
        assert form.table.item(0, 3).text() == "2026-12-01 10:00:00 PST"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_cancel_stops_within_a_second_and_keeps_nothing(qtbot, desk, detective, tmp_path, shoot):
    slow = StandInEngine(delay_s=0.05)
    panel = make_panel(qtbot, desk, detective, slow)
    try:
        long_clip = write_video(tmp_path / "long.mp4", frames=600)
        _open(qtbot, panel, [long_clip])
        with qtbot.waitSignal(panel.progressed, timeout=20_000,
                              check_params_cb=lambda p: 0 < p.done < p.total):
            panel.run()
        qtbot.waitUntil(lambda: "left" in panel.rate_label.text(), timeout=10_000)
        shoot(panel, "extraction-running")
        asked = time.monotonic()
        with qtbot.waitSignal(panel.extraction_cancelled, timeout=5_000):
            qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)
        assert time.monotonic() - asked < 1.0
        assert panel.model.rowCount() == 0 and "nothing was kept" in panel.rate_label.text()
        assert _count(desk.services, PlateRead) == 0
        qtbot.waitUntil(lambda: panel.run_button.isEnabled())
    finally:
        panel.shutdown()


def test_review_corrects_drops_and_saves_reads_a_search_then_finds(qtbot, panel, photos, desk, detective, shoot):
    _open(qtbot, panel, [photos])
    assert panel.form.start_edit.text() == ""  # these photos carry no usable time
    with qtbot.waitSignal(panel.extracted, timeout=20_000):
        panel.run()
    model = panel.model
    assert model.rowCount() == 2
    assert model.data(model.index(0, rm.TIME)) == "start time needed"
    panel.form.set_start_text("2026-05-01 10:00:00")
    assert model.data(model.index(0, rm.TIME)).startswith("2026-05-01 10:00:00")
    panel.table.edit(model.index(0, rm.PLATE))  # as a double-click does
    editor = panel.table.findChild(QLineEdit)
    assert editor is not None and editor.text() == "7ABC123"
    editor.setText("7abc-128")
    qtbot.keyClick(editor, Qt.Key_Return)  # the delegate commits on the next turn of the event loop
    qtbot.waitUntil(lambda: model.data(model.index(0, rm.PLATE), Qt.EditRole) == "7ABC128")
    assert model.data(model.index(0, rm.PLATE)) == "7ABC128 ✎"
    assert model.data(model.index(0, rm.OCR)) == "7ABC123"
    panel.table.selectRow(1)
    qtbot.mouseClick(panel.drop_button, Qt.LeftButton)
    assert model.kept() == 1 and "1 dropped" in panel.review_info.text()

    qtbot.mouseClick(panel.save_button, Qt.LeftButton)  # the form is not filled in yet
    assert panel.error.isVisible() and "place" in panel.error.text()
    qtbot.keyClicks(panel.form.place_edit, "34.1365,-117.8653")
    assert not panel.error.isVisible()  # typing clears the stale complaint
    _fill(panel)
    shoot(panel, "extraction-review")
    panel.resize(960, 700)
    shoot(panel, "extraction-review-narrow")
    panel.resize(1280, 860)
    with qtbot.waitSignal(panel.saved, timeout=10_000) as saved:
        qtbot.mouseClick(panel.save_button, Qt.LeftButton)
    [read_id] = saved.args[0]
    assert not panel.error.isVisible() and "Saved 1 read" in panel.message.text()
    assert panel.saved_box.isVisible() and panel.case_button.isEnabled()
    assert model.rowCount() == 2 and model.locked and not panel.save_button.isEnabled()
    shoot(panel, "extraction-saved")

    from dataclasses import replace
    searcher = replace(detective, purpose=PURPOSE, case_number=CASE)
    hits = desk.services.search.search(searcher, SearchCriteria(plate="7ABC128")).hits
    assert [h.id for h in hits] == [read_id] and hits[0].plate_as_read == "7ABC123"
    assert hits[0].source == "Dash camera, unit 12"
    assert _count(desk.services, AuditRecord, AuditRecord.action == "read_corrected") == 1

    desk.services.cases.create_case(searcher, CASE, "Hit and run on Foothill")
    with qtbot.waitSignal(panel.added_to_case, timeout=10_000):
        panel.add_to_case(CASE)
    assert _count(desk.services, EvidenceHold, EvidenceHold.read_id == read_id) == 1
    assert "evidence hold" in panel.message.text() and not panel.case_button.isEnabled()


def test_a_refused_role_sees_the_reason(qtbot, desk, clip, engine):
    from app.domain.roles import Role

    officer = desk.make_user("ofc.lee", [Role.OFFICER])
    panel = make_panel(qtbot, desk, officer, engine)
    try:
        _open(qtbot, panel, [clip])
        with qtbot.waitSignal(panel.job_failed, timeout=10_000):
            panel.run()
        assert panel.error.isVisible() and "do not allow" in panel.error.text()
        assert engine.calls == 0
    finally:
        panel.shutdown()


def test_the_section_factory_builds_the_panel(qtbot, desk, detective):
    from app.ui.extraction import extraction_section

    widget = extraction_section(desk.services, detective)
    qtbot.addWidget(widget)
    assert isinstance(widget, ExtractionPanel) and not widget.run_button.isEnabled()
    widget.shutdown()


def test_time_left_reads_from_the_rate():
    assert time_left(Progress(100, 1000, "", 30.0)) == "0:30 left"
    assert time_left(Progress(0, 300_000, "", 25.0)) == "3:20:00 left"
    assert time_left(Progress(5, 10, "", None)) == ""


def _cameras(desk, *cameras):
    from app.data.orm import Source

    with desk.services.db.transaction() as s:
        for name, lat, lon in cameras:
            s.add(Source(name=name, kind="fixed", lat=lat, lon=lon))


def test_the_place_is_picked_on_the_map(qtbot, desk, detective, shoot):
    from app.domain.geo import GeoPoint
    from app.ui.extraction import extraction_section
    from app.ui.search.projection import point_at

    _cameras(desk, ("Grand Ave at Route 66", 34.1360, -117.8650), ("Foothill at Lone Hill", 34.1420, -117.8530))
    panel = extraction_section(desk.services, detective)
    qtbot.addWidget(panel)
    panel.resize(1280, 860)
    panel.show()
    qtbot.mouseClick(panel.form.map_button, Qt.LeftButton)
    dialog = panel.place_picker
    qtbot.waitExposed(dialog)
    assert len(dialog.map.cameras.data) == 2  # the department's cameras, to find one's way
    ok = dialog.buttons.button(QDialogButtonBox.Ok)
    assert not ok.isEnabled()  # nothing picked yet

    # A click in the middle of the map puts the pin there.
    view = dialog.map.plot.viewport()
    middle = view.rect().center()
    qtbot.mouseClick(view, Qt.LeftButton, pos=middle)
    scene = dialog.map.plot.mapToScene(middle)
    at = dialog.map.box.mapSceneToView(scene)
    expected = point_at(at.x(), at.y())
    assert dialog.place is not None and abs(dialog.place.lat - expected.lat) < 1e-4
    assert abs(dialog.place.lon - expected.lon) < 1e-4
    assert dialog.place.text() in dialog.chosen.text() and ok.isEnabled()
    shoot(dialog, "extraction-place-picker")
    qtbot.mouseClick(ok, Qt.LeftButton)
    assert GeoPoint.parse(panel.form.place_edit.text()) == dialog.place
    panel.shutdown()


def test_the_map_opens_on_the_typed_place_and_cancel_keeps_the_field(qtbot, desk, detective):
    from app.ui.extraction import extraction_section

    _cameras(desk, ("Grand Ave at Route 66", 34.1360, -117.8650))
    panel = extraction_section(desk.services, detective)
    qtbot.addWidget(panel)
    panel.show()
    panel.form.place_edit.setText("34.100000,-117.900000")
    dialog = panel.open_place_picker()
    qtbot.waitExposed(dialog)
    assert (dialog.place.lat, dialog.place.lon) == (34.1, -117.9)  # the pin is on the typed place
    (left, right), (bottom, top) = dialog.map.box.viewRange()
    x, y = dialog.pin.getData()
    assert left < x[0] < right and bottom < y[0] < top  # and the map shows it
    dialog.reject()
    assert panel.form.place_edit.text() == "34.100000,-117.900000"  # cancel leaves the field as it was
    panel.shutdown()


def _drop(widget, paths):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    at = widget.rect().center()
    enter = QDragEnterEvent(at, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    QApplication.sendEvent(widget, QDropEvent(QPointF(at), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    return True


def test_files_dropped_on_the_page_are_opened(qtbot, panel, photos, clip):
    with qtbot.waitSignal(panel.files_hashed, timeout=10_000) as hashed:
        assert _drop(panel, [photos, clip])  # a folder of photos and a video, as dragged from a file manager
    assert sorted(f.name for f in hashed.args[0]) == ["car13.jpg", "dashcam.mp4", "us4.jpg"]
    assert panel.form.table.rowCount() == 3


def test_a_drop_is_refused_while_a_run_is_going(qtbot, desk, detective, photos, clip):
    engine = StandInEngine(delay_s=0.5)
    panel = make_panel(qtbot, desk, detective, engine)
    _open(qtbot, panel, [clip])
    _fill(panel)
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    assert not _drop(panel, [photos])  # the opened files stay those being read
    assert panel.unsaved_work() == "an extraction still running"  # quitting now would ask
    with qtbot.waitSignal(panel.extraction_cancelled, timeout=10_000):
        panel.cancel()
    assert panel.form.table.rowCount() == 1
    panel.shutdown()


def test_the_selected_read_is_shown_large_with_its_plate_marked_on_the_frame(qtbot, panel, clip, shoot):
    from app.ui.extraction.read_preview import PREVIEW_HEIGHT

    _open(qtbot, panel, [clip])
    with qtbot.waitSignal(panel.extracted, timeout=20_000) as done:
        panel.run()
    [read] = done.args[0]
    preview = panel.preview
    assert preview.placeholder.isVisible() and not preview.frame.isVisible()
    panel.table.selectRow(0)
    assert preview.read == read and preview.frame.isVisible()
    crop, frame = preview.crop.pixmap(), preview.frame.pixmap()
    assert crop.width() > 2 * rm.THUMB_MAX_WIDTH or crop.height() >= 100  # larger than the table's thumbnail
    assert frame.height() == PREVIEW_HEIGHT == preview.height()  # a tall window gives it its full height
    # The amber mark sits around the plate's box, scaled to the frame shown.
    scale = frame.height() / 360
    x, y, w, h = read.box
    image = frame.toImage()
    left_edge = [image.pixelColor(col, round((y + h / 2) * scale)) for col in range(max(0, round(x * scale) - 12),
                                                                                  round(x * scale) + 1)]
    assert any(c.red() > 200 and c.green() > 150 and c.blue() < 80 for c in left_edge)
    assert f"frame {read.frame}" in preview.caption.text() and "dashcam.mp4" in preview.caption.text()
    shoot(panel, "extraction-preview")
    panel.table.clearSelection()
    assert preview.placeholder.isVisible() and preview.read is None


def test_reads_not_saved_are_not_discarded_without_asking(qtbot, panel, clip, photos, monkeypatch):
    asked: list[str] = []
    answer = {"discard": False}

    def confirm(parent, title, text, action):
        asked.append(text)
        return answer["discard"]

    monkeypatch.setattr("app.ui.extraction.extraction_panel.confirm", confirm)
    _open(qtbot, panel, [clip])
    with qtbot.waitSignal(panel.extracted, timeout=20_000):
        panel.run()
    assert panel.unsaved_work() == "1 read of the last extraction not saved"

    panel.run()  # read again: asked, and told no
    assert asked and "1 read of the last extraction not saved" in asked[-1]
    assert panel._job is None and panel.model.rowCount() == 1
    assert _drop(panel, [photos])  # taken, but the user keeps reviewing
    assert len(asked) == 2 and [f.name for f in panel.files] == ["dashcam.mp4"]

    panel.model.set_keep([0], False)  # a dropped read is no loss: nothing to ask
    assert panel.unsaved_work() == ""
    panel.model.set_keep([0], True)
    answer["discard"] = True
    with qtbot.waitSignal(panel.files_hashed, timeout=10_000):
        assert _drop(panel, [photos])
    assert len(asked) == 3 and sorted(f.name for f in panel.files) == ["car13.jpg", "us4.jpg"]
    assert panel.model.rowCount() == 0


def test_saved_reads_leave_nothing_to_ask_about(qtbot, panel, clip, monkeypatch):
    monkeypatch.setattr("app.ui.extraction.extraction_panel.confirm", lambda *a: pytest.fail("asked"))
    _open(qtbot, panel, [clip])
    with qtbot.waitSignal(panel.extracted, timeout=20_000):
        panel.run()
    _fill(panel)
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        panel.save()
    assert panel.unsaved_work() == ""
    with qtbot.waitSignal(panel.extracted, timeout=20_000):
        panel.run()


def test_delete_drops_the_selected_read_and_keep_takes_it_back(qtbot, panel, clip):
    _open(qtbot, panel, [clip])
    with qtbot.waitSignal(panel.extracted, timeout=20_000):
        panel.run()
    panel.table.setFocus()
    panel.table.selectRow(0)
    qtbot.keyClick(panel.table, Qt.Key_Delete)
    assert not panel.model.rows[0].keep and "1 dropped" in panel.review_info.text()
    qtbot.mouseClick(panel.keep_button, Qt.LeftButton)
    assert panel.model.rows[0].keep


def test_a_file_that_cannot_be_read_is_named_skipped_and_needs_no_start(qtbot, panel, clip, desk, shoot):
    (clip.parent / "renamed.mp4").write_text("not a video")
    files = _open(qtbot, panel, [clip, clip.parent / "renamed.mp4"])
    assert [f.problem is None for f in files] == [True, False]
    info = panel.files_info.text()
    assert "1 cannot be read and will be skipped: renamed.mp4" in info
    assert "cannot be decoded as a video" in panel.files_info.toolTip()
    table = panel.form.table
    assert table.item(1, 1).text() == "video · cannot be read" and table.item(1, 3).text() == "— skipped"
    assert panel.run_button.isEnabled()
    shoot(panel, "extraction-unreadable")
    with qtbot.waitSignal(panel.extracted, timeout=20_000) as done:
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    assert [r.plate for r in done.args[0]] == ["7ABC123"]  # the good file was read all the same
    _fill(panel)
    with qtbot.waitSignal(panel.saved, timeout=10_000) as saved:  # its start came from the clip: nothing to ask
        qtbot.mouseClick(panel.save_button, Qt.LeftButton)
    assert len(saved.args[0]) == 1


def test_nothing_to_read_when_no_file_can_be(qtbot, panel, tmp_path):
    (tmp_path / "renamed.mp4").write_text("not a video")
    _open(qtbot, panel, [tmp_path / "renamed.mp4"])
    assert "None of them can be read" in panel.files_info.text()
    assert not panel.run_button.isEnabled()


def test_each_photo_is_placed_where_its_own_gps_says_the_others_where_typed(qtbot, panel, tmp_path, desk, shoot):
    from PIL import Image

    folder = tmp_path / "canvass"
    folder.mkdir()
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (34.0, 8.0, 11.4), 3: "W", 4: (117.0, 51.0, 55.08)})
    Image.open(SCENES / "car13.jpg").save(folder / "IMG_0412.jpg", exif=exif)  # a phone's, with its position
    (folder / "us4.jpg").write_bytes((SCENES / "us4.jpg").read_bytes())  # a store camera's still, without
    files = _open(qtbot, panel, [folder])
    assert [f.recorded_place.text() if f.recorded_place else None for f in files] == ["34.136500,-117.865300", None]
    table = panel.form.table
    assert table.item(0, 4).text() == "34.136500,-117.865300" and "GPS" in table.item(0, 4).toolTip()
    assert table.item(1, 4).text() == "— give the place"
    assert panel.form.place_edit.text() == "34.136500,-117.865300"
    shoot(panel, "extraction-gps")

    with qtbot.waitSignal(panel.extracted, timeout=20_000):
        panel.run()
    panel.form.set_start_text("2026-05-01 10:00:00")
    _fill(panel, place="")
    qtbot.mouseClick(panel.save_button, Qt.LeftButton)
    assert "place" in panel.error.text() and "us4.jpg" in panel.error.text()
    table.selectRow(1)  # the store camera's still: the place typed applies to it alone
    panel.form.set_place_text("34.1400,-117.8700")
    assert table.item(1, 4).text() == "34.140000,-117.870000" and table.item(0, 4).text() == "34.136500,-117.865300"
    with qtbot.waitSignal(panel.saved, timeout=10_000) as saved:
        qtbot.mouseClick(panel.save_button, Qt.LeftButton)
    with desk.services.db.transaction() as s:
        rows = s.scalars(select(PlateRead).where(PlateRead.id.in_(saved.args[0]))).all()
        placed = {s.get(ImportBatch, r.batch_id).description.split(":")[0]: (round(r.lat, 4), round(r.lon, 4))
                  for r in rows}
    assert placed == {"IMG_0412.jpg": (34.1365, -117.8653), "us4.jpg": (34.14, -117.87)}


def test_leaving_the_start_field_untouched_keeps_each_files_own_start(qtbot, panel, tmp_path, desk):
    from datetime import datetime, timedelta, timezone

    folder = tmp_path / "two"
    folder.mkdir()
    first, second = datetime(2026, 6, 1, 14, 0, tzinfo=timezone.utc), datetime(2026, 6, 1, 18, 30, tzinfo=timezone.utc)
    write_video(folder / "a-front.mp4", start=first)
    write_video(folder / "b-rear.mp4", start=second)
    _open(qtbot, panel, [folder])
    with qtbot.waitSignal(panel.extracted, timeout=20_000) as done:
        panel.run()
    assert len(done.args[0]) == 2
    panel.form.start_edit.setFocus()  # in and out of the field showing the first file's start,
    panel.form.start_edit.editingFinished.emit()  # as a click through it does
    _fill(panel)
    with qtbot.waitSignal(panel.saved, timeout=10_000) as saved:
        qtbot.mouseClick(panel.save_button, Qt.LeftButton)
    with desk.services.db.transaction() as s:
        rows = s.scalars(select(PlateRead).where(PlateRead.id.in_(saved.args[0]))).all()
        starts = {s.get(ImportBatch, r.batch_id).description.split(":")[0]: r.captured_at - timedelta(seconds=r.t_video_s)
                  for r in rows}
    assert starts == {"a-front.mp4": first.replace(tzinfo=None), "b-rear.mp4": second.replace(tzinfo=None)}


def test_four_files_on_a_short_window_scroll_instead_of_running_under_the_fields(qtbot, panel, tmp_path, shoot):
    for n in range(4):
        write_video(tmp_path / f"dashcam{n}.mp4", frames=3)
    _open(qtbot, panel, [tmp_path])
    panel.resize(980, 716)  # the panel in the main window at its first size
    shoot(panel, "extraction-four-files-short")
    form = panel.form
    assert form.table.geometry().bottom() < form.start_edit.geometry().top()
    panel.resize(1280, 900)
    shoot(panel, "extraction-four-files")
    assert form.table.geometry().bottom() < form.start_edit.geometry().top()
    assert form.table.verticalScrollBar().maximum() == 0  # all four in view when there is room


def test_an_unsure_pass_is_offered_unticked_and_saved_only_when_kept(qtbot, desk, detective, clip, shoot):
    # Every frame read at 0.6: the pass votes under the 0.65 floor, so `extract` on the
    # command line reports nothing; the review table shows it for the investigator to check.
    panel = make_panel(qtbot, desk, detective, StandInEngine(confidence=0.6))
    try:
        _open(qtbot, panel, [clip])
        with qtbot.waitSignal(panel.extracted, timeout=20_000):
            panel.run()
        model = panel.model
        assert model.rowCount() == 1 and not model.rows[0].keep
        assert model.data(model.index(0, rm.CONFIDENCE)) == "60% unsure"
        assert "Unsure" in model.data(model.index(0, rm.PLATE), Qt.ToolTipRole)
        assert "SHA-256" in model.data(model.index(0, rm.FILE), Qt.ToolTipRole)  # the file's own tooltip stays
        assert not model.data(model.index(0, rm.PLATE), Qt.FontRole).strikeOut()  # to check, not dropped
        assert "0 kept · 0 dropped" in panel.review_info.text()
        assert "1 unsure, not kept unless you tick them" in panel.review_info.text()
        assert not panel.save_button.isEnabled()
        panel.table.selectRow(0)
        assert "Unsure" in panel.preview.caption.text()
        shoot(panel, "extraction-unsure")

        _fill(panel)
        qtbot.mouseClick(panel.keep_button, Qt.LeftButton)
        assert model.rows[0].keep and "unsure" not in panel.review_info.text()
        assert "0 dropped" in panel.review_info.text()
        with qtbot.waitSignal(panel.saved, timeout=10_000) as saved:
            qtbot.mouseClick(panel.save_button, Qt.LeftButton)
        assert len(saved.args[0]) == 1
        assert _count(desk.services, PlateRead, PlateRead.plate_as_read == "7ABC123") == 1
    finally:
        panel.shutdown()
