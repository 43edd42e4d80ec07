"""The screens of the user guides, role by role, as tools/screenshots.py takes them.

Each function logs a demo user in through the real log-in window (`desk.log_in`), does in the
real main window what the guide describes, and `shoot`s the window or a dialog once every
worker has finished. They run in the order `scenes()` gives: the IS supervisor imports the BOLO
the officer's alerts need, the detective opens the case the evidence technician packs, files
the request the captain decides.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from app.services.demo_setup import DEMO_PASSWORD
from tools import guide_story as story

WORKSTATION = "GPD-DESK-07"


def is_supervisor(desk, folder: Path) -> None:
    from app.domain.roles import Role
    from app.ui.admin.user_dialogs import AddUserDialog

    shoot, settle = desk.camera.shoot, desk.camera.settle
    window = desk.log_in("admin", DEMO_PASSWORD)
    tabs = window.show_section("admin")
    users = tabs.users_panel
    users.select("officer")
    shoot(window, "admin-users")

    dialog = AddUserDialog(desk.services.users, window.caller, users)
    dialog.username.setText("dispatch.kim")
    dialog.full_name.setText("Dana Kim")
    dialog.password.setText("copper kettle on a quiet porch")
    dialog.confirm.setText("copper kettle on a quiet porch")
    dialog.role_checks.boxes[Role.DISPATCHER].setChecked(True)
    dialog.show()
    shoot(dialog, "admin-add-user")
    dialog.submit()  # the new dispatcher: no training yet (see access-gate)
    settle()
    users.refresh()

    tabs.setCurrentIndex(_tab(tabs, "Policy acknowledgements"))
    policy = tabs.currentWidget()
    policy.refresh()
    shoot(window, "admin-policy")
    policy.open_publish()
    policy.dialog.version.setText("424 rev. 2027-01")
    policy.dialog.note.setPlainText("424.4: retention schedule reference updated")
    shoot(policy.dialog, "admin-publish-policy")
    policy.dialog.reject()

    tabs.setCurrentIndex(_tab(tabs, "Hotlists"))
    hotlists = tabs.currentWidget()
    hotlists.import_file(story.hotlist_csv(folder))
    settle(lambda: "Imported" in hotlists.message.text())
    shoot(window, "admin-hotlists")

    tabs.setCurrentIndex(_tab(tabs, "Retention"))
    retention = tabs.currentWidget()
    retention.show_preview()
    shoot(window, "admin-retention")
    desk.log_out()


def access_gate(desk) -> None:
    """A new user before their training is recorded: the policy, then no data sections."""
    window = desk.log_in("dispatch.kim", "copper kettle on a quiet porch")
    desk.camera.shoot(window, "access-gate")
    desk.log_out()


def officer(desk) -> None:
    shoot = desk.camera.shoot
    window = desk.log_in("officer", DEMO_PASSWORD, login_shot="login", policy_shot="policy")
    panel = window.show_section("alerts")
    alert = next(a for a in panel.model.alerts if a.plate == story.SUSPECT)
    panel.select(alert.id)
    shoot(window, "alerts")
    panel.dispose_current()
    dialog = panel.dialog
    dialog.choose("confirmed", "CLETS: BOLO GPD-26-1107 confirmed by dispatch at 08:24. Plate matches the "
                               "crop; vehicle a dark grey pickup. Detectives notified.")
    shoot(dialog, "alert-disposition")
    dialog.reject()
    window.lock_action.trigger()
    shoot(window, "lock")
    desk.log_out()


def investigator(desk, ids: dict[str, list[int]], folder: Path) -> None:
    import numpy as np

    from app.ui.search.search_panel import ASSOCIATES, CANVASS, MULTI_SCENE, PLATE

    shoot, settle = desk.camera.shoot, desk.camera.settle
    window = desk.log_in("detective", DEMO_PASSWORD)
    panel = window.show_section("search")
    # The form's From and To start at the workstation's "now"; take the demo clock's instead.
    now = desk.clock.local().replace(second=0)

    def default_window() -> None:
        panel.time_window.set_local(now - timedelta(days=7), now)
        panel.time_window.set_local(None, None)

    default_window()
    end = (desk.clock() - datetime(1970, 1, 1)).total_seconds()  # the empty timeline shows the last week
    panel.timeline.box.setXRange(end - 7 * 86400, end, padding=0)
    settle(lambda: panel.plate_form.source.count() > 1)
    shoot(window, "search-empty")
    panel.purpose_bar.set_pair(story.PURPOSE, story.CASE_NUMBER)

    def search(select_plate: str | None = None, fuzzy_hit: bool = False) -> None:
        before = panel.results
        panel.search()
        settle(lambda: panel.results is not before)
        if select_plate or fuzzy_hit:
            hits = panel.results.hits
            index = next(i for i, h in enumerate(hits) if (h.fuzzy if fuzzy_hit else h.plate == select_plate))
            panel.select_hits([index])
            panel.table.scrollTo(panel.model.index(index, 0))
            settle(lambda: panel.detail.body.isVisible())

    # Partial plate: what the witness saw.
    panel.tabs.setCurrentIndex(PLATE)
    panel.plate_form.plate_edit.setText(story.PARTIAL)
    search(story.SUSPECT)
    shoot(window, "search-partial")

    # Look-alike characters: the patrol unit's misread turns up, marked.
    panel.plate_form.plate_edit.setText(story.SUSPECT)
    panel.plate_form.fuzzy.setChecked(True)
    search(fuzzy_hit=True)
    shoot(window, "search-fuzzy")
    panel.plate_form.fuzzy.setChecked(False)

    # Canvass around the first scene, the night of the burglary.
    scene_a, scene_b = _camera(desk, story.SCENE_A), _camera(desk, story.SCENE_B)
    panel.tabs.setCurrentIndex(CANVASS)
    panel.canvass_form.set_circle(scene_a, 1000)
    panel.map.set_canvass(scene_a, 1000)
    panel.time_window.set_local(*story.CANVASS_WINDOW)
    search(story.SUSPECT)
    shoot(window, "search-canvass")

    # Multi-scene: plates seen near both burglaries.
    for centre, window_times in ((scene_a, story.SCENE_A_WINDOW), (scene_b, story.SCENE_B_WINDOW)):
        panel.canvass_form.set_circle(centre, 400)
        panel.map.set_canvass(centre, 400)
        panel.time_window.set_local(*window_times)
        panel.scene_form.add_button.click()
    panel.tabs.setCurrentIndex(MULTI_SCENE)
    search(story.SUSPECT)
    shoot(window, "search-multiscene")

    # Associates: who travels with the suspect.
    panel.map.clear_shapes()
    default_window()
    panel.tabs.setCurrentIndex(ASSOCIATES)
    panel.associates_form.target.setText(story.SUSPECT)
    search(story.ACCOMPLICE)
    shoot(window, "search-associates")

    # Timeline range over a plate's history.
    panel.tabs.setCurrentIndex(PLATE)
    panel.plate_form.plate_edit.setText(story.SUSPECT)
    search()
    times = panel.results.times
    panel.timeline.set_range(float(times.min()) - 3600, float(times.min()) + 5.5 * 86400)
    settle(lambda: panel.clear_range_button.isEnabled())
    panel.select_hits(np.flatnonzero(panel.model.visible_mask))  # stand out on the map too
    shoot(window, "search-timeline")

    extraction(desk, window, folder)
    cases_as_detective(desk, window, ids)
    release_request(desk, window, ids)
    desk.log_out()


def extraction(desk, window, folder: Path) -> None:
    from app.ui.localtime import local_text

    shoot, settle = desk.camera.shoot, desk.camera.settle
    panel = window.show_section("extraction")
    panel.open_paths([story.dashcam_clip(folder)])
    settle(lambda: bool(panel.files))
    panel.form.set_place_text("34.1379,-117.8660")  # as typed: the file list shows it too
    panel.form.source_edit.setText("Dash camera, unit 12")
    panel.form.purpose_edit.setText(story.PURPOSE)
    panel.form.case_edit.setText(story.CASE_NUMBER)
    panel.run()
    settle(timeout=900)  # the real OCR model loads and reads the clip
    if panel.model.rows:
        panel.table.selectRow(0)
    shoot(window, "extraction")
    print(f"    extraction read {len(panel.model.rows)} plates; start {local_text(panel.files[0].recorded_start)}"
          if panel.files and panel.files[0].recorded_start else "    extraction: no start time", flush=True)


def cases_as_detective(desk, window, ids: dict[str, list[int]]) -> None:
    from app.ui.cases.case_dialogs import AddReadsDialog, NewCaseDialog

    shoot, settle = desk.camera.shoot, desk.camera.settle
    panel = window.show_section("cases")
    dialog = NewCaseDialog(desk.services.cases, window.caller, panel)
    dialog.number.setText(story.CASE_NUMBER)
    dialog.title_edit.setText(story.CASE_TITLE)
    dialog.show()
    shoot(dialog, "case-new")
    dialog.submit()
    panel.refresh_cases(select=story.CASE_NUMBER)
    held = ids[story.SUSPECT][:5] + ids[story.ACCOMPLICE][:4] + ids[story.MISREAD]
    dialog = AddReadsDialog(desk.services.cases, window.caller, story.CASE_NUMBER, panel)
    dialog.ids.setPlainText(", ".join(str(i) for i in sorted(held)))
    dialog.show()
    shoot(dialog, "case-add-reads")
    dialog.submit()
    panel.refresh_cases(select=story.CASE_NUMBER)
    settle()
    shoot(window, "cases-detective")


def release_request(desk, window, ids: dict[str, list[int]]) -> None:
    from app.ui.releases.release_dialogs import RequestDialog

    shoot = desk.camera.shoot
    panel = window.show_section("releases")
    dialog = RequestDialog(desk.services.releases, window.caller, panel)
    dialog.agency.setText("Azusa Police Department")
    dialog.requester.setText("Det. M. Alvarez")
    dialog.purpose.setPlainText("Burglary series investigation, Azusa case APD-26-3391: same suspect vehicle")
    dialog.data.setPlainText(f"Reads of {story.SUSPECT}, 24 Oct to 2 Nov 2026")
    dialog.reads.setText(", ".join(str(i) for i in ids[story.SUSPECT]))
    dialog.reads.setCursorPosition(0)
    dialog.show()
    shoot(dialog, "release-request")
    dialog.submit()
    panel.refresh()


def evidence_technician(desk, folder: Path) -> None:
    shoot, settle = desk.camera.shoot, desk.camera.settle
    window = desk.log_in("evidence", DEMO_PASSWORD)
    panel = window.show_section("cases")
    panel.select_case(story.CASE_NUMBER)
    settle()
    panel.build_packet()
    settle(lambda: panel.packet is not None)
    shoot(window, "cases-packet")
    preview = panel.open_preview()
    settle(lambda: len(preview.page_labels) > 0)
    preview.resize(760, 800)
    settle()
    if len(preview.page_labels) > 2:  # the first read's page: image, crop, map and facts
        preview.scroll.verticalScrollBar().setValue(preview.page_labels[2].y() - 10)
    shoot(preview, "packet-preview")
    preview.accept()
    desk.log_out()


def custodian(desk) -> None:
    shoot, settle = desk.camera.shoot, desk.camera.settle
    window = desk.log_in("custodian", DEMO_PASSWORD)
    panel = window.show_section("cases")
    panel.select_case(story.CASE_NUMBER)
    settle()
    rows = [r for r, read in enumerate(panel.reads_model.reads) if read.plate_as_read == story.MISREAD]
    panel.reads_view.selectRow(rows[0] if rows else 0)
    dialog = panel.release_dialog()
    dialog.reason.setPlainText("Misread of a patrol unit; not the suspect vehicle. Agreed with Det. lead.")
    shoot(dialog, "hold-release")
    dialog.reject()
    desk.log_out()


def captain(desk) -> None:
    from PySide6.QtCore import QDate

    from app.ui.admin.user_dialogs import TrainingDialog
    from app.ui.audit.report_dialog import ReportDialog

    shoot, settle = desk.camera.shoot, desk.camera.settle
    window = desk.log_in("captain", DEMO_PASSWORD)
    releases = window.show_section("releases")
    releases.refresh()
    releases.table.selectRow(0)
    shoot(window, "releases")
    releases.decide(True)
    dialog = releases.dialog
    dialog.note.setPlainText("Law enforcement agency, official purpose, same burglary series. Approved.")
    dialog.password.setText(DEMO_PASSWORD)
    shoot(dialog, "release-approve")
    dialog.submit()
    settle()

    audit = window.show_section("audit")
    today = desk.clock.local().date()  # the filter's dates start at the workstation's today
    audit.filter_bar.date_from.setDate(QDate(today.year, today.month, 1))
    audit.filter_bar.date_to.setDate(QDate(today.year, today.month, today.day))
    settle(lambda: audit.model.rowCount() > 0)
    audit.filter_bar.case.setText(story.CASE_NUMBER)
    audit.filter_bar.apply()
    settle(lambda: audit.model.rowCount() > 0)
    audit.verify()
    settle(lambda: audit.report is not None)
    audit.table.selectRow(_row_of(audit, "search"))
    shoot(window, "audit")
    dialog = ReportDialog(today=today, folder=Path("/home/captain/Documents"), parent=audit)
    dialog.show()
    shoot(dialog, "audit-report")
    dialog.reject()

    tabs = window.show_section("admin")
    tabs.setCurrentIndex(_tab(tabs, "Policy acknowledgements"))
    tabs.currentWidget().refresh()
    shoot(window, "captain-acknowledgements")
    tabs.setCurrentIndex(_tab(tabs, "Users and training"))
    dialog = TrainingDialog(desk.services.users, window.caller, None, today=today, parent=tabs)
    dialog.username.setText("dispatch.kim")
    dialog.trainer.setText("Dispatch supervisor L. Ortiz")
    dialog.show()
    shoot(dialog, "training-record")
    dialog.reject()
    desk.log_out()


def about_box(desk) -> None:
    """Help ▸ About Plate Desk, once this build has it."""
    window = desk.log_in("detective", DEMO_PASSWORD)
    if not hasattr(window, "show_about"):
        print("  note: this build has no About box (app/ui/about_dialog.py); its screenshot is skipped", flush=True)
    else:
        dialog = window.show_about()
        desk.camera.shoot(dialog, "about")
        dialog.reject()
    desk.log_out()


def first_run(desk, folder: Path) -> None:
    """The first-run set-up of a new workstation, once this build has it; nothing is set up."""
    try:
        from app.ui.first_run import FirstRunDialog
    except ImportError:
        print("  note: this build has no first-run set-up (app/ui/first_run); its screenshots are skipped",
              flush=True)
        return
    from app.config import Settings
    from app.data.secrets import SecretStore

    shoot, settle = desk.camera.shoot, desk.camera.settle
    data_dir = folder / "new-workstation" / "PlateDesk"  # nothing is written there: the set-up is not finished
    dialog = FirstRunDialog(Settings(data_dir=data_dir, tile_url="", workstation=WORKSTATION),
                            SecretStore(folder_keyring(data_dir)))
    dialog.show()
    shoot(dialog, "first-run-database")
    page = dialog.database_page
    page.server.setChecked(True)
    page.host.setText("alpr-db.glendora.local")
    page.user.setText("platedesk")
    page.password.setText("a long server password from the DBA")
    page.image_dir.setText(r"\\alpr-files\platedesk-images")
    shoot(dialog, "first-run-server")
    page.embedded.setChecked(True)
    for fill, name in ((_admin_answers, "first-run-admin"), (_agency_answers, "first-run-agency"),
                       (None, "first-run-review")):
        before = dialog.page
        dialog.next()
        settle(lambda: dialog.page != before or dialog.error.isVisible())
        if dialog.page == before:
            print(f"  note: the first-run set-up stopped: {dialog.error.text()}", flush=True)
            break
        if fill is not None:
            fill(dialog)
        shoot(dialog, name)
    dialog.reject()


def _admin_answers(dialog) -> None:
    page = dialog.admin_page
    page.username.setText("is.supervisor")
    page.full_name.setText("Pat Moreno")
    page.password.setText("harbor lights over the foothills")
    page.confirmation.setText("harbor lights over the foothills")


def _agency_answers(dialog) -> None:
    dialog.department_page.agency.setText("Glendora Police Department")


# --- small helpers ------------------------------------------------------------------------

def folder_keyring(data_dir: Path):
    """A keyring file in the scratch folder: never the OS keyring of whoever runs this."""
    from keyrings.alt.file import PlaintextKeyring

    class FolderKeyring(PlaintextKeyring):
        @property
        def file_path(self) -> str:
            return str(data_dir / "keyring.cfg")

    return FolderKeyring()


def _tab(tabs, title: str) -> int:
    return next(i for i in range(tabs.count()) if tabs.tabText(i) == title)


def _camera(desk, name: str):
    """Where a fixed camera stands (from the demo's sources)."""
    from sqlalchemy import select

    from app.data.orm import Source
    from app.domain.geo import GeoPoint

    with desk.services.db.transaction() as session:
        source = session.execute(select(Source).where(Source.name == name)).scalar_one()
        return GeoPoint(source.lat, source.lon)


def _row_of(audit, action: str) -> int:
    return next((r for r, e in enumerate(audit.model.entries) if e.action == action), 0)


def scenes(desk, ids: dict[str, list[int]], folder: Path) -> list:
    """The steps of a run, in the order they depend on each other."""
    return [lambda: is_supervisor(desk, folder), lambda: access_gate(desk), lambda: officer(desk),
            lambda: investigator(desk, ids, folder), lambda: evidence_technician(desk, folder),
            lambda: custodian(desk), lambda: captain(desk), lambda: about_box(desk),
            lambda: first_run(desk, folder)]
