"""Evidence packet benchmark: build a packet of 100 reads with their images and export it as a bag.

    .venv/bin/python bench/packet_bench.py [--reads 100] [--repeat 3] [--keep DIR]

Seeds a fresh SQLite database in a temporary folder with reads that each have a real
JPEG scene (1280 × 720) and a PNG plate crop, puts them in a case, then times
`PacketService.build` (images copied and checked, CSVs, the PDF) and `export` (the bag).
The figure of docs/benchmarks.md is the median build time; the target is under 5 s.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from argon2 import PasswordHasher  # noqa: E402

from app.config import Settings  # noqa: E402
from app.domain.roles import Role  # noqa: E402
from app.services.cases import CaseService  # noqa: E402
from app.services.container import build_services  # noqa: E402
from app.services.packets import PacketService  # noqa: E402
from app.services.passwords import PasswordHashing  # noqa: E402
from tests.integration.test_cases import seed_reads  # noqa: E402

PASSWORD = "quiet evidence room at noon"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reads", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="also leave the last bag in this folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        services = build_services(Settings(data_dir=root, workstation="bench"),
                                  hashing=PasswordHashing(PasswordHasher(time_cost=1, memory_cost=1024,
                                                                         parallelism=1)))
        services.users.create_first_admin("admin", PASSWORD, "Glendora Police Department", "bench")
        admin = services.auth.login("admin", PASSWORD)
        services.users.add_user(admin, "tech", PASSWORD, [Role.EVIDENCE_TECHNICIAN], full_name="Evidence Tech")
        services.users.record_training(admin, "tech", trainer="Cpl. Training")
        tech = services.auth.login("tech", PASSWORD)
        services.policy.accept(tech)
        tech = services.auth.login("tech", PASSWORD)

        plates = [f"{1 + i % 9}{'ABCDEFGHJK'[i % 10]}{'LMNPR'[i % 5]}{'STUVW'[i % 4]}{100 + i:03d}"
                  for i in range(args.reads)]
        t = time.perf_counter()
        ids = seed_reads(services, plates)
        print(f"seeded {len(ids)} reads with images in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        cases = CaseService(services.db, services.gate, services.now)
        cases.create_case(tech, "BENCH-1", "Packet benchmark")
        cases.add_reads(tech, "BENCH-1", ids)
        packets = PacketService(services.db, services.gate, services.images, services.now,
                                work_dir=root / "packets")

        builds, exports = [], []
        for run in range(args.repeat):
            t = time.perf_counter()
            built = packets.build(tech, "BENCH-1")
            builds.append(time.perf_counter() - t)
            out = args.keep if (args.keep and run == args.repeat - 1) else root / f"out-{run}"
            t = time.perf_counter()
            bag = packets.export(tech, built, out)
            exports.append(time.perf_counter() - t)
            size = sum(p.stat().st_size for p in bag.path.rglob("*") if p.is_file())
            print(f"run {run + 1}: build {builds[-1]:.2f} s ({built.page_count} pages, "
                  f"PDF {built.pdf.stat().st_size / 1e6:.1f} MB), export {exports[-1]:.2f} s "
                  f"(bag {size / 1e6:.1f} MB, {bag.files} files)", file=sys.stderr)
            built.discard()
        services.close()
    print(f"packet of {args.reads} reads with images: build median {statistics.median(builds):.2f} s, "
          f"export median {statistics.median(exports):.2f} s")


if __name__ == "__main__":
    main()
