"""Fixtures for the GUI tests: real services on a temporary SQLite database, Qt offscreen."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import dataclass, replace  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from keyrings.alt.file import PlaintextKeyring  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from app.config import Settings  # noqa: E402
from app.data.secrets import SecretStore  # noqa: E402
from app.domain.accounts import Caller  # noqa: E402
from app.domain.roles import Role  # noqa: E402
from app.services.container import Services, build_services  # noqa: E402
from app.services.passwords import PasswordHashing  # noqa: E402

ADMIN = "sysadmin"
ADMIN_PASSWORD = "amber lantern over quiet harbor"
USER_PASSWORD = "violet tramway beneath copper hills"
AGENCY = "Glendora Police Department"


class _FolderKeyring(PlaintextKeyring):
    """Keeps test secrets in the temporary folder, never in the developer's own keyring."""

    def __init__(self, path: Path) -> None:
        self._path = path
        super().__init__()

    @property
    def file_path(self) -> str:
        return str(self._path)


class FakeClock:
    """The services' clock (naive UTC datetimes), moved by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


class IdleClock:
    """A monotonic-seconds clock for the idle lock."""

    def __init__(self) -> None:
        self.seconds = 1_000.0

    def __call__(self) -> float:
        return self.seconds

    def advance(self, minutes: float) -> None:
        self.seconds += minutes * 60


@dataclass
class Desk:
    services: Services
    admin: Caller
    clock: FakeClock

    def make_user(self, username: str, roles: list[Role], *, trained: bool = True,
                  accepted: bool = True) -> Caller:
        """A user as they would be after logging in, with training and policy as asked."""
        self.services.users.add_user(self.admin, username, USER_PASSWORD, roles, full_name=username.title())
        if trained:
            self.services.users.record_training(self.admin, username, trainer="Sgt. Ortiz")
        caller = self.services.auth.login(username, USER_PASSWORD)
        if accepted:
            self.services.policy.accept(caller)
            caller = replace(caller, policy_accepted=True)
        return caller


@pytest.fixture(scope="session", autouse=True)
def _qsettings_in_temp(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, folder)


@pytest.fixture(autouse=True)
def _themed_application(qapp):
    """The application as run_gui makes it: names for QSettings, the theme for the screenshots."""
    from app.ui.app import make_application

    make_application()
    yield


@pytest.fixture
def idle_clock() -> IdleClock:
    return IdleClock()


def make_services(data_dir: Path, clock: FakeClock, **settings) -> Services:
    hashing = PasswordHashing(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return build_services(Settings(data_dir=data_dir, workstation="test-ws", **settings), now=clock,
                          hashing=hashing, secrets=SecretStore(_FolderKeyring(data_dir / "keyring.cfg")))


@pytest.fixture
def desk(tmp_path) -> Desk:
    clock = FakeClock()
    services = make_services(tmp_path, clock)
    services.users.create_first_admin(ADMIN, ADMIN_PASSWORD, AGENCY, "test-ws", full_name="Pat Admin")
    admin = services.auth.login(ADMIN, ADMIN_PASSWORD)
    yield Desk(services, admin, clock)
    services.close()


class Shots:
    """Saves screenshots for a human to look at (PLATE_DESK_SHOTS, default /tmp) as shot-<name>.png."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, widget, name: str) -> Path:
        from PySide6.QtWidgets import QApplication

        for _ in range(3):  # let pending layout requests settle (child, then parent), as on screen
            QApplication.processEvents()
        path = self.folder / f"shot-{name}.png"
        widget.grab().save(str(path))
        return path


@pytest.fixture
def shoot() -> Shots:
    return Shots(Path(os.environ.get("PLATE_DESK_SHOTS", "/tmp")))
