"""Real databases for the tests: one migrated template per run, a fresh copy per test.

SQLite always; PostgreSQL when PLATE_DESK_TEST_PG_URL names a server (`.ci/run` starts
one and sets PLATE_DESK_REQUIRE_PG=1, so there a missing server fails instead of skipping).
"""
from __future__ import annotations

import itertools
import os
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from app.config import Settings, sqlite_url
from app.data.db import make_engine
from app.data.migrate import upgrade_to_head
from app.domain.roles import Role
from app.services.container import build_services
from app.services.passwords import PasswordHashing

PG_ENV = "PLATE_DESK_TEST_PG_URL"
REQUIRE_PG_ENV = "PLATE_DESK_REQUIRE_PG"
ADMIN_PASSWORD = "correct staple horse battery"
USER_PASSWORD = "night shift on foothill boulevard"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


class FakeClock:
    """A clock the test moves by hand; services see naive UTC like utc_now()."""

    def __init__(self, start: datetime = datetime(2026, 11, 27, 12, 0, 0)) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += timedelta(**delta)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "platedesk.db"
    engine = make_engine(sqlite_url(path))
    upgrade_to_head(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_server() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get(REQUIRE_PG_ENV):
            pytest.fail(f"{PG_ENV} is not set but {REQUIRE_PG_ENV} asks for PostgreSQL")
        return None
    return url


_pg_names = itertools.count()


def _pg_admin(url: str):
    return create_engine(make_url(url), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template(pg_server):
    if pg_server is None:
        return None
    name = f"pd_template_{os.getpid()}"
    admin = _pg_admin(pg_server)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(make_url(pg_server).set(database=name))
    upgrade_to_head(engine)
    engine.dispose()
    yield name
    _drop_pg(admin, name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path, sqlite_template) -> str:
    """A fresh, migrated database for one test, on each back-end."""
    if request.param == "sqlite":
        target = tmp_path / "platedesk.db"
        shutil.copyfile(sqlite_template, target)
        return sqlite_url(target)
    server = request.getfixturevalue("pg_server")
    if server is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    template = request.getfixturevalue("pg_template")
    name = f"pd_test_{os.getpid()}_{next(_pg_names)}"
    admin = _pg_admin(server)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    request.addfinalizer(lambda: _drop_pg(admin, name))
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _drop_pg(admin, name: str) -> None:
    """Drop a test database; an autovacuum worker may hold it for a moment, so try again."""
    for attempt in range(10):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            break
        except DBAPIError:
            if attempt == 9:
                raise
            time.sleep(0.3)
    admin.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path, db_url) -> Settings:
    return Settings(data_dir=tmp_path, db_url=db_url, workstation="test-ws")


def fast_hashing() -> PasswordHashing:
    """Real Argon2id at a test-sized cost: the default parameters are pinned in test_passwords."""
    return PasswordHashing(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def services(settings, clock):
    built = build_services(settings, now=clock, hashing=fast_hashing())
    yield built
    built.close()


@pytest.fixture
def admin(services):
    services.users.create_first_admin("admin", ADMIN_PASSWORD, "Glendora PD", "test-ws")
    return services.auth.login("admin", ADMIN_PASSWORD)


@pytest.fixture
def make_user(services, admin):
    """Create a user with roles, optionally trained and with the policy acknowledged; log in."""

    def make(name: str, *roles: Role, trained: bool = True, accepted: bool = True):
        services.users.add_user(admin, name, USER_PASSWORD, list(roles))
        if trained:
            services.users.record_training(admin, name, trainer="Cpl. Training")
        caller = services.auth.login(name, USER_PASSWORD)
        if accepted:
            services.policy.accept(caller)
            caller = services.auth.login(name, USER_PASSWORD)
        return caller

    return make
