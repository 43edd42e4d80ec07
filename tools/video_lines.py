"""Plate lines as video shows them, for the recogniser's training: cut from generated clips
of *training* scenes only, labelled with each pass's known plate.

    nice -n 5 .venv/bin/python tools/video_lines.py --clips 8 --seed 9000 --out /tmp/pd-ocr-train/video-9000.npz

The clips are made by bench/make_bench_video.py (pans, zooms, motion blur, sensor noise,
MPEG-4 compression) from the training split of the scene photos (tools/plate_data.py),
never from a validation scene; the benchmark's own clips use validation scenes only. Each
clip goes through the app's own frame sampler, line finder, reader and tracker; every
analysed frame's line in a pass of a known plate whose read has the plate's length and
at most two characters wrong is kept, cut exactly as the reader was given it, labelled
with the plate. So the lines are the ones the pipeline reads, with the degradations
video gives them, and the look-alike mistakes it makes on them (up to two a line).
The output is a line cache for tools/train_recogniser.py --video.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import make_bench_video  # noqa: E402

from app.recognition.frames import VideoFrames  # noqa: E402
from app.recognition.ocr import EasyOcrEngine  # noqa: E402
from app.recognition.pipeline import ended_tracks  # noqa: E402
from app.recognition.track import PlateTrack, Tracker  # noqa: E402
from tools.plate_data import split_of  # noqa: E402

MAX_WRONG = 2


def _tracks(clip: Path, engine: EasyOcrEngine) -> list[PlateTrack]:
    with VideoFrames(clip) as video:
        return [track for ended, _ in ended_tracks(video, Tracker(), engine) for track in ended]


def clip_lines(clip: Path, truth: dict, engine: EasyOcrEngine) -> list[tuple[np.ndarray, str]]:
    """(grey line as read, plate) for every read of a known pass close enough to its plate."""
    lines = []
    for track in _tracks(clip, engine):
        for s in track.sightings:
            plate = next((p["plate"] for p in truth["passes"]
                          if p["first_frame"] <= s.frame <= p["last_frame"]), None)
            if plate is None or s.read.crop is None or len(s.plate) != len(plate):
                continue
            if sum(a != b for a, b in zip(s.plate, plate)) <= MAX_WRONG:
                lines.append((s.read.crop, plate))
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clips", type=int, default=8)
    ap.add_argument("--passes", type=int, default=10)
    ap.add_argument("--seed", type=int, default=9000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--clip-dir", type=Path, default=Path("/tmp/plate-desk-train-clips"))
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    scenes = [s for s in make_bench_video.load_scenes() if split_of(s.image.name) == "train"]
    engine = EasyOcrEngine(threads=args.threads)
    args.clip_dir.mkdir(parents=True, exist_ok=True)
    lines: list[tuple[np.ndarray, str]] = []
    for k in range(args.clips):
        clip = args.clip_dir / f"train-clip-{args.seed + k}-{args.passes}.mp4"
        truth = make_bench_video.make_video(clip, scenes, passes=args.passes, seed=args.seed + k)
        got = clip_lines(clip, truth, engine)
        lines += got
        print(f"{clip.name}: {len(got)} lines, {len(lines)} in all", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, images=np.array([im for im, _ in lines], dtype=object),
                        labels=np.array([p for _, p in lines]))
    print(f"saved {args.out}: {len(lines)} lines of {len({p for _, p in lines})} plates")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
