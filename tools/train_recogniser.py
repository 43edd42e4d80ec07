"""Fine-tune EasyOCR's english_g2 recogniser on plate lines, on the CPU.

    nice -n 10 .venv/bin/python tools/train_recogniser.py --steps 600 --threads 1

Training data, never from the validation split (tools/plate_data.py):
  * real plate lines: every training photo (crops and scenes) goes through the app's own
    line finder; the line the stock model reads closest to the ground truth (inside the
    annotated box, for scenes) is cut out exactly as the pipeline cuts it, and labelled
    with the ground truth. Each is re-degraded at random every time it is drawn: smaller
    (down to ~10 px glyphs), blurred, moved, noisier, JPEG-compressed, tilted.
  * synthetic lines: random serials in plate layouts, rendered in condensed sans fonts,
    dark on light and light on dark, with the same degradations. They teach characters
    and layouts the ~250 real training plates do not show. With --confusable, that share
    of them is drawn mostly from look-alike characters (B/8/5/S, O/0/Q/D, 1/I/L, 2/Z,
    6/G), the recogniser's remaining errors.
  * video lines (--video, --video-share): lines the pipeline cut from generated clips of
    training scenes, as video degraded them (tools/video_lines.py); drawn as they are.
Continue from the shipped weights with --init; --cache takes several line caches (e.g. one
cut before and one after a line-finder change).
The network keeps EasyOCR's architecture and alphabet, so the app loads it with
`EasyOcrEngine` in place of the stock weights (resources/ocr/plate_g2.pth, float32).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.recognition.detect import crop_line, find_text_lines  # noqa: E402
from app.recognition.ocr import LINE_HEIGHT, EasyOcrEngine  # noqa: E402
from tools.plate_data import crops, scenes  # noqa: E402
from tools.plate_glyphs import collage_line, harvest, pools  # noqa: E402

OUT = ROOT / "resources" / "ocr" / "plate_g2.pth"
WIDTH = 224
FONTS = [p for p in (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed-Bold.ttf",
) if Path(p).is_file()]
# Look-alike groups: a "confusable" serial takes most of its characters from these, so
# each batch holds many lines whose only difference from another line is such a glyph.
CONFUSABLE_LETTERS = "BSODQILZGE"
CONFUSABLE_DIGITS = "8502161"
LAYOUTS = ("DLLLDDD", "LLLDDDD", "LLLDDD", "DDDLLL", "LLDDDD", "DDDDLL", "DLLDDD",
           "LLDLLD", "DDDLLLL", "LLDDDDD", "LLLLLL", "LLLLL", "DDDDDDD", "LDDDDD", "LLLLDD")


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def real_lines(engine: EasyOcrEngine, cache: Path) -> list[tuple[np.ndarray, str]]:
    """(grey line, label) for training photos, cut as the pipeline cuts them."""
    if cache.is_file():
        return load_lines(cache)
    out = []
    photos = [p for p in scenes() + crops() if p.split == "train" and len(p.plate) >= 4]
    for k, p in enumerate(photos):
        gray = cv2.imread(str(p.path), cv2.IMREAD_GRAYSCALE)
        lines = find_text_lines(gray)
        if p.box is not None:
            x, y, w, h = p.box
            lines = [l for l in lines if x - 5 <= l.x + l.w / 2 <= x + w + 5 and y - 5 <= l.y + l.h / 2 <= y + h + 5]
        lines = lines[:8]
        if not lines:
            continue
        images = [crop_line(gray, l, masked=m) for l in lines for m in (True, False)]
        reads = engine.read_lines(images)
        best = min(range(len(images)), key=lambda i: (_distance(reads[i].text, p.plate), -lines[i // 2].glyph_h))
        if _distance(reads[best].text, p.plate) > max(2, len(p.plate) // 2):
            continue  # the line finder missed this plate: its label would be wrong
        line = lines[best // 2]
        for m in (True, False):
            out.append((crop_line(gray, line, masked=m), p.plate))
        if k % 50 == 0:
            print(f"  real lines: {k}/{len(photos)} photos, {len(out)} lines", flush=True)
    np.savez_compressed(cache, images=np.array([o[0] for o in out], dtype=object),
                        labels=np.array([o[1] for o in out]))
    return out


def load_lines(cache: Path) -> list[tuple[np.ndarray, str]]:
    """(grey line, label) pairs of a line cache (this tool's or tools/video_lines.py's)."""
    data = np.load(cache, allow_pickle=True)
    return list(zip(data["images"], data["labels"]))


def _serial(layout: str, rng: random.Random, confusable: bool) -> str:
    out = []
    for c in layout:
        if confusable and rng.random() < 0.7:
            out.append(rng.choice(CONFUSABLE_LETTERS if c == "L" else CONFUSABLE_DIGITS))
        else:
            out.append(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ" if c == "L" else "0123456789"))
    return "".join(out)


def synthetic_line(rng: random.Random, confusable: bool = False,
                   clutter: bool = False, open_four: bool = False) -> tuple[np.ndarray, str]:
    from PIL import Image, ImageDraw, ImageFont

    layout = rng.choice(LAYOUTS)
    text = _serial(layout, rng, confusable)
    if open_four:  # at least one 4, where the layout has a digit
        digits = [i for i, c in enumerate(layout) if c == "D"]
        if digits and "4" not in text:
            i = rng.choice(digits)
            text = text[:i] + "4" + text[i + 1:]
    shown = text
    # Random draws only where a line needs them, in the order they were always made: a run
    # without --clutter draws the same lines as before the option existed.
    cut, gap = 0, ""
    if clutter and rng.random() < 0.3:  # room for an emblem between the halves (heron, orange)
        cut, gap = rng.randint(2, len(text) - 2), "   "
    elif rng.random() < 0.4:  # a gap, a dash or a dot between the halves, as many plates print
        cut = rng.randint(2, len(text) - 2)
        gap = rng.choice([" ", "-", "  ", "·"])
    if gap:
        shown = text[:cut] + gap + text[cut:]
    font = ImageFont.truetype(rng.choice(FONTS), rng.randint(44, 60))
    if "·" in shown and font.path in _NO_MIDDLE_DOT:
        shown = shown.replace("·", "-")
    stroke = rng.choice([0, 0, 1, 2]) if clutter else 0  # bolder strokes, as some states print
    left, top, right, bottom = font.getbbox(shown, stroke_width=stroke)
    pad_x, pad_y = rng.randint(6, 24), rng.randint(6, 18)
    if clutter:  # room at the ends for a symbol or the plate's frame
        pad_x = rng.randint(14, 60)
    bg, fg = (rng.randint(170, 255), rng.randint(0, 90))
    if rng.random() < 0.15:
        bg, fg = fg, bg
    img = Image.new("L", (right - left + 2 * pad_x, bottom - top + 2 * pad_y), bg)
    draw = ImageDraw.Draw(img)
    if clutter:
        _clutter(draw, rng, img.size, (pad_x, pad_y, pad_x + right - left, pad_y + bottom - top),
                 font, shown, cut, gap, bg, fg)
    draw.text((pad_x - left, pad_y - top), shown, fill=fg, font=font, stroke_width=stroke, stroke_fill=fg)
    if open_four:
        _open_fours(draw, rng, font, shown, (pad_x - left, pad_y - top), stroke, bg, fg)
    arr = np.asarray(img)
    # Squash horizontally: plate fonts are narrower than these.
    arr = cv2.resize(arr, (int(arr.shape[1] * rng.uniform(0.6, 0.95)), arr.shape[0]))
    return arr, text


def _has_glyph(font, ch: str) -> bool:
    """Does the font draw `ch`, rather than its missing-glyph box?"""
    def mask(c: str) -> tuple:
        m = font.getmask(c)
        return m.size, bytes(np.array(m))
    return mask(ch) != mask("\u4e00")


# Added faces that lack the middle dot some plates print between the halves: a dash there.
_NO_MIDDLE_DOT: set[str] = set()


def add_fonts(folder: Path) -> list[str]:
    """More typefaces for the synthetic lines: every TrueType file in `folder` that draws
    all plate characters (e.g. the condensed sans faces of the trdg wheel)."""
    from PIL import ImageFont

    added = []
    for path in sorted(folder.glob("*.ttf")):
        font = ImageFont.truetype(str(path), 40)
        if all(_has_glyph(font, c) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"):
            FONTS.append(str(path))
            added.append(path.name)
            if not _has_glyph(font, "·"):
                _NO_MIDDLE_DOT.add(str(path))
    return added


def _clutter(draw, rng: random.Random, size: tuple[int, int], text_box: tuple[int, int, int, int],
             font, shown: str, cut: int, gap: str, bg: int, fg: int) -> None:
    """What real plate lines hold beside the number and is not part of it: a symbol at
    an end (wheelchair, emblem), the plate's frame close to the first or last glyph, an
    emblem in the gap between the halves, a faint picture behind the characters. The
    label stays the serial alone, so the network learns to give these no character."""
    w, h = size
    x0, y0, x1, y1 = text_box
    gh = y1 - y0
    mid = (fg + bg) // 2
    if rng.random() < 0.3:  # a faint picture behind: hills, a sun, a bird's shape
        for _ in range(rng.randint(1, 3)):
            cx, cy, r = rng.randint(0, w), rng.randint(0, h), rng.randint(gh // 3, gh)
            shade = int(bg + (fg - bg) * rng.uniform(0.15, 0.35))
            draw.ellipse((cx - r, cy - r // 2, cx + r, cy + r // 2), fill=shade)
    for end in ("left", "right"):
        room = x0 if end == "left" else w - x1
        if room < 10 or rng.random() < 0.55:
            continue
        kind = rng.random()
        if kind < 0.4:  # the plate's frame or edge, a few pixels from the glyph
            bar = rng.randint(2, max(3, gh // 8))
            at = rng.randint(2, max(3, room // 3))
            x = x0 - at - bar if end == "left" else x1 + at
            draw.rectangle((x, 0, x + bar, h), fill=rng.choice([fg, mid]))
        else:  # a symbol: wheelchair, an emblem, a small stacked state mark
            s = rng.randint(gh // 2, gh)
            cx = x0 - room // 2 if end == "left" else x1 + room // 2
            cy = rng.randint(y0 + s // 2, max(y0 + s // 2 + 1, y1 - s // 2))
            colour = rng.choice([fg, mid])
            if kind < 0.7:  # wheelchair: head, seat, wheel
                r = s // 2
                draw.ellipse((cx - r // 5, cy - r, cx + r // 5, cy - r + 2 * (r // 5)), fill=colour)
                draw.arc((cx - r, cy - r // 3, cx + r // 2, cy + r), 90, 360, fill=colour, width=max(2, s // 10))
                draw.line((cx, cy - r // 2, cx, cy + r // 4, cx + r // 2, cy + r // 4), fill=colour,
                          width=max(2, s // 10))
            else:  # a blob emblem: an irregular polygon
                pts = [(cx + s / 2 * np.cos(a) * rng.uniform(0.5, 1.0), cy + s / 2 * np.sin(a) * rng.uniform(0.5, 1.0))
                       for a in np.linspace(0, 2 * np.pi, rng.randint(5, 9), endpoint=False)]
                draw.polygon(pts, fill=colour)
    if gap == "   ":  # an emblem in the gap, touching the glyphs beside it at times
        before = font.getbbox(shown[:cut])[2]
        gx = x0 + before + (font.getbbox(shown[:cut + 3])[2] - before) // 2
        s = rng.randint(gh // 2, int(gh * 1.1))
        colour = rng.choice([fg, mid, int(bg * 0.6)])
        draw.ellipse((gx - s // 2, (y0 + y1) // 2 - s // 2, gx + s // 2, (y0 + y1) // 2 + s // 2), fill=colour)


def _open_fours(draw, rng: random.Random, font, shown: str, origin: tuple[int, int], stroke: int,
                bg: int, fg: int) -> None:
    """Redraw every 4 of the line open at the top, as California's plates print it.

    California's typeface draws a 4 whose slanted arm never meets the stem; the stock
    fonts close it, and the recogniser learnt to read the open one as L or A, or to drop
    it when it stands first (4KBZ265 read KBZ265)."""
    ox, oy = origin
    heavy = 0.15 if "Bold" in font.path else 0.1
    x0, y0, x1, y1 = font.getbbox("4", stroke_width=stroke)
    for i, c in enumerate(shown):
        if c != "4":
            continue
        dx = ox + font.getlength(shown[:i])
        bx0, by0, bx1, by1 = dx + x0, oy + y0, dx + x1, oy + y1
        draw.rectangle((bx0, by0, bx1, by1), fill=bg)
        w, h = bx1 - bx0, by1 - by0
        sw = max(2, round(h * heavy) + 2 * stroke)
        bar = by0 + h * rng.uniform(0.6, 0.72)
        stem = bx0 + w * rng.uniform(0.62, 0.74)
        arm_top = bx0 + w * rng.uniform(0.0, 0.3)
        draw.line((arm_top + sw / 2, by0, bx0 + sw / 2, bar), fill=fg, width=sw)
        draw.rectangle((bx0, bar - sw / 2, bx1, bar + sw / 2), fill=fg)
        draw.rectangle((stem - sw / 2, by0 + h * rng.uniform(0.0, 0.12), stem + sw / 2, by1), fill=fg)


def degrade(img: np.ndarray, rng: random.Random, perspective: bool = False) -> np.ndarray:
    h, w = img.shape[:2]
    if rng.random() < 0.7:  # small in the frame: down to ~10 px glyphs, then back up
        target = rng.uniform(11, 40)
        f = min(1.0, target / h)
        img = cv2.resize(img, (max(8, int(w * f)), max(8, int(h * f))), interpolation=cv2.INTER_AREA)
    if rng.random() < 0.4:
        k = rng.choice([3, 5])
        img = cv2.GaussianBlur(img, (k, k), 0)
    if rng.random() < 0.3:  # horizontal motion blur
        n = rng.randint(2, 5)
        img = cv2.filter2D(img, -1, np.ones((1, n), np.float32) / n)
    if rng.random() < 0.3:
        angle = rng.uniform(-4, 4)
        m = cv2.getRotationMatrix2D((img.shape[1] / 2, img.shape[0] / 2), angle, 1.0)
        img = cv2.warpAffine(img, m, (img.shape[1], img.shape[0]), borderMode=cv2.BORDER_REPLICATE)
    if perspective and rng.random() < 0.3:  # a plate seen from the side or from above
        h, w = img.shape[:2]
        src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        dx, dy = 0.06 * w, 0.1 * h
        dst = src + np.float32([[rng.uniform(-dx, dx), rng.uniform(-dy, dy)] for _ in range(4)])
        img = cv2.warpPerspective(img, cv2.getPerspectiveTransform(src, dst), (w, h),
                                  borderMode=cv2.BORDER_REPLICATE)
    if perspective and rng.random() < 0.2:  # washed out or in shadow: squeeze the contrast
        lo, hi = rng.uniform(0, 90), rng.uniform(150, 255)
        img = (lo + img.astype(np.float32) * (hi - lo) / 255.0).astype(np.uint8)
    if rng.random() < 0.5:
        img = np.clip(img.astype(np.float32) * rng.uniform(0.6, 1.2) + rng.uniform(-30, 30)
                      + np.random.normal(0, rng.uniform(0, 8), img.shape), 0, 255).astype(np.uint8)
    if rng.random() < 0.4:
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(20, 70)])
        img = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return img


def to_tensor_row(img: np.ndarray) -> np.ndarray:
    h, w = img.shape[:2]
    width = min(WIDTH, max(16, int(round(w * LINE_HEIGHT / h))))
    interp = cv2.INTER_AREA if h > LINE_HEIGHT else cv2.INTER_CUBIC
    r = cv2.resize(img, (width, LINE_HEIGHT), interpolation=interp).astype(np.float32)
    row = np.empty((LINE_HEIGHT, WIDTH), np.float32)
    row[:, :width] = r
    row[:, width:] = r[:, -1:]
    return (row / 255.0 - 0.5) / 0.5


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--batch", type=int, default=24)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--synthetic", type=float, default=0.4, help="share of synthetic lines per batch")
    ap.add_argument("--confusable", type=float, default=0.0,
                    help="share of synthetic lines drawn mostly from look-alike characters")
    ap.add_argument("--collage", type=float, default=0.0,
                    help="share of lines set from real training glyphs in new orders (tools/plate_glyphs.py)")
    ap.add_argument("--glyphs", type=Path, default=Path("/tmp/plate-desk-train-glyphs.npz"),
                    help="glyph cache for --collage (built from the training split if missing)")
    ap.add_argument("--clutter", type=float, default=0.0,
                    help="share of synthetic lines with a symbol, frame edge or picture beside the serial")
    ap.add_argument("--open-four", type=float, default=0.0,
                    help="share of synthetic lines whose 4s are drawn open at the top (California)")
    ap.add_argument("--perspective", action="store_true", help="add perspective and low-contrast degradations")
    ap.add_argument("--cosine", action="store_true", help="decay the learning rate to zero by the last step")
    ap.add_argument("--cache", type=Path, nargs="+", default=[Path("/tmp/plate-desk-train-lines.npz")],
                    help="line caches (built from the training split if missing); all are used")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--init", type=Path, default=None, help="continue from these weights instead of stock")
    ap.add_argument("--video", type=Path, nargs="*", default=[],
                    help="line caches cut from clips of training scenes (tools/video_lines.py)")
    ap.add_argument("--video-share", type=float, default=0.0,
                    help="share of each batch drawn from --video lines, used as video degraded them")
    ap.add_argument("--fonts", type=Path, default=None,
                    help="a folder of more TrueType faces for the synthetic lines")
    args = ap.parse_args(argv)
    if args.fonts is not None:
        print(f"fonts added: {', '.join(add_fonts(args.fonts))}", flush=True)

    import torch
    import easyocr
    import easyocr_en_models

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    np.random.seed(args.seed)

    stock = EasyOcrEngine(weights=None, threads=args.threads)
    lines = [line for cache in args.cache for line in real_lines(stock, cache)]
    print(f"{len(lines)} real training lines", flush=True)
    video_lines = [line for cache in args.video for line in load_lines(cache)]
    if video_lines:
        print(f"{len(video_lines)} video lines of {len({t for _, t in video_lines})} plates", flush=True)
    glyph_pools = pools(harvest(EasyOcrEngine(threads=args.threads), args.glyphs)) if args.collage else []

    reader = easyocr.Reader(["en"], gpu=False, model_storage_directory=easyocr_en_models.model_dir(),
                            download_enabled=False, detector=False, verbose=False, quantize=False)
    model = reader.recognizer
    if args.init is not None:
        model.load_state_dict(torch.load(args.init, map_location="cpu", weights_only=True))
    index = {c: i for i, c in enumerate(reader.converter.character)}
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.steps) if args.cosine else None
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    t0 = time.time()
    running = None
    for step in range(1, args.steps + 1):
        batch, labels = [], []
        for _ in range(args.batch):
            if video_lines and rng.random() < args.video_share:
                # Already degraded as video degrades a plate: not degraded again.
                img, text = video_lines[rng.randrange(len(video_lines))]
                batch.append(to_tensor_row(img))
                labels.append(text)
                continue
            draw = rng.random()
            if draw < args.synthetic or not lines:
                img, text = synthetic_line(rng, rng.random() < args.confusable,
                                           args.clutter > 0 and rng.random() < args.clutter,
                                           args.open_four > 0 and rng.random() < args.open_four)
            elif draw < args.synthetic + args.collage:
                img, text = collage_line(rng.choice(glyph_pools), rng)
            else:
                img, text = lines[rng.randrange(len(lines))]
            batch.append(to_tensor_row(degrade(img, rng, args.perspective)))
            labels.append(text)
        x = torch.from_numpy(np.stack(batch)[:, None])
        logits = model(x, None).log_softmax(2).permute(1, 0, 2)  # (T, N, C)
        targets = torch.tensor([index[c] for t in labels for c in t], dtype=torch.long)
        lengths = torch.tensor([len(t) for t in labels], dtype=torch.long)
        loss = ctc(logits, targets, torch.full((len(labels),), logits.shape[0], dtype=torch.long), lengths)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        if sched is not None:
            sched.step()
        running = loss.item() if running is None else 0.95 * running + 0.05 * loss.item()
        if step % 25 == 0:
            print(f"step {step}: loss {running:.3f} ({(time.time() - t0) / step:.2f} s/step)", flush=True)
        if step % 200 == 0 or step == args.steps:
            model.eval()
            args.out.parent.mkdir(parents=True, exist_ok=True)
            torch.save(model.state_dict(), args.out)
            model.train()
    print(f"saved {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) after {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
