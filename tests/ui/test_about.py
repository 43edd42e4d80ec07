"""The About box: from the main window's Help menu and from the log-in window."""
from __future__ import annotations

from importlib.metadata import version

from PySide6.QtCore import Qt

from app.services.about import COMPONENTS
from app.ui.app import DeskSession
from app.ui.main_window import MainWindow


def _components(dialog) -> dict[str, tuple[str, str]]:
    table = dialog.table
    return {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
            for r in range(table.rowCount())}


def test_about_shows_versions_database_and_licences(qtbot, desk, shoot):
    window = MainWindow(desk.services, desk.admin)
    qtbot.addWidget(window)
    window.show()
    window.about_action.trigger()
    dialog = window.about_dialog
    assert dialog.isVisible() and dialog.windowTitle() == "About Plate Desk"
    shoot(dialog, "about")

    shown = {key: label.text() for key, label in dialog.rows.items()}
    assert shown["version"] == version("plate-desk")
    assert shown["policy-shipped"] == desk.services.policy.shipped_version
    assert shown["policy-acknowledged"] == desk.services.policy.shipped_version  # the admin's, at set-up
    assert "policy-current" not in shown  # the department still uses the shipped text
    assert shown["database"] == f"Embedded (this workstation only): {desk.services.settings.data_dir / 'platedesk.db'}"

    components = _components(dialog)
    assert list(components) == list(COMPONENTS)
    assert components["SQLAlchemy"] == (version("SQLAlchemy"), "MIT")
    assert components["PySide6-Essentials"][1].startswith("LGPL-3.0")
    assert components["reportlab"][1] == "BSD License"  # its License field is prose: the classifier is used
    assert components["psycopg"][1] == "LGPL-3.0-only"
    assert all(licence for _, licence in components.values())
    assert "SQLAlchemy" in dialog.text() and shown["database"] in dialog.text()
    dialog.close_button.click()


def test_about_names_the_version_the_user_acknowledged_when_the_department_publishes_another(qtbot, desk):
    desk.services.policy_admin.publish(desk.admin, "424 rev. 2027-01")
    window = MainWindow(desk.services, desk.admin)
    qtbot.addWidget(window)
    window.about_action.trigger()
    shown = {key: label.text() for key, label in window.about_dialog.rows.items()}
    assert shown["policy-current"] == "424 rev. 2027-01 (published by the department)"
    assert shown["policy-acknowledged"] == desk.services.policy.shipped_version


def test_about_is_reachable_from_the_log_in_window(qtbot, desk, shoot):
    session = DeskSession(desk.services, lambda: None)
    login = session.show_login()
    qtbot.addWidget(login)
    shoot(login, "login-with-about")
    qtbot.mouseClick(login.about_button, Qt.LeftButton)
    dialog = session.about_dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    assert "policy-acknowledged" not in dialog.rows  # nobody is logged in
    assert dialog.rows["policy-shipped"].text() == desk.services.policy.shipped_version
    session.shutdown()
