"""Make 720p benchmark clips from real scene photos, with known plates and times.

Each vehicle pass is one scene photo of ../shared/data/plates/openalpr-us-scenes seen
through a moving virtual camera: a 16:9 window pans and zooms over the photo, with
motion blur along the pan, a little sensor noise and lighting drift. Between passes the
camera looks at an empty, blurred stretch of the next photo. An on-screen clock and
camera name are burnt in (as real ALPR and dash cameras do): they are text the pipeline
must not report. The clip is written with OpenCV's MPEG-4 Part 2 encoder (lossy), its
MP4 creation time is set to `start`, and the ground truth is written beside it as JSON:

    {"video": ..., "fps": 30, "start": ISO time, "passes": [
        {"plate": "ABC1234", "source": "x.jpg", "first_frame": .., "last_frame": ..,
         "t_start_s": .., "t_end_s": .., "plate_px": [min, max width in pixels]}]}

    python bench/make_bench_video.py out.mp4 --passes 8 --seed 1
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PLATES = ROOT / ".." / "shared" / "data" / "plates"
SCENES = PLATES / "openalpr-us-scenes"
W, H = 1280, 720
# Raised whenever a change makes different clips from the same seed (2: blurred padding
# instead of a mirror where the window runs past the photo), so cached clips are remade.
GENERATOR_VERSION = 2
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Scene:
    image: Path
    box: tuple[int, int, int, int]
    plate: str


@dataclass
class Pass:
    plate: str
    source: str
    first_frame: int
    last_frame: int
    t_start_s: float
    t_end_s: float
    plate_px: tuple[int, int]


def load_scenes(folder: Path = SCENES) -> list[Scene]:
    scenes = []
    for txt in sorted(folder.glob("*.txt")):
        name, x, y, w, h, plate = txt.read_text().strip().split("\t")[:6]
        scenes.append(Scene(folder / name, (int(x), int(y), int(w), int(h)), plate))
    return scenes


def _window(img_w: int, img_h: int, cx: float, cy: float, zoom: float) -> np.ndarray:
    """Affine map from the source photo to a 1280x720 frame: a window centred on cx, cy.

    zoom 1.0 shows the whole width of a 1280-wide photo; higher zoom shows less.
    """
    scale = zoom * W / img_w
    return np.array([[scale, 0, W / 2 - scale * cx], [0, scale, H / 2 - scale * cy]], np.float32)


def _view(img: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The photo through the window `m`; where the window runs past the photo, a blur.

    A real camera sees more road there, not a mirror image: mirroring the photo put
    upside-down copies of plates and lettering at the frame's edges, text no camera sees.
    The edge pixels stretched outward and blurred hard hold no glyph-like shapes.
    """
    frame = cv2.warpAffine(img, m, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    inside = cv2.warpAffine(np.full(img.shape[:2], 255, np.uint8), m, (W, H), flags=cv2.INTER_NEAREST,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    if inside.min() == 255:
        return frame
    small = cv2.resize(frame, (W // 8, H // 8), interpolation=cv2.INTER_AREA)
    blurred = cv2.resize(cv2.GaussianBlur(small, (0, 0), 4), (W, H), interpolation=cv2.INTER_LINEAR)
    return np.where(inside[..., None] > 0, frame, blurred)


def _motion_blur(frame: np.ndarray, dx: float, dy: float) -> np.ndarray:
    length = int(round((dx * dx + dy * dy) ** 0.5))
    if length < 2:
        return frame
    k = np.zeros((length, length), np.float32)
    c = (length - 1) / 2
    cv2.line(k, (int(c - dx / 2 * (length - 1) / length), int(c - dy / 2 * (length - 1) / length)),
             (int(c + dx / 2 * (length - 1) / length), int(c + dy / 2 * (length - 1) / length)), 1.0, 1)
    k /= max(k.sum(), 1e-6)
    return cv2.filter2D(frame, -1, k)


def _overlay(frame: np.ndarray, when: datetime, camera: str) -> None:
    text = when.strftime("%Y-%m-%d %H:%M:%S")
    for color, thick in (((0, 0, 0), 4), ((255, 255, 255), 1)):
        cv2.putText(frame, text, (18, 36), cv2.FONT_HERSHEY_SIMPLEX, 0.9, color, thick + 1, cv2.LINE_AA)
        cv2.putText(frame, camera, (W - 230, H - 24), cv2.FONT_HERSHEY_SIMPLEX, 0.8, color, thick + 1, cv2.LINE_AA)


def make_video(out: Path, scenes: list[Scene], *, passes: int = 8, seed: int = 1, fps: int = 30,
               start: datetime | None = None, pass_s: tuple[float, float] = (3.0, 4.5),
               gap_s: tuple[float, float] = (1.5, 3.0)) -> dict:
    """Write the clip and its ground truth JSON (out.with_suffix('.json')); return the truth."""
    rng = np.random.default_rng(seed)
    start = start or datetime(2026, 6, 1, 14, 0, 0, tzinfo=timezone.utc)
    chosen = [scenes[i] for i in rng.permutation(len(scenes))[:passes]]
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, (W, H))
    if not writer.isOpened():
        raise RuntimeError("OpenCV cannot write MPEG-4 here")
    frame_no = 0
    truth: list[Pass] = []
    camera = f"CAM {int(rng.integers(1, 9))} NB"

    # Sensor noise from a few pre-drawn fields: drawing 2.7 M normals a frame would
    # make generation slower than the pipeline it is meant to test.
    noise = [rng.normal(0, 2.0, (H, W, 3)).astype(np.int16) for _ in range(6)]

    def emit(frame: np.ndarray) -> None:
        nonlocal frame_no
        noisy = frame.astype(np.int16) + noise[int(rng.integers(len(noise)))]
        frame = np.clip(noisy, 0, 255).astype(np.uint8)
        _overlay(frame, start + timedelta(seconds=frame_no / fps), camera)
        writer.write(frame)
        frame_no += 1

    for scene in chosen:
        img = cv2.imread(str(scene.image))
        ih, iw = img.shape[:2]
        x, y, w, h = scene.box
        pcx, pcy = x + w / 2, y + h / 2
        # Gap: an empty, defocused strip of road (the top of the photo, far from the plate).
        for _ in range(int(rng.uniform(*gap_s) * fps)):
            m = _window(iw, ih, iw / 2, ih * 0.3, 1.0)
            emit(cv2.GaussianBlur(_view(img, m), (0, 0), 9))
        n = int(rng.uniform(*pass_s) * fps)
        # The plate travels across the frame while the camera zooms in or out a little.
        z0, z1 = rng.uniform(1.0, 1.5), rng.uniform(1.0, 1.6)
        ox0, oy0 = rng.uniform(-0.3, 0.3) * W, rng.uniform(-0.2, 0.2) * H
        ox1, oy1 = rng.uniform(-0.3, 0.3) * W, rng.uniform(-0.2, 0.2) * H
        gain0, gain1 = rng.uniform(0.85, 1.1), rng.uniform(0.85, 1.1)
        first = frame_no
        widths = []
        prev_pos = None
        for i in range(n):
            a = i / max(1, n - 1)
            zoom = z0 + (z1 - z0) * a
            # Window centre so that the plate sits at offset (ox, oy) from the frame centre.
            scale = zoom * W / iw
            ox, oy = ox0 + (ox1 - ox0) * a, oy0 + (oy1 - oy0) * a
            cx, cy = pcx - ox / scale, pcy - oy / scale
            m = _window(iw, ih, cx, cy, zoom)
            frame = _view(img, m)
            pos = (W / 2 + ox, H / 2 + oy)
            if prev_pos is not None:
                frame = _motion_blur(frame, pos[0] - prev_pos[0], pos[1] - prev_pos[1])
            prev_pos = pos
            gain = gain0 + (gain1 - gain0) * a
            frame = cv2.convertScaleAbs(frame, alpha=gain, beta=0)
            widths.append(int(w * scale))
            emit(frame)
        truth.append(Pass(scene.plate, scene.image.name, first, frame_no - 1,
                          round(first / fps, 3), round((frame_no - 1) / fps, 3),
                          (min(widths), max(widths))))
    for _ in range(int(gap_s[0] * fps)):
        emit(np.full((H, W, 3), 90, np.uint8))
    writer.release()

    from app.recognition.metadata import set_mp4_creation_time

    set_mp4_creation_time(out, start)
    data = {"video": out.name, "fps": fps, "frames": frame_no, "start": start.isoformat(),
            "seed": seed, "passes": [asdict(p) for p in truth]}
    out.with_suffix(".json").write_text(json.dumps(data, indent=1))
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--passes", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fps", type=int, default=30)
    args = ap.parse_args(argv)
    data = make_video(args.out, load_scenes(), passes=args.passes, seed=args.seed, fps=args.fps)
    print(f"{args.out}: {data['frames']} frames, {len(data['passes'])} passes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
