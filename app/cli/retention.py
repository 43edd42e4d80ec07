"""`retention run [--dry-run]`: purge reads past the retention period unless held (424.4)."""
from __future__ import annotations

from app.cli.common import EXIT_OK, stderr_progress


def register(commands) -> None:
    retention = commands.add_parser("retention", help="retention (is_supervisor, custodian)").add_subparsers(
        dest="action", required=True)
    run = retention.add_parser("run", help="purge reads past the retention period that are not on hold")
    run.add_argument("--dry-run", action="store_true", help="count by month what would be purged; delete nothing")
    run.set_defaults(handler=_run)


def _run(args, services, caller) -> int:
    retention = services.retention
    result = retention.run(caller, dry_run=args.dry_run, progress=stderr_progress())
    if result.months:
        print("month     purge    on hold")
        for month in result.months:
            print(f"{month.month}  {month.purge:>7,}  {month.held:>9,}")
    verb = "would delete" if result.dry_run else "deleted"
    print(f"cutoff {result.cutoff:%Y-%m-%d %H:%M} UTC: {verb} {result.deleted_reads:,} reads and "
          f"{result.deleted_images:,} images; {result.kept_on_hold:,} kept on hold (run {result.run_id})")
    return EXIT_OK
