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
        return _run_gui(settings, explicit_db=bool(args.db))
    return cli.run_command(args, settings)


def _run_gui(settings: Settings, *, explicit_db: bool = False) -> int:
    """The log-in window; on a new workstation the first-run set-up before it.

    New means no settings.json in the data folder and no users in its embedded database.
    A database named on the command line is never "new", and PLATE_DESK_DEMO (`make run`)
    keeps setting up the demo without asking.
    """
    from app.services.container import Services, build_services, freeze_startup_objects
    from app.services.setup_check import needs_first_run

    opened: list[Services] = []

    def open_services(chosen: Settings) -> Services:
        services = build_services(chosen)
        opened.append(services)
        freeze_startup_objects()
        return services

    try:
        if not explicit_db and not os.environ.get(DEMO_ENV) and needs_first_run(settings.data_dir):
            from app.data.secrets import SecretStore
            from app.ui.app import FirstRun, run_gui

            return run_gui(None, FirstRun(settings, SecretStore.for_data_dir(settings.data_dir), open_services))
        try:
            services = open_services(settings)
        except Exception as exc:  # noqa: BLE001 - any failure to open the database is shown, not traced
            print(f"error: cannot open the database: {exc}", file=sys.stderr)
            return 1
        if os.environ.get(DEMO_ENV) and not services.users.has_users():
            from app.services.demo_setup import set_up_demo

            set_up_demo(services, progress_stream=sys.stderr)
        from app.ui.app import run_gui

        return run_gui(services)
    finally:
        for services in opened:
            services.close()
