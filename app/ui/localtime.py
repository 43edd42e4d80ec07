"""Times are stored and searched in naive UTC and shown in the workstation's zone, with its name."""
from __future__ import annotations

from datetime import datetime, timezone

import numpy as np


def to_local(utc: datetime) -> datetime:
    return utc.replace(tzinfo=timezone.utc).astimezone()


def local_text(utc: datetime | None, seconds: bool = True) -> str:
    """'2026-10-01 05:00:00 PDT': the zone named on every time shown ('' for no time)."""
    if utc is None:
        return ""
    local = to_local(utc)
    return f"{local:%Y-%m-%d %H:%M{':%S' if seconds else ''}} {local.tzname()}"


def local_minutes(utc: datetime | None) -> str:
    return local_text(utc, seconds=False)


def to_utc(local_naive: datetime) -> datetime:
    """A time the user typed in the workstation's zone, as naive UTC for the services."""
    return local_naive.astimezone(timezone.utc).replace(tzinfo=None)


def zone_name(when: datetime | None = None) -> str:
    return (when.astimezone() if when else datetime.now().astimezone()).tzname() or "local"


def epoch_seconds(utc_times: list[datetime]) -> np.ndarray:
    """Naive-UTC datetimes to POSIX seconds (what the timeline's date axis reads)."""
    if not utc_times:
        return np.zeros(0, dtype=np.float64)
    stamps = np.array(utc_times, dtype="datetime64[us]")
    return stamps.astype(np.int64) / 1e6


def from_epoch(seconds: float) -> datetime:
    """POSIX seconds to naive UTC."""
    return datetime.fromtimestamp(seconds, tz=timezone.utc).replace(tzinfo=None)
