"""`demo --reads N`: seed demo data."""
from __future__ import annotations

from app.cli.common import EXIT_OK, UsageError, stderr_progress


def register(commands) -> None:
    demo = commands.add_parser("demo", help="seed demo data (is_supervisor)")
    demo.add_argument("--reads", type=int, required=True)
    demo.add_argument("--seed", type=int, default=424)
    demo.set_defaults(handler=_demo)


def _demo(args, services, caller) -> int:
    if args.reads < 1:
        raise UsageError("--reads must be at least 1")
    summary = services.demo.seed(caller, args.reads, args.seed, progress=stderr_progress())
    print(f"seeded {summary.reads} reads of {summary.vehicles} vehicles from {summary.sources} sources, "
          f"{summary.first:%Y-%m-%d} to {summary.last:%Y-%m-%d}; {summary.hotlist_entries} hotlist entries")
    return EXIT_OK
