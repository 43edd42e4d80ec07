"""Composition root: settings → services → the GUI or one command of the CLI."""
from __future__ import annotations

import os
import sys

from app import cli
from app.config import Settings

DEMO_ENV = "PLATE_DESK_DEMO"


def run(argv: list[str] | None = None) -> int:
    parser = cli.build_parser()
    args = parser.parse_args(argv)
    settings = Settings.load(args.data_dir, args.db)
    if args.command is None:
        return _run_gui(settings)
    return cli.run_command(args, settings)


def _run_gui(settings: Settings) -> int:
    from app.services.container import build_services

    try:
        services = build_services(settings)
    except Exception as exc:  # noqa: BLE001 - any failure to open the database is shown, not traced
        print(f"error: cannot open the database: {exc}", file=sys.stderr)
        return 1
    try:
        if os.environ.get(DEMO_ENV) and not services.users.has_users():
            from app.services.demo_setup import set_up_demo

            set_up_demo(services, progress_stream=sys.stderr)
        from app.ui.app import run_gui

        return run_gui(services)
    finally:
        services.close()
