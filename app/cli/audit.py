"""`audit verify`, `audit export`."""
from __future__ import annotations

import sys
from pathlib import Path

from app.cli.common import EXIT_FAILED, EXIT_OK


def register(commands) -> None:
    audit = commands.add_parser("audit", help="the access log").add_subparsers(dest="action", required=True)
    audit.add_parser("verify", help="check the access log's hash chain").set_defaults(handler=_verify)
    export = audit.add_parser("export", help="export the access log")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    export.set_defaults(handler=_export)


def _verify(args, services, caller) -> int:
    report = services.audit.verify(caller)
    print(report.describe())
    if not report.ok:
        print(f"error: {report.describe()}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _export(args, services, caller) -> int:
    count = services.audit.export(caller, args.out, args.format)
    print(f"exported {count} audit records to {args.out}")
    return EXIT_OK
