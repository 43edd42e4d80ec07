"""The command line of shared/CLI.md: each subcommand logs in and calls one service."""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

from app.config import Settings
from app.domain.errors import PlateDeskError, Refused, ValidationError
from app.domain.geo import GeoPoint
from app.domain.roles import Role, parse_role
from app.domain.search import DEFAULT_LIMIT, SearchCriteria

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3
PASSWORD_ENV = "PLATE_DESK_PASSWORD"
NEW_PASSWORD_ENV = "PLATE_DESK_NEW_PASSWORD"


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app", description="Plate Desk: ALPR investigations under Policy 424.")
    parser.add_argument("--db", help="SQLAlchemy URL (default: the embedded SQLite database in the data folder)")
    parser.add_argument("--data-dir", type=Path, help="data folder (default: the user's data folder)")
    parser.add_argument("--user", help="log in as this user (password from PLATE_DESK_PASSWORD or a prompt)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser("init", help="create the database and its first administrator")
    init.add_argument("--admin", required=True)
    init.add_argument("--agency", default="Glendora Police Department")

    users = commands.add_parser("users", help="manage users").add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="add a user")
    add.add_argument("name")
    add.add_argument("--role", action="append", required=True, type=_role)
    add.add_argument("--agency")
    users.add_parser("list", help="list users").add_argument("--json", action="store_true")
    roles = users.add_parser("roles", help="replace a user's roles")
    roles.add_argument("name")
    roles.add_argument("--role", action="append", required=True, type=_role)
    users.add_parser("unlock", help="unlock a locked account").add_argument("name")
    users.add_parser("deactivate", help="deactivate an account").add_argument("name")
    training = users.add_parser("training", help="record a user's ALPR training")
    training.add_argument("name")
    training.add_argument("--date", type=_date)
    training.add_argument("--trainer", default="")

    policy = commands.add_parser("policy", help="the ALPR policy").add_subparsers(dest="action", required=True)
    policy.add_parser("show", help="print the policy")
    policy.add_parser("accept", help="acknowledge the policy")

    demo = commands.add_parser("demo", help="seed demo data")
    demo.add_argument("--reads", type=int, required=True)
    demo.add_argument("--seed", type=int, default=424)

    search = commands.add_parser("search", help="historical search (dispatchers, corporals, detectives)")
    search.add_argument("--plate", help="plate or partial plate: ? one character, * any run")
    search.add_argument("--fuzzy", action="store_true", help="also match OCR look-alikes (O/0/D/Q, B/8, ...)")
    search.add_argument("--near", type=_point, help="LAT,LON of a canvass centre")
    search.add_argument("--radius-m", type=float, help="canvass radius in metres")
    search.add_argument("--from", dest="start", type=_instant, help="ISO 8601; without an offset, UTC")
    search.add_argument("--to", dest="end", type=_instant, help="ISO 8601; without an offset, UTC")
    search.add_argument("--state", help="two-letter state")
    search.add_argument("--purpose", required=True)
    search.add_argument("--case", required=True)
    search.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    search.add_argument("--json", action="store_true")

    audit = commands.add_parser("audit", help="the access log").add_subparsers(dest="action", required=True)
    audit.add_parser("verify", help="check the access log's hash chain")
    export = audit.add_parser("export", help="export the access log")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    return parser


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run one subcommand; every failure becomes one line on stderr and an exit status."""
    from app.services.container import build_services

    try:
        services = build_services(settings)
    except Exception as exc:  # noqa: BLE001 - a database that will not open is a plain failure
        return _fail(f"cannot open the database: {exc}")
    try:
        handler = HANDLERS[args.command]
        if args.command == "init":
            return handler(args, services)
        if not args.user:
            raise UsageError(f"`{args.command}` needs --user NAME")
        caller = services.auth.login(args.user, _password(PASSWORD_ENV, f"Password for {args.user}: "))
        return handler(args, services, caller)
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
        services.close()


# --- handlers -----------------------------------------------------------------------

def _init(args, services) -> int:
    password = os.environ.get(NEW_PASSWORD_ENV) or os.environ.get(PASSWORD_ENV) \
        or _prompt_new_password(args.admin)
    services.users.create_first_admin(args.admin, password, args.agency, services.settings.workstation)
    print(f"database ready; administrator {args.admin!r} created for {args.agency}")
    return EXIT_OK


def _users(args, services, caller) -> int:
    users = services.users
    if args.action == "add":
        password = os.environ.get(NEW_PASSWORD_ENV) or _prompt_new_password(args.name)
        users.add_user(caller, args.name, password, args.role, agency=args.agency)
        print(f"user {args.name!r} added")
    elif args.action == "list":
        for user in users.list_users(caller):
            if args.json:
                print(json.dumps({
                    "username": user.username, "roles": [r.value for r in user.roles],
                    "agency": user.agency, "active": user.active, "locked": user.locked,
                    "last_training": user.last_training.isoformat() if user.last_training else None,
                    "policy_accepted": user.policy_version_accepted is not None,
                }))
            else:
                flags = [f for f, on in (("locked", user.locked), ("inactive", not user.active)) if on]
                print(f"{user.username:<20} {','.join(r.value for r in user.roles):<40} "
                      f"trained {user.last_training or 'no':<10} {' '.join(flags)}".rstrip())
    elif args.action == "roles":
        users.set_roles(caller, args.name, args.role)
        print(f"roles of {args.name!r}: {', '.join(r.value for r in args.role)}")
    elif args.action == "unlock":
        users.unlock(caller, args.name)
        print(f"user {args.name!r} unlocked")
    elif args.action == "deactivate":
        users.deactivate(caller, args.name)
        print(f"user {args.name!r} deactivated")
    elif args.action == "training":
        users.record_training(caller, args.name, args.date, args.trainer)
        print(f"training recorded for {args.name!r}")
    return EXIT_OK


def _policy(args, services, caller) -> int:
    if args.action == "show":
        print(f"Policy version {services.policy.current_version()}\n")
        print(services.policy.text)
    else:
        version = services.policy.accept(caller)
        print(f"policy {version} acknowledged by {caller.username}")
    return EXIT_OK


def _demo(args, services, caller) -> int:
    from app.services.demo import DemoService

    if args.reads < 1:
        raise UsageError("--reads must be at least 1")
    demo = DemoService(services.db, services.gate, services.images, services.now)
    summary = demo.seed(caller, args.reads, args.seed, progress=_stderr_progress())
    print(f"seeded {summary.reads} reads of {summary.vehicles} vehicles from {summary.sources} sources, "
          f"{summary.first:%Y-%m-%d} to {summary.last:%Y-%m-%d}; {summary.hotlist_entries} hotlist entries")
    return EXIT_OK


def _audit(args, services, caller) -> int:
    if args.action == "verify":
        report = services.audit.verify(caller)
        print(report.describe())
        if not report.ok:
            print(f"error: {report.describe()}", file=sys.stderr)
            return EXIT_FAILED
        return EXIT_OK
    count = services.audit.export(caller, args.out, args.format)
    print(f"exported {count} audit records to {args.out}")
    return EXIT_OK


def _search(args, services, caller) -> int:
    if (args.near is None) != (args.radius_m is None):
        raise UsageError("--near and --radius-m go together")
    criteria = SearchCriteria(plate=args.plate, fuzzy=args.fuzzy, state=args.state, start=args.start,
                              end=args.end, near=args.near, radius_m=args.radius_m, limit=args.limit)
    result = services.search.search(replace(caller, purpose=args.purpose, case_number=args.case), criteria)
    for hit in result.hits:
        row = {
            "id": hit.id, "plate": hit.plate, "state": hit.state,
            "captured_at": hit.captured_at.isoformat(timespec="seconds") + "Z", "lat": hit.lat, "lon": hit.lon,
            "source": hit.source, "confidence": round(hit.confidence, 4), "fuzzy": hit.fuzzy,
        }
        if args.json:
            if hit.fuzzy:
                row["differences"] = hit.differences
            print(json.dumps(row))
        else:
            mark = f"  fuzzy: {hit.differences}" if hit.fuzzy else ""
            print(f"{hit.id:>9}  {row['captured_at']}  {hit.plate:<9} {hit.state or '--':<3}"
                  f"{hit.lat:>10.5f} {hit.lon:>11.5f}  {hit.confidence:.2f}  {hit.source}{mark}")
    if not args.json:
        more = f" (more matched; showing the newest {args.limit})" if result.truncated else ""
        print(f"{len(result.hits)} reads{more}", file=sys.stderr)
    return EXIT_OK


HANDLERS: dict[str, Callable[..., int]] = {
    "init": _init, "users": _users, "policy": _policy, "demo": _demo, "audit": _audit, "search": _search,
}


# --- helpers ------------------------------------------------------------------------

def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_FAILED


def _password(env: str, prompt: str) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UsageError(f"no password: set {env} or run in a terminal")
    return getpass.getpass(prompt)


def _prompt_new_password(name: str) -> str:
    first = _password(NEW_PASSWORD_ENV, f"New password for {name}: ")
    if os.environ.get(NEW_PASSWORD_ENV) is None and getpass.getpass("Repeat it: ") != first:
        raise ValidationError("The two passwords differ.")
    return first


def _stderr_progress():
    from app.jobs import Progress

    def report(progress: Progress) -> None:
        rate = f", {progress.rate:,.0f}/s" if progress.rate else ""
        print(f"\r{progress.message} {progress.done:,}/{progress.total:,}{rate}   ", end="", file=sys.stderr)
        if progress.done >= progress.total:
            print(file=sys.stderr)
    return report


def _role(text: str) -> Role:
    try:
        return parse_role(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _point(text: str) -> GeoPoint:
    try:
        return GeoPoint.parse(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _instant(text: str) -> datetime:
    """ISO 8601 to naive UTC; a time without an offset is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("plate-desk")
    except PackageNotFoundError:
        return "dev"
