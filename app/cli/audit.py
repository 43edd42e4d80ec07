"""`audit verify`, `audit export`, `audit report`."""
from __future__ import annotations

import sys
from pathlib import Path

from app.cli.common import EXIT_FAILED, EXIT_OK, UsageError, day


def register(commands) -> None:
    audit = commands.add_parser("audit", help="the access log").add_subparsers(dest="action", required=True)
    audit.add_parser("verify", help="check the access log's hash chain").set_defaults(handler=_verify)
    export = audit.add_parser("export", help="export the access log")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    export.set_defaults(handler=_export)
    report = audit.add_parser("report", help="the bi-annual audit report for the Chief (PDF)")
    report.add_argument("--from", dest="start", type=day, required=True, help="first day, YYYY-MM-DD")
    report.add_argument("--to", dest="end", type=day, required=True, help="last day, YYYY-MM-DD (included)")
    report.add_argument("--out", type=Path, required=True, help="the PDF to write")
    report.set_defaults(handler=_report)


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


def _report(args, services, caller) -> int:
    from app.services.audit_report import AuditReportService

    if args.end < args.start:
        raise UsageError("--to is before --from")
    reports = AuditReportService(services.db, services.gate, services.audit, services.now)
    data = reports.write(caller, args.start, args.end, args.out)
    print(f"audit report {args.start}..{args.end}: {data.records:,} access records, {data.searches:,} searches, "
          f"{len(data.anomalies)} flagged; written to {args.out}")
    if not data.chain_ok:
        print(f"error: {data.chain_text}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
