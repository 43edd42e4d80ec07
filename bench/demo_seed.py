"""Seed N demo reads into a fresh temporary SQLite database and print the rate.

    python bench/demo_seed.py 1000000 [--seed 424] [--keep]

The figure is the whole `DemoService.seed` call (plate crops, reference rows, reads,
hotlist, audit record and commit), as `python -m app demo --reads N` runs it.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.config import Settings  # noqa: E402
from app.jobs import Progress  # noqa: E402
from app.services.container import build_services  # noqa: E402
from app.services.demo import DemoService  # noqa: E402

PASSWORD = "benchmark seeding on route sixty six"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reads", type=int)
    parser.add_argument("--seed", type=int, default=424)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="platedesk-bench-demo-"))
    services = build_services(Settings(data_dir=data_dir, workstation="bench"))
    try:
        services.users.create_first_admin("admin", PASSWORD, "Glendora PD", "bench")
        caller = services.auth.login("admin", PASSWORD)
        demo = DemoService(services.db, services.gate, services.images, services.now)
        phases: dict[str, float] = {}
        started = time.perf_counter()

        def progress(p: Progress) -> None:
            phases.setdefault(p.message.split(" (")[0], time.perf_counter() - started)

        summary = demo.seed(caller, args.reads, seed=args.seed, progress=progress)
        elapsed = time.perf_counter() - started
        db_file = data_dir / "platedesk.db"
        size_mb = sum(f.stat().st_size for f in data_dir.glob("platedesk.db*")) / 1e6
        images_mb = sum(f.stat().st_size for f in (data_dir / "images").rglob("*") if f.is_file()) / 1e6
        print(f"reads {summary.reads:,}  vehicles {summary.vehicles:,}  sources {summary.sources}  "
              f"hotlist entries {summary.hotlist_entries}")
        print(f"time {elapsed:.1f} s  →  {summary.reads / elapsed * 60:,.0f} reads per minute")
        print("phase starts: " + ", ".join(f"{name} {at:.1f} s" for name, at in phases.items()))
        print(f"database {size_mb:,.0f} MB ({db_file}), plate crops {images_mb:,.0f} MB")
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
              f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
    finally:
        services.close()
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
