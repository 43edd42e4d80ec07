"""What every command module shares: exit statuses, passwords, argument types, progress."""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date, datetime, timezone

from app.domain.errors import ValidationError
from app.domain.geo import GeoPoint
from app.domain.roles import Role, parse_role
from app.jobs import Progress

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3
PASSWORD_ENV = "PLATE_DESK_PASSWORD"
NEW_PASSWORD_ENV = "PLATE_DESK_NEW_PASSWORD"


class UsageError(Exception):
    """Bad usage found after parsing (exit 2)."""


def password(env: str, prompt: str) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UsageError(f"no password: set {env} or run in a terminal")
    return getpass.getpass(prompt)


def new_password(name: str) -> str:
    first = password(NEW_PASSWORD_ENV, f"New password for {name}: ")
    if os.environ.get(NEW_PASSWORD_ENV) is None and getpass.getpass("Repeat it: ") != first:
        raise ValidationError("The two passwords differ.")
    return first


def stderr_progress():
    """A progress callback that keeps one updating line on standard error."""
    def report(progress: Progress) -> None:
        rate = f", {progress.rate:,.0f}/s" if progress.rate else ""
        print(f"\r{progress.message} {progress.done:,}/{progress.total:,}{rate}   ", end="", file=sys.stderr)
        if progress.done >= progress.total:
            print(file=sys.stderr)
    return report


def role(text: str) -> Role:
    try:
        return parse_role(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def point(text: str) -> GeoPoint:
    try:
        return GeoPoint.parse(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def instant(text: str) -> datetime:
    """ISO 8601 to naive UTC; a time without an offset is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
