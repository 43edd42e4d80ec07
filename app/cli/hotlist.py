"""`hotlist import FILE [--name NAME]`: import a state hotlist export, all rows or none."""
from __future__ import annotations

import sys
from pathlib import Path

from app.cli.common import EXIT_OK
from app.domain.errors import ValidationError


def register(commands) -> None:
    hotlist = commands.add_parser("hotlist", help="hotlists (is_supervisor)").add_subparsers(dest="action",
                                                                                            required=True)
    imp = hotlist.add_parser("import", help="import a hotlist CSV (plate,state,reason,reference,entered,expires)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--name", help="the hotlist's name (default: the file's name)")
    imp.set_defaults(handler=_import)


def _import(args, services, caller) -> int:
    from app.services.hotlists import HotlistFileError

    if not args.file.is_file():
        raise ValidationError(f"no such file: {args.file}")
    hotlists = services.hotlists
    try:
        summary = hotlists.import_csv(caller, args.file, args.name)
    except HotlistFileError as exc:
        for bad in exc.bad_rows:  # every bad row, then the one `error:` line run_command prints
            print(str(bad), file=sys.stderr)
        raise
    print(f"imported {summary.entries} entries into hotlist {summary.name!r}; "
          f"{summary.alerts} alerts from stored reads")
    return EXIT_OK
