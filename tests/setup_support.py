"""What the first-run set-up tests share: a keyring in a test folder, fresh PostgreSQL
databases, a PostgreSQL server that checks passwords, and a department's image folder.

The shared test server (PLATE_DESK_TEST_PG_URL, see tests/conftest.py) trusts every
connection, so a wrong password would get through; `password_server` starts a small
throw-away server of its own with SCRAM passwords for the tests about refusals.
"""
from __future__ import annotations

import configparser
import errno
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from keyrings.alt.file import PlaintextKeyring
from sqlalchemy import create_engine, make_url, text

from app.data.secrets import SERVICE, SecretStore
from app.services.setup_check import ServerParams
from tests.conftest import REQUIRE_PG_ENV, _drop_pg

# Makes a child process's keyring fall back to keyring.cfg in its data folder (SecretStore's
# fallback), so a test never reaches the developer's own keyring.
NO_OS_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
SERVER_PASSWORD = "scram-test-only-password"


class FolderKeyring(PlaintextKeyring):
    """keyrings.alt's plain file at a path of the test's choosing."""

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        super().__init__()

    @property
    def file_path(self) -> str:
        return str(self._path)


def folder_secrets(path: Path) -> SecretStore:
    return SecretStore(FolderKeyring(path))


def keyring_names(path: Path) -> list[str]:
    """The names Plate Desk keeps in a keyring file (none when the file is gone)."""
    parser = configparser.RawConfigParser()
    parser.read(path)
    return parser.options(SERVICE) if parser.has_section(SERVICE) else []


_names = itertools.count()


def new_database(server_url: str, prefix: str = "pd_setup") -> str:
    name = f"{prefix}_{os.getpid()}_{next(_names)}"
    admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name


def params_for(server_url: str, database: str, **changes) -> ServerParams:
    url = make_url(server_url)
    values = dict(host=url.host, port=url.port or 5432, database=database, user=url.username,
                  password=url.password or "")
    values.update(changes)
    return ServerParams(**values)


@pytest.fixture
def image_share(tmp_path) -> Path:
    """The department's shared image folder, as a mounted network share would be: already there."""
    share = tmp_path / "mnt" / "platedesk-images"
    share.mkdir(parents=True)
    return share


@pytest.fixture
def read_only_share(image_share, monkeypatch) -> Path:
    """A shared image folder this workstation may read but not write in."""
    image_share.chmod(0o555)
    if os.access(image_share, os.W_OK):  # root writes anyway: refuse there as the file system would
        make_folder = tempfile.mkdtemp

        def refused(*args, dir=None, **kwargs):
            if dir is not None and Path(dir) == image_share:
                raise PermissionError(errno.EACCES, "Permission denied", str(image_share))
            return make_folder(*args, dir=dir, **kwargs)

        monkeypatch.setattr(tempfile, "mkdtemp", refused)
    yield image_share
    image_share.chmod(0o755)


NO_SERVER = "the PostgreSQL set-up tests need a server: set PLATE_DESK_TEST_PG_URL (.ci/start-postgres)"


@pytest.fixture
def pg_url(pg_server) -> str:
    """The test server's URL; skips without one (fails under PLATE_DESK_REQUIRE_PG, in pg_server)."""
    if pg_server is None:
        pytest.skip(NO_SERVER)
    return pg_server


@pytest.fixture
def pg_database(pg_url):
    """Makes fresh, empty databases on the test server; each is dropped after the test."""
    pg_server = pg_url
    made: list[str] = []

    def make(prefix: str = "pd_setup") -> str:
        made.append(new_database(pg_server, prefix))
        return made[-1]

    yield make
    for name in made:
        _drop_pg(create_engine(make_url(pg_server), isolation_level="AUTOCOMMIT"), name)


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@pytest.fixture(scope="session")
def password_server(pg_server):
    """A PostgreSQL server that asks for passwords (SCRAM): user postgres, SERVER_PASSWORD."""
    if pg_server is None:
        pytest.skip(NO_SERVER)
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get(REQUIRE_PG_ENV):
            pytest.fail("PostgreSQL's server programs (initdb, pg_ctl) are needed for the password tests")
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    folder = Path(tempfile.mkdtemp(prefix="pd-pwserver-"))
    (folder / "pw").write_text(SERVER_PASSWORD + "\n")
    as_root = os.geteuid() == 0
    if as_root:  # initdb refuses to run as root; the server runs as the postgres account
        shutil.chown(folder, "postgres")
        shutil.chown(folder / "pw", "postgres")
    port = closed_port()

    def run(command: str) -> None:
        argv = ["su", "postgres", "-s", "/bin/bash", "-c", command] if as_root else ["bash", "-c", command]
        subprocess.run(argv, check=True, capture_output=True, timeout=120)

    data = folder / "data"
    run(f"{bindir}/initdb -D {data} -U postgres --auth=scram-sha-256 --pwfile={folder}/pw -E UTF8")
    run(f"{bindir}/pg_ctl -D {data} -l {folder}/server.log -w -o "
        f"'-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off' start")
    try:
        yield f"postgresql+psycopg://postgres:{SERVER_PASSWORD}@127.0.0.1:{port}/postgres"
    finally:
        run(f"{bindir}/pg_ctl -D {data} -m immediate stop")
        shutil.rmtree(folder, ignore_errors=True)
