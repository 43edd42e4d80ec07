"""Real plate glyphs from the training photos, recombined into new plate lines.

The ~250 training plates show each state's typeface only in the few serials they carry,
and the rendered synthetic lines (tools/train_recogniser.py) show DejaVu's shapes, not a
plate's: California's open-topped 4, Florida's narrow 0, a stamped 1. Here every
training photo whose number the line finder cuts into exactly one box per character,
and which the shipped recogniser reads exactly, gives its glyphs, labelled by position.
`collage_line` then sets glyphs of one source (one state's crops, or the scenes) in a
random order on that source's plate background: real shapes in serials no photo shows,
look-alikes side by side. Training split only (tools/plate_data.py).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from app.recognition.detect import crop_line, find_text_lines
from app.recognition.still import MAX_LINES
from tools.plate_data import crops, scenes

GLYPH_H = 48  # glyphs are stored at this height


@dataclass(frozen=True)
class Glyph:
    image: np.ndarray  # grey, GLYPH_H tall, dark on light, stretched to 0..255
    char: str
    source: str  # a state's two letters for crops, "scene" for whole scenes


def _source(path: Path, kind: str) -> str:
    return "scene" if kind == "scene" else path.stem.rstrip("0123456789")


def harvest(engine, cache: Path) -> list[Glyph]:
    """Glyphs of the training photos (cached: ~2 minutes to build)."""
    if cache.is_file():
        data = np.load(cache, allow_pickle=True)
        return [Glyph(i, c, s) for i, c, s in zip(data["images"], data["chars"], data["sources"])]
    out: list[Glyph] = []
    photos = [p for p in scenes() + crops() if p.split == "train" and len(p.plate) >= 4]
    for k, p in enumerate(photos):
        gray = cv2.imread(str(p.path), cv2.IMREAD_GRAYSCALE)
        lines = [l for l in find_text_lines(gray)[:MAX_LINES] if l.glyphs == len(p.plate) and l.members]
        if p.box is not None:
            x, y, w, h = p.box
            lines = [l for l in lines if x <= l.x + l.w / 2 <= x + w and y <= l.y + l.h / 2 <= y + h]
        if not lines:
            continue
        reads = engine.read_lines([crop_line(gray, l, masked=True) for l in lines])
        for line, read in zip(lines, reads):
            if read.text != p.plate:
                continue
            for (bx, by, bw, bh), char in zip(line.members, p.plate):
                m = max(1, int(round(0.08 * bh)))
                cut = gray[max(0, by - m): by + bh + m, max(0, bx - m): bx + bw + m]
                if not line.dark_on_light:
                    cut = 255 - cut
                # The box's own background goes to white (85th percentile: a glyph covers
                # less than that of its box), so glyphs set side by side show no seams.
                lo, hi = np.percentile(cut, (3, 85))
                if hi - lo < 20:
                    continue
                cut = np.clip((cut.astype(np.float32) - lo) * 255.0 / (hi - lo), 0, 255).astype(np.uint8)
                width = max(3, int(round(cut.shape[1] * GLYPH_H / cut.shape[0])))
                out.append(Glyph(cv2.resize(cut, (width, GLYPH_H), interpolation=cv2.INTER_AREA),
                                 char, _source(p.path, p.kind)))
            break
        if k % 50 == 0:
            print(f"  glyphs: {k}/{len(photos)} photos, {len(out)} glyphs", flush=True)
    images = np.empty(len(out), dtype=object)
    images[:] = [g.image for g in out]
    np.savez_compressed(cache, images=images,
                        chars=np.array([g.char for g in out]), sources=np.array([g.source for g in out]))
    return out


def pools(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped by source; only sources with enough distinct characters to vary."""
    by: dict[str, list[Glyph]] = {}
    for g in glyphs:
        by.setdefault(g.source, []).append(g)
    return [p for p in by.values() if len({g.char for g in p}) >= 6]


def collage_line(pool: list[Glyph], rng: random.Random) -> tuple[np.ndarray, str]:
    """A new plate line of 5-7 glyphs drawn from one source, with its label."""
    n = rng.randint(5, 7)
    picks = [rng.choice(pool) for _ in range(n)]
    gap = rng.uniform(0.06, 0.22) * GLYPH_H
    split = rng.randint(2, n - 2) if rng.random() < 0.4 else -1
    pad_x, pad_y = rng.randint(6, 20), rng.randint(6, 16)
    width = int(sum(g.image.shape[1] for g in picks) + gap * (n - 1) + 2 * pad_x
                + (0.5 * GLYPH_H if split > 0 else 0))
    bg, fg = rng.randint(175, 255), rng.randint(0, 80)
    canvas = np.full((GLYPH_H + 2 * pad_y, width), 255, np.uint8)
    x = pad_x
    for i, g in enumerate(picks):
        if i == split:
            x += int(0.5 * GLYPH_H)  # the gap some plates leave between the halves
        w = g.image.shape[1]
        canvas[pad_y: pad_y + GLYPH_H, x: x + w] = np.minimum(canvas[pad_y: pad_y + GLYPH_H, x: x + w], g.image)
        x += int(w + gap)
    # Glyphs were stretched to 0..255: map to this plate's ink and background.
    out = (fg + canvas.astype(np.float32) * (bg - fg) / 255.0).astype(np.uint8)
    if rng.random() < 0.15:
        out = 255 - out
    return out, "".join(g.char for g in picks)
