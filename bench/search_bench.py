"""Historical search speed on a seeded database: p50/p95 per kind of query, through the service.

    python bench/search_bench.py --data-dir /tmp/pd-10m --seed-reads 10000000   # seed once, then measure
    python bench/search_bench.py --data-dir /tmp/pd-10m                         # measure again
    python bench/search_bench.py --db postgresql+psycopg://... --data-dir /tmp/pd-pg --seed-reads 10000000

Each query goes through SearchService.search, so the figure includes the permission check
and the access record written in the same transaction, as a user would get it.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from app.config import Settings  # noqa: E402
from app.data.orm import Plate, PlateRead, Source  # noqa: E402
from app.domain.geo import GeoPoint  # noqa: E402
from app.domain.roles import Role  # noqa: E402
from app.domain.search import SearchCriteria  # noqa: E402
from app.services.container import build_services, freeze_startup_objects  # noqa: E402

PASSWORD = "benchmark passphrase for plate desk"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--db")
    parser.add_argument("--seed-reads", type=int, default=0)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()

    services = build_services(Settings.load(args.data_dir, args.db))
    freeze_startup_objects()  # as the GUI does after start-up
    if not services.users.has_users():
        services.users.create_first_admin("bench", PASSWORD, "Bench PD", "bench")
    admin = services.auth.login("bench", PASSWORD)
    if args.seed_reads:
        from app.services.demo import DemoService

        started = time.perf_counter()
        DemoService(services.db, services.gate, services.images, services.now).seed(admin, args.seed_reads)
        print(f"seeded {args.seed_reads:,} reads in {time.perf_counter() - started:.0f} s")
    if "benchdet" not in {u.username for u in services.users.list_users(admin)}:
        services.users.add_user(admin, "benchdet", PASSWORD, [Role.DETECTIVE])
        services.users.record_training(admin, "benchdet")
        services.policy.accept(services.auth.login("benchdet", PASSWORD))
    detective = replace(services.auth.login("benchdet", PASSWORD), purpose="benchmark", case_number="BENCH-1")

    rng = random.Random(7)
    with services.db.transaction() as s:
        reads = s.scalar(select(func.count()).select_from(PlateRead))
        plates = s.scalar(select(func.count()).select_from(Plate))
        max_id = s.scalar(select(func.max(Plate.id)))
        sample = [s.scalar(select(Plate.text).where(Plate.id >= rng.randint(1, max_id)).limit(1))
                  for _ in range(args.runs)]
        sources = [(r.lat, r.lon) for r in s.execute(select(Source.lat, Source.lon).where(Source.kind == "fixed"))]
        first, last = s.execute(select(func.min(PlateRead.captured_at), func.max(PlateRead.captured_at))).one()
    print(f"{services.db.engine.dialect.name}: {reads:,} reads, {plates:,} distinct plates\n")

    def gapped(p: str) -> str:
        return p[0] + "?" + p[2] + "??" + p[5:] if len(p) >= 6 else p[:3] + "?"

    kinds = {
        "exact": lambda p: SearchCriteria(plate=p),
        "prefix (7AB*)": lambda p: SearchCriteria(plate=p[:3] + "*"),
        "suffix (*123)": lambda p: SearchCriteria(plate="*" + p[-3:]),
        "inner (*BC1*)": lambda p: SearchCriteria(plate="*" + p[2:5] + "*"),
        "gapped (7?B??23)": lambda p: SearchCriteria(plate=gapped(p)),
        "fuzzy exact plate": lambda p: SearchCriteria(plate=p, fuzzy=True),
        "fuzzy prefix (7AB*)": lambda p: SearchCriteria(plate=p[:3] + "*", fuzzy=True),
    }
    span = (last - first).total_seconds()

    def canvass(_p: str) -> SearchCriteria:
        lat, lon = rng.choice(sources)
        start = first + timedelta(seconds=rng.uniform(0, span - 86400))
        return SearchCriteria(near=GeoPoint(lat, lon), radius_m=500, start=start, end=start + timedelta(hours=24))

    kinds["canvass 500 m x 24 h"] = canvass

    # Wall time is what a user waits; CPU time of this process shows the cost when other
    # jobs share the cores (the database server's own CPU is not in it on PostgreSQL).
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print("| query | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms | mean results |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, build in kinds.items():
        times, cpu, counts = [], [], []
        for plate in sample:
            criteria = build(plate)
            started, started_cpu = time.perf_counter(), time.process_time()
            result = services.search.search(detective, criteria)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            counts.append(len(result.hits))
        print(f"| {name} | {statistics.median(times):.1f} | {p95(times):.1f} | {statistics.median(cpu):.1f} "
              f"| {p95(cpu):.1f} | {statistics.mean(counts):,.0f} |")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    services.close()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


if __name__ == "__main__":
    main()
