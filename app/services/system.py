"""Department-wide settings kept in the database, shared by every workstation."""
from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.data.orm import SystemSetting

AGENCY = "agency"
RETENTION_DAYS = "retention_days"
POLICY_VERSION = "policy_version"
DATABASE_ID = "database_id"

DEFAULT_RETENTION_DAYS = 365


def get_setting(session: Session, key: str, default: str = "") -> str:
    row = session.get(SystemSetting, key)
    return row.value if row is not None else default


def put_setting(session: Session, key: str, value: str) -> None:
    row = session.get(SystemSetting, key)
    if row is None:
        session.add(SystemSetting(key=key, value=value))
    else:
        row.value = value


def database_id(session: Session) -> str:
    """A random id for this database, made once, naming its audit checkpoint."""
    value = get_setting(session, DATABASE_ID)
    if not value:
        value = uuid.uuid4().hex
        put_setting(session, DATABASE_ID, value)
    return value
