"""First-run set-up without Qt: real SQLite files, the real PostgreSQL server, a keyring file.

After any failure nothing may be left: no settings.json, no keyring entry, no tables, and
nothing in the department's shared image folder.
"""
from __future__ import annotations

import json
import socket
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, make_url, text

from app.config import SETTINGS_FILE, Settings
from app.data.db import server_secret_name
from app.data.orm import StoredImage
from app.domain.errors import PlateDeskError, ValidationError
from app.jobs import CancelToken, Cancelled, Progress
from app.services import setup
from app.services.container import build_services
from app.services.setup import DatabaseState, FirstAdmin, ServerParams, SetupError, SetupPlan
from tests.conftest import fast_hashing
from tests.setup_support import (SERVER_PASSWORD, closed_port, folder_secrets, image_share, keyring_names,  # noqa: F401
                                 params_for, password_server, pg_database, pg_url, read_only_share)  # - fixtures

CHIEF_PASSWORD = "tangerine kites above the harbour"
PLAN = SetupPlan(admin=FirstAdmin("chief", CHIEF_PASSWORD, "Dana Reyes"), agency="Glendora Police Department",
                 retention_days=400)


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"  # not made yet, as on a new workstation


@pytest.fixture
def keyring_file(tmp_path) -> Path:
    return tmp_path / "keyring" / "keyring.cfg"  # outside the data folder, so the undo cannot hide it


def _apply(data_dir: Path, keyring_file: Path, plan: SetupPlan, **kwargs) -> Settings:
    return setup.apply(Settings(data_dir=data_dir, workstation="ws-1"), plan, secrets=folder_secrets(keyring_file),
                       hashing=fast_hashing(), **kwargs)


def _server_plan(params: ServerParams, image_share: Path) -> SetupPlan:
    return SetupPlan(server=params, admin=PLAN.admin, agency="Glendora PD", image_dir=str(image_share))


def _log_in(settings: Settings, keyring_file: Path, username: str = "chief", password: str = CHIEF_PASSWORD):
    services = build_services(settings, hashing=fast_hashing(), secrets=folder_secrets(keyring_file))
    try:
        return services, services.auth.login(username, password)
    finally:
        services.close()


def _assert_nothing_saved(data_dir: Path, keyring_file: Path) -> None:
    assert not (data_dir / SETTINGS_FILE).exists()
    assert not (data_dir / "platedesk.db").exists()
    assert keyring_names(keyring_file) == []


def _tables(url: str) -> set[str]:
    engine = create_engine(make_url(url))
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


# --- the embedded database ----------------------------------------------------------------

def test_a_new_workstation_needs_set_up_and_not_afterwards(data_dir, keyring_file):
    assert setup.needs_first_run(data_dir)
    check = setup.check_embedded(data_dir)
    assert check.ok and check.state is DatabaseState.NEW
    assert not data_dir.exists()  # looking created nothing

    seen: list[Progress] = []
    settings = _apply(data_dir, keyring_file, PLAN, progress=seen.append)

    assert [p.done for p in seen] == [0, 1, 2, 3, 4]
    stored = json.loads((data_dir / SETTINGS_FILE).read_text())
    assert stored["db_url"] == settings.db_url and settings.is_embedded
    assert stored["image_dir"] == str(data_dir / "images")  # the embedded database keeps the local folder
    assert not setup.needs_first_run(data_dir)
    services, chief = _log_in(settings, keyring_file)
    assert chief.username == "chief" and chief.agency == "Glendora Police Department"
    assert chief.trained and chief.policy_accepted  # the first administrator, as `init` makes it
    assert services.retention.retention_days() == 400


def test_a_folder_with_users_but_no_settings_goes_straight_to_log_in(data_dir, keyring_file):
    """Set up by `python -m app init` or the demo: no settings.json, yet nothing to set up."""
    services = build_services(Settings(data_dir=data_dir), hashing=fast_hashing(),
                              secrets=folder_secrets(keyring_file))
    assert setup.needs_first_run(data_dir)  # migrated, but still no users
    services.users.create_first_admin("chief", CHIEF_PASSWORD, "Glendora PD", "ws-1")
    services.close()
    assert not setup.needs_first_run(data_dir)


@pytest.mark.parametrize("plan, reason", [
    (SetupPlan(admin=FirstAdmin("chief", "short"), agency="Glendora PD"), "at least 15 characters"),
    (SetupPlan(admin=FirstAdmin("chief", "passwordpassword"), agency="Glendora PD"), "commonly used"),
    (SetupPlan(admin=FirstAdmin("the chief", CHIEF_PASSWORD), agency="Glendora PD"), "without spaces"),
    (SetupPlan(admin=FirstAdmin("chief", CHIEF_PASSWORD), agency="  "), "agency's name"),
    (SetupPlan(admin=FirstAdmin("chief", CHIEF_PASSWORD), agency="Glendora PD", retention_days=364), "365 days"),
])
def test_answers_are_checked_before_anything_is_written(data_dir, keyring_file, plan, reason):
    with pytest.raises(ValidationError, match=reason):
        _apply(data_dir, keyring_file, plan)
    assert not data_dir.exists()


def test_the_two_passwords_must_match():
    with pytest.raises(ValidationError, match="differ"):
        setup.check_admin("chief", CHIEF_PASSWORD, CHIEF_PASSWORD + "!")
    setup.check_admin("chief", CHIEF_PASSWORD, CHIEF_PASSWORD)


def test_a_failed_embedded_set_up_leaves_nothing(data_dir, keyring_file):
    data_dir.mkdir()
    (data_dir / SETTINGS_FILE).mkdir()  # settings.json cannot be written: the set-up fails late
    with pytest.raises(SetupError, match="settings could not be written"):
        _apply(data_dir, keyring_file, PLAN)
    assert sorted(p.name for p in data_dir.iterdir()) == [SETTINGS_FILE]  # only what was there before
    assert keyring_names(keyring_file) == []  # not even the audit checkpoint's key


def test_a_cancelled_set_up_leaves_nothing(data_dir, keyring_file):
    cancel = CancelToken()

    def progress(step: Progress) -> None:
        if step.done == 2:  # the tables exist by now
            cancel.cancel()

    with pytest.raises(Cancelled):
        _apply(data_dir, keyring_file, PLAN, cancel=cancel, progress=progress)
    assert not data_dir.exists()
    assert keyring_names(keyring_file) == []


# --- a department PostgreSQL server ---------------------------------------------------------

@pytest.mark.postgres
def test_a_server_database_is_set_up_and_its_password_kept_only_in_the_keyring(pg_url, pg_database, data_dir,
                                                                             keyring_file, image_share):
    name = pg_database()
    params = params_for(pg_url, name)
    check = setup.check_server(params)
    assert check.ok and check.state is DatabaseState.NEW, check.message
    assert f"“{name}” is empty" in check.message

    settings = _apply(data_dir, keyring_file, SetupPlan(server=params, admin=PLAN.admin, agency="Glendora PD",
                                                        image_dir=f"  {image_share}  "))

    saved = (data_dir / SETTINGS_FILE).read_text()
    assert params.password not in saved
    assert json.loads(saved)["image_dir"] == str(image_share) == settings.image_dir
    assert list(image_share.iterdir()) == []  # the write test left nothing behind
    url = make_url(json.loads(saved)["db_url"])
    assert url.password is None and url.host == params.host and url.database == name
    assert folder_secrets(keyring_file).get(server_secret_name(url)) == params.password
    services, chief = _log_in(settings, keyring_file)
    assert chief.username == "chief" and services.images.root == image_share
    assert services.retention.retention_days() == setup.DEFAULT_RETENTION_DAYS
    assert setup.check_server(params).state is DatabaseState.CONFIGURED


@pytest.mark.postgres
def test_a_second_workstation_joins_a_configured_database(pg_url, pg_database, tmp_path, keyring_file, image_share):
    params = params_for(pg_url, pg_database())
    first = _apply(tmp_path / "first", keyring_file, _server_plan(params, image_share))
    sha = _store_an_image(first, keyring_file)

    check = setup.check_server(params)
    assert check.state is DatabaseState.CONFIGURED and check.agency == "Glendora PD" and check.users == 1
    assert "already set up for Glendora PD, with 1 user account" in check.message
    assert check.images == 1 and check.image_sample == (sha,)
    second_keyring = tmp_path / "second-keyring.cfg"
    with pytest.raises(SetupError, match="join it instead"):
        _apply(tmp_path / "second", second_keyring, SetupPlan(server=params, admin=FirstAdmin("other", CHIEF_PASSWORD),
                                                              agency="X", image_dir=str(image_share)))
    assert not (tmp_path / "second" / SETTINGS_FILE).exists() and keyring_names(second_keyring) == []

    # A folder without the database's images is probably not the department's: said, not refused.
    elsewhere = tmp_path / "second-images"
    elsewhere.mkdir()
    wrong = setup.check_image_folder(str(elsewhere), check)
    assert wrong.ok and wrong.warning.startswith(
        f"The database already has 1 stored image (read images and plate crops), but {elsewhere} does not hold them.")
    assert setup.check_image_folder(str(image_share), check).warning == ""

    settings = _apply(tmp_path / "second", second_keyring, SetupPlan(server=params, image_dir=str(image_share)))
    assert json.loads((tmp_path / "second" / SETTINGS_FILE).read_text())["image_dir"] == str(image_share)
    services, chief = _log_in(settings, second_keyring)
    assert chief.username == "chief" and services.images.read(sha) == b"a plate crop"


def _store_an_image(settings: Settings, keyring_file: Path) -> str:
    """An image saved on `settings`' workstation, in its image folder and named in the database."""
    services = build_services(settings, hashing=fast_hashing(), secrets=folder_secrets(keyring_file))
    try:
        sha = services.images.put(b"a plate crop")
        with services.db.transaction() as session:
            session.add(StoredImage(sha256=sha, media_type="image/jpeg", size_bytes=12,
                                    created_at=datetime(2025, 3, 1)))
        return sha
    finally:
        services.close()


@pytest.mark.postgres
def test_a_missing_database_is_named_and_nothing_is_saved(pg_url, data_dir, keyring_file, image_share):
    params = params_for(pg_url, "pd_no_such_database")
    assert setup.check_server(params).message == (
        f"The server at {params.where} has no database named “pd_no_such_database”. Check the name, or ask the "
        f"database administrator to create it (empty, owned by “{params.user}”).")
    with pytest.raises(SetupError, match="no database named"):
        _apply(data_dir, keyring_file, _server_plan(params, image_share))
    _assert_nothing_saved(data_dir, keyring_file)


def test_a_closed_port_says_nothing_answered_and_nothing_is_saved(data_dir, keyring_file, image_share):
    params = ServerParams("127.0.0.1", closed_port(), "platedesk", "platedesk", "any password")
    check = setup.check_server(params)
    assert not check.ok
    assert check.message.startswith(f"Nothing answered at 127.0.0.1:{params.port}")
    with pytest.raises(SetupError, match="Nothing answered"):
        _apply(data_dir, keyring_file, _server_plan(params, image_share))
    _assert_nothing_saved(data_dir, keyring_file)


@pytest.mark.parametrize("folder, error", [
    ("", "Enter the department's shared image folder: read images and plate crops are kept there, and every "
         "workstation must use the same folder."),
    ("platedesk-images", r"Give the image folder's full path: a network share such as \\server\platedesk-images, "),
    ("{mnt}/not-mounted", "The image folder {mnt}/not-mounted does not exist, or this workstation cannot reach it. "
                          "Check the path, and that the network share is connected (mounted) on this workstation."),
    ("{share}/a-file", "{share}/a-file is a file, not a folder."),
    ("{read_only}", "Plate Desk cannot create and delete files in the image folder {read_only} (Permission denied)."),
], ids=["empty", "relative", "missing", "a file", "read-only"])
def test_a_server_set_up_needs_a_shared_image_folder_it_can_write_in(request, data_dir, keyring_file, image_share,
                                                                     folder, error):
    """Checked before anything else, even the connection (nothing answers at this port)."""
    (image_share / "a-file").write_bytes(b"not a folder")
    places = {"mnt": image_share.parent, "share": image_share}
    if "{read_only}" in folder:
        places["read_only"] = request.getfixturevalue("read_only_share")
    params = ServerParams("127.0.0.1", closed_port(), "platedesk", "platedesk", "any password")
    plan = SetupPlan(server=params, admin=PLAN.admin, agency="Glendora PD", image_dir=folder.format(**places))

    with pytest.raises(PlateDeskError) as refused:
        _apply(data_dir, keyring_file, plan)
    assert str(refused.value).startswith(error.format(**places)), str(refused.value)
    _assert_nothing_saved(data_dir, keyring_file)
    assert [p.name for p in image_share.iterdir()] == ["a-file"]  # no probe left behind


@pytest.mark.postgres
def test_a_wrong_password_is_refused_in_plain_words_and_nothing_is_saved(password_server, data_dir, keyring_file,
                                                                       image_share):
    params = params_for(password_server, "postgres", password="not the password")
    check = setup.check_server(params)
    assert not check.ok
    assert check.message.startswith("The server refused the user name or password"), check.message
    with pytest.raises(SetupError, match="refused the user name or password"):
        _apply(data_dir, keyring_file, _server_plan(params, image_share))
    _assert_nothing_saved(data_dir, keyring_file)
    assert setup.check_server(params_for(password_server, "postgres", password=SERVER_PASSWORD)).ok


@pytest.mark.postgres
def test_a_late_failure_drops_the_tables_it_created(pg_url, pg_database, data_dir, keyring_file, image_share):
    name = pg_database()
    data_dir.mkdir()
    (data_dir / SETTINGS_FILE).mkdir()  # settings.json cannot be written: after the migration
    with pytest.raises(SetupError, match="settings could not be written"):
        _apply(data_dir, keyring_file, _server_plan(params_for(pg_url, name), image_share))
    url = make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    assert _tables(url) == set()
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")) == 0
    engine.dispose()
    assert keyring_names(keyring_file) == []


@pytest.mark.postgres
def test_a_workstation_that_finishes_first_keeps_its_tables(pg_url, pg_database, tmp_path, keyring_file,
                                                            image_share):
    """Two supervisors set up the same new database at once: the loser takes back only its own."""
    params = params_for(pg_url, pg_database())
    other_keyring = tmp_path / "other.cfg"

    def progress(step: Progress) -> None:
        if step.message == "Creating the administrator…":  # the tables exist; the other wins the race
            services = build_services(Settings(data_dir=tmp_path / "other", db_url=params_url),
                                      hashing=fast_hashing(), secrets=folder_secrets(other_keyring), migrate=False)
            services.users.create_first_admin("rival", CHIEF_PASSWORD, "Glendora PD", "ws-2")
            services.close()

    params_url = make_url(params.url()).set(password=params.password).render_as_string(hide_password=False)
    with pytest.raises(PlateDeskError, match="already has users"):
        _apply(tmp_path / "data", keyring_file, _server_plan(params, image_share), progress=progress)
    assert "users" in _tables(params_url)
    assert not (tmp_path / "data" / SETTINGS_FILE).exists()
    assert keyring_names(keyring_file) == []
    assert setup.check_server(params).users == 1


@pytest.mark.postgres
def test_a_database_holding_other_tables_is_refused(pg_url, pg_database):
    name = pg_database()
    url = make_url(pg_url).set(database=name)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE payroll (id integer)"))
    engine.dispose()
    check = setup.check_server(params_for(pg_url, name))
    assert not check.ok and "other tables, not Plate Desk's" in check.message
