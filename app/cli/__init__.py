"""The command line of shared/CLI.md: each subcommand logs in and calls one service.

Every module in this package but `common` is a group of commands: it has
`register(commands)`, which adds its sub-parsers and sets `handler` (called as
`handler(args, services, caller)`) and, where a command needs no log-in, `needs_login=False`;
`needs_database=False` where it needs no database at all (checking a bag).
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from app.cli.common import (
    EXIT_FAILED, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, PASSWORD_ENV, UsageError, password,
)
from app.config import Settings
from app.domain.errors import PlateDeskError, Refused

__all__ = ["build_parser", "run_command", "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_REFUSED"]


def _command_modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name != "common" and not info.name.startswith("_"):
            yield importlib.import_module(f"{__name__}.{info.name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=_program(), description="Plate Desk: ALPR investigations under Policy 424.")
    parser.add_argument("--db", help="SQLAlchemy URL (default: the embedded SQLite database in the data folder)")
    parser.add_argument("--data-dir", type=Path, help="data folder (default: the user's data folder)")
    parser.add_argument("--user", help="log in as this user (password from PLATE_DESK_PASSWORD or a prompt)")
    from app.services.about import app_version

    parser.add_argument("--version", action="version", version=f"%(prog)s {app_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        module.register(commands)
    return parser


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run one subcommand; every failure becomes one line on stderr and an exit status."""
    services = None
    try:
        if getattr(args, "needs_database", True):
            from app.services.container import build_services

            try:
                services = build_services(settings)
            except Exception as exc:  # noqa: BLE001 - a database that will not open is a plain failure
                return _fail(f"cannot open the database: {exc}")
        caller = None
        if getattr(args, "needs_login", True):
            if not args.user:
                raise UsageError(f"`{args.command}` needs --user NAME")
            caller = services.auth.login(args.user, password(PASSWORD_ENV, f"Password for {args.user}: "))
        return args.handler(args, services, caller)
    except UsageError as exc:
        print(f"usage error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Refused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except (PlateDeskError, OSError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted")
    finally:
        if services is not None:
            services.close()


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_FAILED


def _program() -> str:
    # The installed bundle is started by its own name, not through Python.
    return Path(sys.executable).name if getattr(sys, "frozen", False) else "python -m app"


