"""Cold start to the log-in window: `python -m app` until the window is on screen.

    QT_QPA_PLATFORM=offscreen python bench/startup.py [--runs 7]

Runs the real entry point in a fresh process each time (PLATE_DESK_SMOKE_TEST makes it quit
once the log-in window is shown) on an initialised database, and prints the median and worst.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="pd-startup-"))
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "PLATE_DESK_NEW_PASSWORD": "start-up benchmark passphrase"}
    subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data), "init", "--admin", "bench"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    env["PLATE_DESK_SMOKE_TEST"] = "1"
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(data)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, text=True)
        line = proc.stdout.readline()
        times.append(time.perf_counter() - started)
        proc.wait(timeout=60)
        assert "login window shown" in line, line
    print(f"cold start to log-in window over {args.runs} runs: median {statistics.median(times):.2f} s, "
          f"worst {max(times):.2f} s")


if __name__ == "__main__":
    main()
