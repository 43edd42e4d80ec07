"""Sections follow roles; without training and the policy acknowledged, no data section at all."""
from __future__ import annotations

from app.domain.roles import Role
from app.ui.main_window import ACCESS_KEY, MainWindow
from app.ui.sections import SECTIONS, AccessGatePanel

DATA_SECTIONS = {s.key for s in SECTIONS if s.alpr_data}


def _window(qtbot, desk, caller, idle_clock=None) -> MainWindow:
    kwargs = {"clock": idle_clock} if idle_clock else {}
    window = MainWindow(desk.services, caller, **kwargs)
    qtbot.addWidget(window)
    window.resize(1180, 740)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_registry_has_every_section_of_the_foundation():
    assert [s.key for s in SECTIONS] == ["alerts", "search", "extraction", "cases", "releases", "audit", "admin"]
    assert len({s.key for s in SECTIONS}) == len(SECTIONS)


def test_an_officer_sees_alerts_only(qtbot, desk, shoot):
    officer = desk.make_user("jlee", [Role.OFFICER])
    window = _window(qtbot, desk, officer)
    assert window.section_keys() == ["alerts"]
    panel = window.show_section("alerts")
    assert panel.objectName() == "alertsPanel"
    shoot(window, "main-officer")
    assert "jlee" in window.user_label.text()
    assert window.roles_label.text() == "Officer"
    assert window.idle_label.text() == "Locks after 30 min idle"


def test_a_detective_sees_the_investigation_sections(qtbot, desk):
    detective = desk.make_user("dkim", [Role.DETECTIVE])
    window = _window(qtbot, desk, detective)
    assert window.section_keys() == ["alerts", "search", "extraction", "cases", "releases"]


def test_an_is_supervisor_sees_administration_and_audit(qtbot, desk, shoot):
    window = _window(qtbot, desk, desk.admin)
    assert window.section_keys() == ["audit", "admin"]
    assert "search" not in window.section_keys() and "alerts" not in window.section_keys()
    admin = window.show_section("admin")
    assert admin.users_panel.objectName() == "usersPanel"
    tabs = [admin.tabText(i) for i in range(admin.count())]
    assert tabs == ["Users and training", "Policy acknowledgements", "Hotlists", "Retention"]
    shoot(window, "main-admin")
    window.show_section("audit")
    shoot(window, "main-audit")


def test_an_untrained_user_sees_no_data_section(qtbot, desk, shoot):
    officer = desk.make_user("rnew", [Role.OFFICER, Role.DETECTIVE], trained=False)
    assert not officer.trained
    window = _window(qtbot, desk, officer)
    assert window.section_keys() == [ACCESS_KEY]
    gate = window.panels[ACCESS_KEY]
    assert isinstance(gate, AccessGatePanel)
    shoot(window, "main-untrained")
    assert not set(window.section_keys()) & DATA_SECTIONS


def test_a_user_who_has_not_acknowledged_the_policy_sees_no_data_section(qtbot, desk):
    detective = desk.make_user("dkim", [Role.DETECTIVE], accepted=False)
    window = _window(qtbot, desk, detective)
    assert window.section_keys() == [ACCESS_KEY]


def test_an_untrained_is_supervisor_keeps_administration_but_not_audit(qtbot, desk):
    # User administration reaches no ALPR data (the service lets it through), so the gate leaves it.
    boss = desk.make_user("itboss", [Role.IS_SUPERVISOR], trained=False)
    window = _window(qtbot, desk, boss)
    assert window.section_keys() == [ACCESS_KEY, "admin"]


def test_the_idle_setting_shows_in_the_status_bar(qtbot, tmp_path, idle_clock):
    from tests.ui.conftest import ADMIN, ADMIN_PASSWORD, AGENCY, FakeClock, make_services

    services = make_services(tmp_path, FakeClock(), idle_lock_minutes=10)
    services.users.create_first_admin(ADMIN, ADMIN_PASSWORD, AGENCY, "test-ws")
    caller = services.auth.login(ADMIN, ADMIN_PASSWORD)
    window = MainWindow(services, caller, clock=idle_clock)
    qtbot.addWidget(window)
    assert window.idle_label.text() == "Locks after 10 min idle"
    window.close()
    services.close()


def test_log_out_records_it_and_says_so(qtbot, desk):
    window = _window(qtbot, desk, desk.admin)
    with qtbot.waitSignal(window.logged_out) as signal:
        window.logout_action.trigger()
    assert signal.args == [""]
    assert not window.isVisible()


def test_change_password_from_the_menu(qtbot, desk):
    from tests.ui.conftest import ADMIN, ADMIN_PASSWORD

    new = "saffron kettle under northern skies"
    window = _window(qtbot, desk, desk.admin)
    window.change_password_action.trigger()
    dialog = window.password_dialog
    dialog.old.setText("this is not my current password")
    dialog.new.setText(new)
    dialog.confirm.setText(new)
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as failure:
        dialog.ok.click()
    assert failure.args == ["The user name or password is not correct."]
    dialog.old.setText(ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.ok.click()
    assert desk.services.auth.login(ADMIN, new).username == ADMIN


def test_the_policy_can_be_reread_from_the_help_menu(qtbot, desk):
    from app.ui.policy_dialog import PolicyDialog

    window = _window(qtbot, desk, desk.admin)
    window.policy_action.trigger()
    dialog = window.findChild(PolicyDialog)
    assert dialog.isVisible() and dialog.accept_button.text() == "Close"
    with qtbot.waitSignal(dialog.rejected):
        dialog.accept_button.click()


def test_quitting_or_logging_out_with_reads_not_saved_asks_first(qtbot, desk, monkeypatch):
    import cv2

    from app.recognition.reads import ExtractedRead
    from tests.ui.extraction.fakes import SCENES

    asked: list[str] = []
    answer = {"go": False}
    monkeypatch.setattr("app.ui.main_window.confirm", lambda parent, title, text, action: asked.append(text)
                        or answer["go"])
    detective = desk.make_user("dkim", [Role.DETECTIVE])
    window = _window(qtbot, desk, detective)
    panel = window.show_section("extraction")
    image = cv2.imread(str(SCENES / "car13.jpg"))
    read = ExtractedRead("car13.jpg", "0" * 64, "7ABC123", "7ABC123", 0.9, 0, 0.0, (10, 10, 80, 30),
                         cv2.imencode(".png", image[10:40, 10:90])[1].tobytes(),
                         cv2.imencode(".jpg", image)[1].tobytes())
    panel.model.set_reads([read])  # as an extraction leaves them for review

    window.quit_action.trigger()
    window.logout_action.trigger()
    assert len(asked) == 2 and "1 read of the last extraction not saved" in asked[0]
    assert window.isVisible()  # the user chose to keep reviewing
    answer["go"] = True
    with qtbot.waitSignal(window.logged_out, timeout=5_000):
        window.logout_action.trigger()
