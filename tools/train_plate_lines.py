"""Train the plate/not-plate prior on the candidate lines of the training scenes.

    .venv/bin/python tools/train_plate_lines.py [--lam 0.05] [--out resources/ocr/plate_lines.npz]

Every training scene (tools/plate_data.py; never a validation one) goes through the
app's own line finder at three sizes (as shot, 0.7x, and 0.5x blurred, for smaller and
softer plates as in video); each of the lines the pipeline would read is a sample,
positive when its centre lies inside the annotated plate box. Features are
app.recognition.plateness's gradient histograms; the model is an L2-regularised
logistic regression with the classes weighted equally, fitted by gradient descent. The
standardisation is folded into the saved weights. Prints the area under the ROC curve
on the training lines and on the validation scenes' lines (reported, not tuned on).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.recognition.detect import find_text_lines  # noqa: E402
from app.recognition.plateness import WEIGHTS, features  # noqa: E402
from app.recognition.still import MAX_LINES  # noqa: E402
from tools.plate_data import scenes  # noqa: E402

VIEWS = ((1.0, 0.0), (0.7, 0.0), (0.5, 1.2))  # scale, Gaussian blur sigma


def samples(split: str, views=VIEWS) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for photo in (p for p in scenes() if p.split == split):
        gray = cv2.imread(str(photo.path), cv2.IMREAD_GRAYSCALE)
        bx, by, bw, bh = photo.box
        for scale, blur in views:
            img = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            if blur:
                img = cv2.GaussianBlur(img, (0, 0), blur)
            for line in find_text_lines(img)[:MAX_LINES]:
                cx, cy = (line.x + line.w / 2) / scale, (line.y + line.h / 2) / scale
                xs.append(features(img, line))
                ys.append(bx <= cx <= bx + bw and by <= cy <= by + bh)
    return np.array(xs, np.float64), np.array(ys, np.float64)


def fit(x: np.ndarray, y: np.ndarray, lam: float, steps: int = 800, lr: float = 0.1) -> tuple[np.ndarray, float]:
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / std
    w, b = np.zeros(x.shape[1]), 0.0
    share = y.mean()
    weight = np.where(y > 0, 0.5 / share, 0.5 / (1 - share))
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        g = (p - y) * weight
        w -= lr * (z.T @ g / len(y) + lam * w)
        b -= lr * g.mean()
    # Fold the standardisation in: (x - mean) / std . w + b == x . (w / std) + b'.
    return w / std, b - float((mean / std) @ w)


def roc_auc(score: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(score)
    rank = np.empty(len(score))
    rank[order] = np.arange(len(score))
    pos, neg = y.sum(), len(y) - y.sum()
    return float((rank[y > 0].sum() - pos * (pos - 1) / 2) / (pos * neg))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lam", type=float, default=0.05, help="L2 weight")
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / WEIGHTS)
    args = ap.parse_args(argv)
    x, y = samples("train")
    w, b = fit(x, y, args.lam)
    xv, yv = samples("val", views=VIEWS[:1])
    print(f"training lines {len(y)} ({int(y.sum())} plates): AUC {roc_auc(x @ w, y):.3f}; "
          f"validation lines {len(yv)} ({int(yv.sum())} plates): AUC {roc_auc(xv @ w, yv):.3f}")
    np.savez_compressed(args.out, w=w.astype(np.float32), b=np.float32(b))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
