"""Looking at a database before the first-run set-up uses it: reachable, whose, how far set up.

Every failure becomes one plain sentence for an IS supervisor (wrong password, nothing at that
address, no such database), never a driver's traceback. Nothing here writes anything.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

from sqlalchemy import URL, Connection, create_engine, func, inspect, select, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from app.config import SETTINGS_FILE
from app.data.migrate import alembic_config
from app.data.orm import StoredImage, SystemSetting, User
from app.domain.errors import PlateDeskError, ValidationError
from app.services import system

CONNECT_TIMEOUT_S = 5
DEFAULT_PORT = 5432
DEFAULT_DATABASE = "platedesk"
IMAGE_SAMPLE = 20  # stored images looked for in a joining workstation's image folder


class SetupError(PlateDeskError):
    """The set-up cannot go on; the sentence says why and what to check."""


class DatabaseState(Enum):
    NEW = "new"                # no tables yet: the set-up creates them
    NO_USERS = "no_users"      # Plate Desk's tables but no accounts: create the first administrator
    CONFIGURED = "configured"  # set up already, with users: this workstation joins it


@dataclass(frozen=True)
class ServerParams:
    """A department PostgreSQL server as the supervisor typed it. The password never reaches
    settings.json: the saved URL has none, the keyring keeps it."""

    host: str
    port: int = DEFAULT_PORT
    database: str = DEFAULT_DATABASE
    user: str = ""
    password: str = field(default="", repr=False)

    def validate(self) -> None:
        if not self.host.strip() or any(c.isspace() for c in self.host.strip()):
            raise ValidationError("Enter the server's host name or address (no spaces).")
        if not 1 <= int(self.port) <= 65535:
            raise ValidationError("The port is a number from 1 to 65535 (PostgreSQL's usual port is 5432).")
        if not self.database.strip():
            raise ValidationError("Enter the name of the database on the server.")
        if not self.user.strip():
            raise ValidationError("Enter the user name Plate Desk connects as.")

    def url(self) -> URL:
        """The address without the password, as saved in settings.json."""
        return URL.create("postgresql+psycopg", username=self.user.strip(), host=self.host.strip(),
                          port=int(self.port), database=self.database.strip(),
                          query={"connect_timeout": str(CONNECT_TIMEOUT_S * 2)})

    @property
    def where(self) -> str:
        return f"{self.host.strip()}:{int(self.port)}"


@dataclass(frozen=True)
class DatabaseCheck:
    """What a look at a database found. `message` is fit to show either way."""

    ok: bool
    message: str
    state: DatabaseState | None = None
    agency: str = ""
    users: int = 0
    # PostgreSQL: extensions present before the set-up, so an undo drops only what it added.
    extensions: frozenset[str] = frozenset()
    # Images the database names (their files are in the image folder, not in the database),
    # and a few of their SHA-256s, to see whether a joining workstation's folder holds them.
    images: int = 0
    image_sample: tuple[str, ...] = ()


# --- the embedded database ----------------------------------------------------------------

def embedded_path(data_dir: Path) -> Path:
    return Path(data_dir) / "platedesk.db"


def check_embedded(data_dir: Path) -> DatabaseCheck:
    """The embedded SQLite database of this data folder, without creating it."""
    path = embedded_path(data_dir)
    if not path.exists():
        folder = _nearest_existing(path.parent)
        if not os.access(folder, os.W_OK):
            return DatabaseCheck(False, f"Plate Desk cannot write in {folder}; the database would be kept "
                                        f"at {path}. Check the folder's permissions.")
        return DatabaseCheck(True, f"Plate Desk will create its database at {path}.", DatabaseState.NEW)
    engine = create_engine("sqlite://", poolclass=NullPool,
                           creator=lambda: sqlite3.connect(f"file:{path}?mode=rw", uri=True))
    try:
        with engine.connect() as connection:
            check = _look(connection)
    except SetupError as exc:
        return DatabaseCheck(False, str(exc))
    except SQLAlchemyError as exc:
        return DatabaseCheck(False, f"The database file {path} cannot be read: {_first_line(exc)}")
    finally:
        engine.dispose()
    return _described(check, where=str(path))


def embedded_has_users(data_dir: Path) -> bool | None:
    """True or False for the embedded database of this folder; None when it cannot be read."""
    check = check_embedded(data_dir)
    if not check.ok:
        return None
    return check.state is DatabaseState.CONFIGURED


def needs_first_run(data_dir: Path) -> bool:
    """A workstation is new when it has no settings.json and its embedded database has no users.

    A database that cannot be read is not a reason to set up again: the normal start
    reports it instead.
    """
    if (Path(data_dir) / SETTINGS_FILE).exists():
        return False
    return embedded_has_users(data_dir) is False


def _nearest_existing(folder: Path) -> Path:
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


# --- a department server ------------------------------------------------------------------

def server_engine(params: ServerParams, timeout_s: float = CONNECT_TIMEOUT_S):
    """An engine for the set-up only: the typed password, a short timeout, no pool."""
    url = params.url().difference_update_query(["connect_timeout"])
    if params.password:
        url = url.set(password=params.password)
    return create_engine(url, poolclass=NullPool,
                         connect_args={"connect_timeout": max(2, int(timeout_s)),
                                       "application_name": "Plate Desk set-up"})


def check_server(params: ServerParams, timeout_s: float = CONNECT_TIMEOUT_S) -> DatabaseCheck:
    """Connect to a department server with the typed password and say what is there.

    Safe to call as often as the supervisor likes ("Test connection", then again on Next):
    it only reads.
    """
    try:
        params.validate()
    except ValidationError as exc:
        return DatabaseCheck(False, str(exc))
    engine = server_engine(params, timeout_s)
    try:
        with engine.connect() as connection:
            check = _look(connection)
            extensions = frozenset(connection.scalars(text("SELECT extname FROM pg_extension")))
            version = ".".join(str(n) for n in (connection.dialect.server_version_info or ())[:2])
    except SetupError as exc:
        return DatabaseCheck(False, str(exc))
    except (DBAPIError, OSError) as exc:
        return DatabaseCheck(False, explain_connection_error(exc, params, timeout_s))
    finally:
        engine.dispose()
    where = f"PostgreSQL {version} at {params.where}" if version else params.where
    return _described(replace(check, extensions=extensions), where=where, database=params.database.strip())


def explain_connection_error(exc: BaseException, params: ServerParams, timeout_s: float = CONNECT_TIMEOUT_S) -> str:
    """A driver's connection failure in words an IS supervisor can act on."""
    raw = str(getattr(exc, "orig", None) or exc)
    said = raw.lower()
    database, user, where = params.database.strip(), params.user.strip(), params.where
    if "password authentication failed" in said or "no password supplied" in said or (
            "role" in said and "does not exist" in said):
        return (f"The server refused the user name or password (user “{user}” on {where}). "
                "Check both with the database administrator.")
    if "database" in said and "does not exist" in said:
        return (f"The server at {where} has no database named “{database}”. Check the name, or ask the "
                f"database administrator to create it (empty, owned by “{user}”).")
    if "permission denied for database" in said or "not permitted to log in" in said:
        return f"The server does not let “{user}” connect to the database “{database}”. Ask the database administrator."
    if "pg_hba.conf" in said:
        return (f"The server at {where} does not accept connections from this workstation for “{user}”. "
                "Ask the database administrator to allow it (pg_hba.conf).")
    if "timeout" in said or "timed out" in said:
        return (f"No answer from {where} within {int(timeout_s)} seconds. Check the host name and port, and "
                "that a firewall lets this workstation reach the server.")
    if "connection refused" in said:
        return (f"Nothing answered at {where}: the server is not running there, or the host or port is wrong. "
                "Check the host name and port.")
    if ("resolve host" in said or "translate host name" in said or "name or service not known" in said
            or "nodename nor servname" in said or "no such host" in said):
        return f"The host name “{params.host.strip()}” is not known on this network. Check its spelling."
    return f"Could not connect to {where}: {_first_line(raw)}"


# --- what a database holds ----------------------------------------------------------------

def _look(connection: Connection) -> DatabaseCheck:
    tables = set(inspect(connection).get_table_names())
    if not tables or tables == {"alembic_version"} and _revision(connection) is None:
        return DatabaseCheck(True, "", DatabaseState.NEW)
    if "alembic_version" not in tables or "users" not in tables:
        raise SetupError("This database already holds other tables, not Plate Desk's. Choose an empty "
                         "database made for Plate Desk.")
    revision = _revision(connection)
    if revision not in _known_revisions():
        raise SetupError("This database was set up by a newer version of Plate Desk. Install that version "
                         "on this workstation first.")
    users = connection.scalar(select(func.count()).select_from(User)) or 0
    agency = ""
    if "system_settings" in tables:
        agency = connection.scalar(select(SystemSetting.value).where(SystemSetting.key == system.AGENCY)) or ""
    images, sample = 0, ()
    if "images" in tables:
        images = connection.scalar(select(func.count()).select_from(StoredImage)) or 0
        sample = tuple(connection.scalars(select(StoredImage.sha256).limit(IMAGE_SAMPLE)))
    state = DatabaseState.CONFIGURED if users else DatabaseState.NO_USERS
    return DatabaseCheck(True, "", state, agency, users, images=images, image_sample=sample)


def _revision(connection: Connection) -> str | None:
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _described(check: DatabaseCheck, *, where: str, database: str = "") -> DatabaseCheck:
    """The sentence for a good check: where it looked, what it found, what finishing will do."""
    if database:
        lead, named = f"Connected to {where}. ", f"The database “{database}”"
    else:
        lead, named = "", f"The database at {where}"
    if check.state is DatabaseState.NEW:
        found = f"{named} is empty: Plate Desk creates its tables when you finish."
    elif check.state is DatabaseState.NO_USERS:
        found = f"{named} holds Plate Desk's tables but no user accounts yet: you will create the first administrator."
    else:
        accounts = f"{check.users} user account" + ("" if check.users == 1 else "s")
        agency = f" for {check.agency}" if check.agency else ""
        found = (f"{named} is already set up{agency}, with {accounts}. This workstation can join it: "
                 "no new administrator is needed.")
    return replace(check, ok=True, message=lead + found)


def _first_line(value: object) -> str:
    lines = [line.strip() for line in str(value).splitlines() if line.strip()]
    line = lines[0] if lines else str(value)
    for prefix in ("connection failed:", "(psycopg.OperationalError)"):
        if line.lower().startswith(prefix):
            line = line[len(prefix):].strip()
    return line
