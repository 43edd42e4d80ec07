"""Exact top-1 plate accuracy on the real photos, and the time per photo.

    nice -n 10 .venv/bin/python bench/recognition_photos.py [--split val|train|all] [--threads 1]

For each photo the first read the app reports (`pipeline.reported`, as `extract` does) is
compared with the ground truth, exactly and with O and 0 folded together (the ground truth
often writes 0 where the plate shows O); no read counts as wrong. Scenes are whole images;
crops are rectified plates. Photos are ground-truthed with one plate each; the other reads
the app reports beside the first are counted, and listed with -v, for a person to judge.
The machine is shared, so CPU time per photo (all threads) is printed beside the
wall-clock time. Figures are reported on the fixed validation split (tools/plate_data.py)
unless --split says otherwise; a recogniser trained by tools/train_recogniser.py never sees
validation photos. A last figure scores the few photos whose ground truth the photo
contradicts (tools/plate_data.DISPUTED) against what they show.
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.recognition.ocr import EasyOcrEngine  # noqa: E402
from app.recognition.pipeline import reported  # noqa: E402
from app.recognition.still import read_frame  # noqa: E402
from tools.plate_data import crops, scenes  # noqa: E402


def fold(text: str) -> str:
    return text.replace("O", "0")


def evaluate(photos, engine, verbose: bool = False) -> dict:
    exact = folded = shown = others = 0
    times = []
    cpu = 0.0
    for p in photos:
        image = cv2.imread(str(p.path))
        t0, c0 = time.perf_counter(), time.process_time()
        frame_reads = read_frame(image, engine)  # what read_image returns, with what the app's filter needs
        times.append(time.perf_counter() - t0)
        cpu += time.process_time() - c0
        shown_reads = reported(frame_reads, image)  # what `extract` reports, the first as the answer
        top = shown_reads[0].reading.plate if shown_reads else ""
        extra = [lr.reading.plate for lr in shown_reads[1:]]
        others += len(extra)
        if verbose and extra:
            print(f"  {p.path.name}: also reported {', '.join(extra)}")
        exact += top == p.plate
        folded += fold(top) == fold(p.plate)
        shown += top == p.shown
        if verbose and top != p.plate:
            print(f"  {p.path.name}: truth {p.plate} read {top or '-'}"
                  + (f" (the photo shows {p.shown})" if p.shown != p.plate else ""))
    n = len(photos)
    times.sort()
    return {"n": n, "exact": exact, "folded": folded, "shown": shown, "others": others,
            "cpu_ms": 1000 * cpu / max(n, 1),
            "mean_ms": 1000 * sum(times) / max(n, 1), "p95_ms": 1000 * times[int(0.95 * (n - 1))] if n else 0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=("val", "train", "all"), default="val")
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: the app's, half the cores)")
    ap.add_argument("--weights", type=Path, default=None, help="a fine-tuned recogniser other than resources/ocr's")
    ap.add_argument("--stock", action="store_true", help="EasyOCR's own english_g2 weights, not resources/ocr")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    engine = EasyOcrEngine(weights=None if args.stock else (args.weights or True), threads=args.threads)
    t0 = time.perf_counter()
    engine.read_lines([cv2.imread(str(crops()[0].path), cv2.IMREAD_GRAYSCALE)])
    load_s = time.perf_counter() - t0
    print(f"machine: {platform.processor() or platform.machine()}, {__import__('os').cpu_count()} CPUs; "
          f"weights: {'stock english_g2' if args.stock else (engine.weights or 'stock english_g2')}; "
          f"model load + first line {load_s:.1f} s")
    for name, photos in (("scenes", scenes()), ("crops", crops())):
        chosen = [p for p in photos if args.split == "all" or p.split == args.split]
        r = evaluate(chosen, engine, args.verbose)
        n = max(r["n"], 1)
        print(f"{name:6s} ({args.split}, n={r['n']}): exact {r['exact']}/{r['n']} = {100 * r['exact'] / n:.1f} %, "
              f"O/0 folded {100 * r['folded'] / n:.1f} %; {r['mean_ms']:.0f} ms/photo mean, {r['p95_ms']:.0f} ms p95, "
              f"{r['cpu_ms']:.0f} CPU-ms/photo; exact {100 * r['shown'] / n:.1f} % against the plates as "
              f"shown where the ground truth is disputed (tools/plate_data.DISPUTED); "
              f"{r['others']} other reads reported beside the top ones (extract, pipeline.reported)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
