"""The first-run set-up, driven like a supervisor would: real SQLite files in tmp_path, the
real PostgreSQL server, a keyring file, a shared image folder; then the log-in window and a
log-in as the new admin.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import make_url

from app.config import SETTINGS_FILE, Settings
from app.data.db import server_secret_name
from app.data.orm import StoredImage
from app.services import setup
from app.services.container import build_services
from app.services.setup import DatabaseState, FirstAdmin, SetupPlan
from app.ui.app import DeskSession, FirstRun
from app.ui.first_run.wizard import ADMIN, DATABASE, DEPARTMENT, JOIN_STEPS, REVIEW
from tests.conftest import fast_hashing
from tests.setup_support import (NO_OS_KEYRING, closed_port, folder_secrets, image_share, keyring_names,  # noqa: F401
                                 params_for, password_server, pg_database, pg_url)  # - fixtures

ROOT = Path(__file__).resolve().parents[2]
IMAGE_SAVED_AT = datetime(2025, 3, 1, 9, 30)
CHIEF = "chief"
CHIEF_PASSWORD = "tangerine kites above the harbour"
AGENCY = "Glendora Police Department"


class Run:
    """One start of a new workstation: the session, its set-up window, and what was quit."""

    def __init__(self, qtbot, data_dir: Path, keyring_file: Path) -> None:
        self.qtbot, self.data_dir, self.keyring_file = qtbot, data_dir, keyring_file
        self.quits: list[bool] = []
        self.session = DeskSession(None, lambda: self.quits.append(True))
        first_run = FirstRun(Settings(data_dir=data_dir, workstation="test-ws"), folder_secrets(keyring_file),
                             self._open_services, hashing=fast_hashing())
        self.wizard = self.session.show_first_run(first_run)
        qtbot.addWidget(self.wizard)

    def _open_services(self, settings: Settings):
        return build_services(settings, hashing=fast_hashing(), secrets=folder_secrets(self.keyring_file))

    def next(self, signal: str = "checked", timeout: int = 20_000):
        with self.qtbot.waitSignal(getattr(self.wizard, signal), timeout=timeout) as waited:
            self.qtbot.mouseClick(self.wizard.next_button, Qt.LeftButton)
        return waited.args[0] if waited.args else None

    def choose_server(self, params, image_dir: Path | None = None) -> None:
        page = self.wizard.database_page
        page.server.setChecked(True)
        for edit, value in ((page.host, params.host), (page.database, params.database), (page.user, params.user),
                            (page.password, params.password)):
            edit.clear()
            self.qtbot.keyClicks(edit, value)
        page.port.setValue(params.port)
        if image_dir is not None:
            self.type_image_dir(image_dir)

    def type_image_dir(self, folder: Path) -> None:
        edit = self.wizard.database_page.image_dir
        edit.clear()
        self.qtbot.keyClicks(edit, str(folder))

    def test_connection(self):
        with self.qtbot.waitSignal(self.wizard.checked, timeout=20_000) as waited:
            self.qtbot.mouseClick(self.wizard.database_page.test_button, Qt.LeftButton)
        return waited.args[0]

    def answer_admin_and_department(self, retention_days: int = 400) -> None:
        assert self.wizard.page == ADMIN
        admin = self.wizard.admin_page
        self.qtbot.keyClicks(admin.username, CHIEF)
        self.qtbot.keyClicks(admin.full_name, "Dana Reyes")
        self.qtbot.keyClicks(admin.password, CHIEF_PASSWORD)
        self.qtbot.keyClicks(admin.confirmation, CHIEF_PASSWORD)
        self.qtbot.mouseClick(self.wizard.next_button, Qt.LeftButton)
        assert self.wizard.page == DEPARTMENT, self.wizard.error.text()
        self.qtbot.keyClicks(self.wizard.department_page.agency, AGENCY)
        self.wizard.department_page.retention.setValue(retention_days)
        self.qtbot.mouseClick(self.wizard.next_button, Qt.LeftButton)
        assert self.wizard.page == REVIEW, self.wizard.error.text()

    def finish(self) -> Settings:
        settings = self.next("completed", timeout=60_000)
        assert not self.wizard.isVisible()
        return settings

    def log_in(self, username: str = CHIEF, password: str = CHIEF_PASSWORD):
        login = self.session.login_dialog
        self.qtbot.addWidget(login)
        assert login.isVisible()
        login.username.setText(username)
        login.password.setText(password)
        with self.qtbot.waitSignal(login.accepted, timeout=10_000):
            login.submit()
        self.qtbot.addWidget(self.session.window)
        return self.session.window

    def close(self) -> None:
        self.session.shutdown()
        if self.session.services is not None:
            self.session.services.close()


@pytest.fixture
def run(qtbot, tmp_path):
    started: list[Run] = []

    def start(data_dir: Path | None = None, keyring_file: Path | None = None) -> Run:
        data_dir = data_dir or tmp_path / "data"
        started.append(Run(qtbot, data_dir, keyring_file or tmp_path / "keyring" / "keyring.cfg"))
        return started[-1]

    yield start
    for each in started:
        each.close()


def _start_app(data_dir: Path) -> str:
    """`python -m app` on this data folder, as a user starts it; the first window's name."""
    env = {**os.environ, **NO_OS_KEYRING, "QT_QPA_PLATFORM": "offscreen", "PLATE_DESK_SMOKE_TEST": "1",
           "PYTHONPATH": str(ROOT)}
    env.pop("PLATE_DESK_DEMO", None)
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _assert_nothing_saved(data_dir: Path, keyring_file: Path) -> None:
    assert not (data_dir / SETTINGS_FILE).exists()
    assert not (data_dir / "platedesk.db").exists()
    assert keyring_names(keyring_file) == []


# --- the embedded database ----------------------------------------------------------------

def test_embedded_set_up_then_log_in_as_the_new_administrator(run, tmp_path, shoot):
    data_dir = tmp_path / "data"
    # The data folder's keyring file, as SecretStore falls back to without an OS keyring, so
    # the next start (a fresh process) finds the same audit-checkpoint key.
    this = run(data_dir, data_dir / "keyring.cfg")
    wizard = this.wizard
    assert wizard.page == DATABASE and wizard.database_page.embedded.isChecked()
    assert not wizard.database_page.image_dir.isEnabled()  # the embedded database keeps the local folder
    shoot(wizard, "first-run-database")
    check = this.next()
    assert check.ok and check.state is DatabaseState.NEW
    shoot(wizard, "first-run-admin")
    this.answer_admin_and_department(retention_days=400)
    assert wizard.review_page.values()["Retention"] == "400 days"
    assert wizard.review_page.values()["Administrator"] == "chief (Dana Reyes), IS supervisor"
    assert wizard.review_page.values()["Images"] == f"In this workstation's data folder\n{data_dir / 'images'}"
    shoot(wizard, "first-run-review")

    settings = this.finish()

    assert json.loads((data_dir / SETTINGS_FILE).read_text())["db_url"] == settings.db_url
    assert settings.image_dir == str(data_dir / "images")
    login = this.session.login_dialog
    assert login.username.text() == CHIEF  # only the password is left to type
    window = this.log_in()
    assert window.isVisible() and window.caller.username == CHIEF and window.caller.agency == AGENCY
    assert window.section_keys() == ["audit", "admin"]
    assert this.session.services.retention.retention_days() == 400
    window.close()
    this.close()

    assert _start_app(data_dir) == "login window shown"  # the next start goes straight to log-in


def test_a_weak_or_mistyped_password_stays_on_the_administrator_step(run):
    this = run()
    this.next()
    admin = this.wizard.admin_page
    this.qtbot.keyClicks(admin.username, CHIEF)
    this.qtbot.keyClicks(admin.password, "too short")
    this.qtbot.keyClicks(admin.confirmation, "too short")
    with this.qtbot.waitSignal(this.wizard.failed) as failure:
        this.qtbot.mouseClick(this.wizard.next_button, Qt.LeftButton)
    assert "at least 15 characters" in failure.args[0]
    admin.password.setText(CHIEF_PASSWORD)
    admin.confirmation.setText(CHIEF_PASSWORD + " ")
    with this.qtbot.waitSignal(this.wizard.failed) as failure:
        this.qtbot.mouseClick(this.wizard.next_button, Qt.LeftButton)
    assert failure.args[0] == "The two passwords differ; type the same password twice."
    assert this.wizard.page == ADMIN and this.wizard.error.isVisible()


def test_cancelling_quits_and_saves_nothing(run, tmp_path):
    this = run()
    this.next()
    this.wizard.cancel_button.click()
    assert this.quits == [True]
    assert not (tmp_path / "data").exists()
    assert keyring_names(tmp_path / "keyring" / "keyring.cfg") == []


def test_a_new_workstation_starts_with_the_set_up(tmp_path):
    assert _start_app(tmp_path / "new") == "first-run set-up shown"
    assert not (tmp_path / "new").exists()  # showing it wrote nothing


# --- a department PostgreSQL server ---------------------------------------------------------

@pytest.mark.postgres
def test_server_set_up_then_log_in_and_the_next_start_goes_to_log_in(run, pg_url, pg_database, tmp_path, shoot,
                                                                       image_share, monkeypatch):
    name = pg_database()
    params = params_for(pg_url, name)
    data_dir = tmp_path / "data"
    this = run(data_dir, data_dir / "keyring.cfg")
    this.choose_server(params)
    check = this.test_connection()
    assert check.ok and check.state is DatabaseState.NEW
    page = this.wizard.database_page
    result = page.result
    assert result.isVisible() and result.objectName() == "resultOk" and f"“{name}” is empty" in result.text()
    assert not (data_dir / SETTINGS_FILE).exists()  # a test saves nothing

    # The shared image folder is asked for, starts empty and is required.
    assert page.image_dir.isEnabled() and page.image_dir.text() == ""
    with this.qtbot.waitSignal(this.wizard.failed, timeout=20_000) as failure:
        this.qtbot.mouseClick(this.wizard.next_button, Qt.LeftButton)
    assert failure.args[0].startswith("Enter the department's shared image folder")
    assert this.wizard.page == DATABASE and this.wizard.error.isVisible()
    asked: list[str] = []
    monkeypatch.setattr("app.ui.first_run.pages.QFileDialog.getExistingDirectory",
                        lambda parent, caption, start: asked.append(caption) or image_share.as_posix())
    this.qtbot.mouseClick(page.browse_button, Qt.LeftButton)
    assert asked == ["The department's shared image folder"] and page.image_dir.text() == str(image_share)
    assert not this.wizard.error.isVisible()
    shoot(this.wizard, "first-run-server")
    assert this.next().ok  # tested again on Next, with the folder
    this.answer_admin_and_department()
    assert this.wizard.review_page.values()["Images"] == f"Shared image folder\n{image_share}"
    assert not this.wizard.review_page.warning.isVisible()

    settings = this.finish()

    saved = (data_dir / SETTINGS_FILE).read_text()
    assert params.password not in saved and make_url(json.loads(saved)["db_url"]).password is None
    assert json.loads(saved)["image_dir"] == str(image_share) == settings.image_dir
    assert list(image_share.iterdir()) == []  # the write test left nothing behind
    assert folder_secrets(data_dir / "keyring.cfg").get(server_secret_name(make_url(settings.db_url))) == \
        params.password
    window = this.log_in()
    assert window.caller.username == CHIEF
    window.close()
    this.close()
    assert _start_app(data_dir) == "login window shown"


@pytest.mark.postgres
def test_a_wrong_server_password_is_said_plainly_and_nothing_is_saved(run, password_server, tmp_path, shoot):
    this = run()
    this.choose_server(params_for(password_server, "postgres", password="not the password"))
    check = this.test_connection()
    assert not check.ok
    result = this.wizard.database_page.result
    assert result.objectName() == "resultBad"
    assert result.text().startswith("The server refused the user name or password")
    shoot(this.wizard, "first-run-wrong-password")
    with this.qtbot.waitSignal(this.wizard.failed, timeout=20_000):
        this.qtbot.mouseClick(this.wizard.next_button, Qt.LeftButton)
    assert this.wizard.page == DATABASE  # Next tests again and stays
    _assert_nothing_saved(tmp_path / "data", tmp_path / "keyring" / "keyring.cfg")


def test_an_unreachable_server_is_said_plainly_and_nothing_is_saved(run, tmp_path):
    this = run()
    page = this.wizard.database_page
    page.server.setChecked(True)
    this.qtbot.keyClicks(page.host, "127.0.0.1")
    page.port.setValue(closed_port())
    this.qtbot.keyClicks(page.user, "platedesk")
    this.qtbot.keyClicks(page.password, "whatever it is")
    with this.qtbot.waitSignal(this.wizard.failed, timeout=20_000) as failure:
        this.qtbot.mouseClick(this.wizard.next_button, Qt.LeftButton)
    assert failure.args[0].startswith(f"Nothing answered at 127.0.0.1:{page.port.value()}")
    assert page.result.text() == failure.args[0] and page.result.isVisible()
    assert this.wizard.page == DATABASE
    _assert_nothing_saved(tmp_path / "data", tmp_path / "keyring" / "keyring.cfg")


@pytest.mark.postgres
def test_a_second_workstation_joins_the_configured_database(run, pg_url, pg_database, tmp_path, shoot, image_share):
    params = params_for(pg_url, pg_database())
    first = setup.apply(Settings(data_dir=tmp_path / "first"),
                        SetupPlan(server=params, admin=FirstAdmin(CHIEF, CHIEF_PASSWORD), agency=AGENCY,
                                  image_dir=str(image_share)),
                        secrets=folder_secrets(tmp_path / "first.cfg"), hashing=fast_hashing())
    services = build_services(first, hashing=fast_hashing(), secrets=folder_secrets(tmp_path / "first.cfg"))
    with services.db.transaction() as session:  # a plate crop saved on the first workstation
        session.add(StoredImage(sha256=services.images.put(b"a plate crop"), media_type="image/jpeg", size_bytes=12,
                                created_at=IMAGE_SAVED_AT))
    services.close()
    local = tmp_path / "local-images"
    local.mkdir()

    this = run()
    this.choose_server(params, local)  # a folder of this workstation's own, not the department's
    check = this.next()
    assert check.state is DatabaseState.CONFIGURED and check.agency == AGENCY
    assert this.wizard.page == REVIEW and this.wizard.joining
    assert [label.property("step") for label in this.wizard.rail.labels] == list(JOIN_STEPS)
    assert this.wizard.next_button.text() == "Join"
    review = this.wizard.review_page
    assert review.values()["Department"] == f"{AGENCY}, 1 user account"
    assert review.warning.isVisible() and f"but {local} does not hold them" in review.warning.text()
    shoot(this.wizard, "first-run-join-wrong-images")

    this.qtbot.mouseClick(this.wizard.back_button, Qt.LeftButton)  # a warning, not a refusal: go back anyway
    this.type_image_dir(image_share)
    this.next()
    assert this.wizard.page == REVIEW and not review.warning.isVisible()
    assert review.values()["Images"] == f"Shared image folder\n{image_share}"
    shoot(this.wizard, "first-run-join")

    settings = this.finish()
    assert settings.image_dir == str(image_share)

    assert this.session.login_dialog.username.text() == ""  # no new account to suggest
    window = this.log_in()
    assert window.caller.username == CHIEF and window.caller.agency == AGENCY
    window.close()
