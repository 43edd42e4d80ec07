"""First-run set-up of a workstation: its database, the first administrator, the department.

The wizard in app/ui/first_run asks the questions; this module checks the answers and does
the work without Qt, so the tests drive it directly. It takes the same path as `python -m app
init` (build_services, then UserService.create_first_admin) and adds what a GUI set-up needs:
a department server whose password goes to the keyring, and all-or-nothing. The last step,
creating the administrator, is one transaction and the set-up's commit; until it has worked, a
failure undoes what the set-up wrote (the tables it created, its keyring entries, its files in
the data folder, settings.json among them) before the error is shown. With a server it also
asks for the department's shared image folder (app.services.setup_images), which it checks but
never creates or empties.
"""
from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from alembic import command
from keyring.errors import KeyringError
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from app.config import SETTINGS_FILE, Settings, sqlite_url
from app.data.db import make_engine, server_secret_name
from app.data.migrate import alembic_config, upgrade_to_head
from app.data.orm import User
from app.data.secrets import SecretStore
from app.domain.clock import Clock, utc_now
from app.domain.errors import ValidationError
from app.jobs import CancelToken, Progress, ProgressCallback, no_progress
from app.services import system
from app.services.container import build_services
from app.services.passwords import PasswordHashing, check_new_password
from app.services.retention import MIN_RETENTION_DAYS
from app.services.setup_check import (CONNECT_TIMEOUT_S, DatabaseCheck, DatabaseState, ServerParams, SetupError,
                                      check_embedded, check_server, embedded_path, explain_connection_error,
                                      needs_first_run)
from app.services.setup_images import ImageFolderCheck, check_image_folder, image_folder_path

__all__ = ["DEFAULT_RETENTION_DAYS", "DatabaseCheck", "DatabaseState", "FirstAdmin", "ImageFolderCheck",
           "ServerParams", "SetupError", "SetupPlan", "apply", "check_admin", "check_department", "check_embedded",
           "check_image_folder", "check_server", "needs_first_run"]
from app.services.users import check_username

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = system.DEFAULT_RETENTION_DAYS
MAX_AGENCY = 200
# What the set-up (through build_services) may create in the data folder; an undo removes
# those it created and nothing else.
DATA_FOLDER_ENTRIES = ("platedesk.db", "platedesk.db-wal", "platedesk.db-shm", "platedesk.db-journal",
                       "audit-checkpoint.json", "images", "packets", "keyring.cfg", SETTINGS_FILE)
STEPS = 4  # connect, migrate, open and save, administrator


@dataclass(frozen=True)
class FirstAdmin:
    username: str
    password: str = field(repr=False)
    full_name: str = ""


@dataclass(frozen=True)
class SetupPlan:
    """The supervisor's answers. No server means the embedded database; no admin means join
    a database that already has users (the second workstation of a department). `image_dir`,
    the department's shared image folder, goes with a server and is required there; the
    embedded database keeps its images in the data folder."""

    server: ServerParams | None = None
    admin: FirstAdmin | None = None
    image_dir: str = ""
    agency: str = ""
    retention_days: int = DEFAULT_RETENTION_DAYS

    @property
    def joins(self) -> bool:
        return self.admin is None


def check_admin(username: str, password: str, confirmation: str) -> None:
    """The first administrator's answers under the project's rules (NIST SP 800-63B), or
    ValidationError with the reason."""
    username = check_username(username)
    check_new_password(password, username)
    if password != confirmation:
        raise ValidationError("The two passwords differ; type the same password twice.")


def check_department(agency: str, retention_days: int) -> None:
    agency = " ".join(agency.split())
    if not agency:
        raise ValidationError("Enter the agency's name, as it should appear on reports and packets.")
    if len(agency) > MAX_AGENCY:
        raise ValidationError(f"Keep the agency's name to {MAX_AGENCY} characters.")
    if int(retention_days) < MIN_RETENTION_DAYS:
        raise ValidationError(f"The retention period cannot be under {MIN_RETENTION_DAYS} days (Policy 424.4: "
                              "ALPR data is kept at least one year).")


def apply(settings: Settings, plan: SetupPlan, *, secrets: SecretStore, hashing: PasswordHashing | None = None,
          now: Clock = utc_now, timeout_s: float = CONNECT_TIMEOUT_S, cancel: CancelToken | None = None,
          progress: ProgressCallback = no_progress) -> Settings:
    """Set this workstation up as `plan` says and return its saved Settings.

    Checks the answers and a server's image folder (it must exist and take a probe file),
    connects again (the database may have changed since the test), keeps a server password
    in the keyring, migrates the schema, writes settings.json (with the image folder) and,
    unless joining, creates the first administrator with the agency and retention period in
    one transaction: the step that commits the set-up. Raises SetupError or ValidationError with a
    sentence for the user; by then everything the set-up wrote has been undone.
    """
    cancel = cancel or CancelToken()
    if plan.admin is not None:
        check_admin(plan.admin.username, plan.admin.password, plan.admin.password)
        check_department(plan.agency, plan.retention_days)
    if plan.server:
        target = replace(settings, db_url=plan.server.url().render_as_string(hide_password=False),
                         image_dir=str(image_folder_path(plan.image_dir)))
    else:
        target = replace(settings, db_url=sqlite_url(embedded_path(settings.data_dir)))
    undo = _Undo(settings.data_dir, secrets)
    try:
        _set_up(target, plan, undo, hashing, now, timeout_s, cancel, progress)
    except BaseException:
        undo.run(target)
        raise
    progress(Progress(STEPS, STEPS, "Done"))
    return target


def _set_up(target: Settings, plan: SetupPlan, undo: "_Undo", hashing, now, timeout_s, cancel,
            progress) -> None:
    if plan.server:
        progress(Progress(0, STEPS, "Checking the shared image folder…"))
        folder = check_image_folder(target.image_dir)
        if not folder.ok:
            raise SetupError(folder.problem)
    where = plan.server.where if plan.server else "this workstation"
    progress(Progress(0, STEPS, f"Connecting to {where}…"))
    check = check_server(plan.server, timeout_s) if plan.server else check_embedded(target.data_dir)
    if not check.ok:
        raise SetupError(check.message)
    if plan.joins and check.state is not DatabaseState.CONFIGURED:
        raise SetupError("This database has no user accounts yet, so there is nothing to join: go back and "
                         "create the first administrator.")
    if not plan.joins and check.state is DatabaseState.CONFIGURED:
        raise SetupError("This database was set up meanwhile and already has users: go back and join it instead.")
    undo.check = check
    cancel.raise_if_cancelled()

    if plan.server and plan.server.password:
        try:
            undo.secrets.set(server_secret_name(plan.server.url()), plan.server.password)
        except KeyringError as exc:
            raise SetupError(f"The password could not be kept in this computer's keyring "
                             f"({undo.secrets.backend_name}): {exc}") from exc

    progress(Progress(1, STEPS, "Bringing the tables up to date…" if plan.joins else "Creating the tables…"))
    # The engine reads the password back from the keyring, as every later start will.
    engine = make_engine(target.db_url, undo.secrets)
    try:
        upgrade_to_head(engine)
    except DBAPIError as exc:
        raise SetupError(_migration_failure(exc, plan)) from exc
    finally:
        engine.dispose()
    cancel.raise_if_cancelled()

    progress(Progress(2, STEPS, "Opening the database…"))
    try:
        services = build_services(target, now=now, hashing=hashing, secrets=undo.secrets, migrate=False)
    except DBAPIError as exc:
        raise SetupError(explain_connection_error(exc, plan.server) if plan.server
                         else f"The database could not be opened: {exc}") from exc
    try:
        cancel.raise_if_cancelled()
        try:
            target.save()
        except OSError as exc:
            raise SetupError(f"This workstation's settings could not be written in {target.data_dir}: "
                             f"{exc.strerror or exc}. Check the folder's permissions.") from exc
        if plan.admin is not None:
            # The last step and the one that commits the set-up: nothing after it can fail.
            progress(Progress(3, STEPS, "Creating the administrator…"))
            undo.admin = plan.admin.username
            services.users.create_first_admin(plan.admin.username, plan.admin.password,
                                              " ".join(plan.agency.split()), target.workstation,
                                              full_name=plan.admin.full_name.strip(),
                                              retention_days=int(plan.retention_days))
    finally:
        services.close()


def _migration_failure(exc: DBAPIError, plan: SetupPlan) -> str:
    said = str(exc.orig or exc).lower()
    if plan.server and "permission denied" in said:
        return (f"“{plan.server.user.strip()}” may not create tables in the database “{plan.server.database.strip()}”. "
                "Ask the database administrator to make that user the database's owner.")
    if plan.server:
        return explain_connection_error(exc, plan.server)
    return f"The database tables could not be created: {str(exc.orig or exc).splitlines()[0]}"


# --- undo ---------------------------------------------------------------------------------

class _JournalledSecrets(SecretStore):
    """A SecretStore that remembers what each name held before the set-up wrote it."""

    def __init__(self, inner: SecretStore) -> None:
        # No super().__init__: every call goes to `inner`, whatever its backend.
        self._inner = inner
        self.before: dict[str, str | None] = {}

    @property
    def backend_name(self) -> str:
        return self._inner.backend_name

    def get(self, name: str) -> str | None:
        return self._inner.get(name)

    def set(self, name: str, value: str) -> None:
        if name not in self.before:
            self.before[name] = self._inner.get(name)
        self._inner.set(name, value)

    def delete(self, name: str) -> None:
        if name not in self.before:
            self.before[name] = self._inner.get(name)
        self._inner.delete(name)

    def restore(self) -> None:
        for name, value in self.before.items():
            if value is None:
                self._inner.delete(name)
            else:
                self._inner.set(name, value)


class _Undo:
    """What a failed set-up must take back: the schema it created, keyring entries, files."""

    def __init__(self, data_dir: Path, secrets: SecretStore) -> None:
        self.data_dir = Path(data_dir)
        self.folder_existed = self.data_dir.exists()
        self.present = {name for name in DATA_FOLDER_ENTRIES if (self.data_dir / name).exists()}
        self.secrets = _JournalledSecrets(secrets)
        self.check: DatabaseCheck | None = None
        self.admin: str | None = None  # the administrator this set-up may have created

    def run(self, target: Settings) -> None:
        steps = (("the tables it created", lambda: self._drop_created_schema(target)),
                 ("its keyring entries", self.secrets.restore),
                 ("its files", self._remove_files))
        for what, step in steps:
            try:
                step()
            except Exception:  # noqa: BLE001 - undo as much as possible; the first error is the one shown
                log.exception("first-run set-up: could not take back %s", what)

    def _drop_created_schema(self, target: Settings) -> None:
        if self.check is None or self.check.state is not DatabaseState.NEW:
            return  # the tables were there before: keep them
        if target.is_embedded and embedded_path(self.data_dir).name not in self.present:
            return  # a database file this set-up created goes with the files
        engine = make_engine(target.db_url, self.secrets)
        try:
            with engine.begin() as connection:
                if "alembic_version" not in inspect(connection).get_table_names():
                    return  # the migration rolled itself back
                users = set(connection.scalars(select(User.username)))
                if users - {self.admin}:
                    return  # another workstation finished its set-up meanwhile: the tables are its now
                config = alembic_config()
                config.attributes["connection"] = connection
                command.downgrade(config, "base")
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
                if connection.dialect.name == "postgresql" and "pg_trgm" not in self.check.extensions:
                    connection.execute(text("DROP EXTENSION IF EXISTS pg_trgm"))
        finally:
            engine.dispose()

    def _remove_files(self) -> None:
        for name in DATA_FOLDER_ENTRIES:
            path = self.data_dir / name
            if name in self.present or not path.exists():
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        if not self.folder_existed and self.data_dir.exists() and not any(self.data_dir.iterdir()):
            self.data_dir.rmdir()
