"""Draw Plate Desk's icon: a licence plate under a magnifying glass, in the app's colours.

Writes resources/icons/platedesk.png (256 px, the window icon and the Linux desktop
icon) and installer/platedesk.ico (16-256 px, for the Windows executable and Inno
Setup). Both outputs are committed; run this again only to change the drawing:

    .venv/bin/python installer/make_icon.py

Shapes only, no font: the output must not depend on the fonts of the machine that draws it.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[1]
PNG = REPO / "resources" / "icons" / "platedesk.png"
ICO = REPO / "installer" / "platedesk.ico"

RAIL = "#1d2838"  # app/ui/theme.py: the navigation rail
ACCENT = "#2a5d9f"
LENS = "#6ea8fe"  # the selected navigation item's marker
PLATE = "#f7f9fb"
INK = "#1d2838"

SCALE = 4  # draw large, then shrink: Pillow's shapes have no anti-aliasing of their own
SIZE = 256 * SCALE
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def _box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    """A box given in 256-px units, at drawing scale."""
    return (round(x0 * SCALE), round(y0 * SCALE), round(x1 * SCALE), round(y1 * SCALE))


def draw() -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle(_box(8, 8, 248, 248), radius=48 * SCALE, fill=RAIL)

    # The plate: white, an accent band on top, four heavy "characters".
    pen.rounded_rectangle(_box(28, 62, 200, 160), radius=14 * SCALE, fill=PLATE)
    pen.rounded_rectangle(_box(28, 62, 200, 82), radius=14 * SCALE, fill=ACCENT,
                          corners=(True, True, False, False))
    for left in (44, 82, 120, 158):
        pen.rounded_rectangle(_box(left, 96, left + 26, 146), radius=5 * SCALE, fill=INK)

    # The magnifier over the plate's lower right corner: a ring, a faint glass, a handle.
    centre, outer, ring = (170, 162), 50, 13
    cx, cy = centre
    glass = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ImageDraw.Draw(glass).ellipse(_box(cx - outer, cy - outer, cx + outer, cy + outer),
                                  fill=(110, 168, 254, 70))
    image.alpha_composite(glass)
    pen.ellipse(_box(cx - outer, cy - outer, cx + outer, cy + outer), outline=LENS, width=ring * SCALE)
    pen.line([(round((cx + 36) * SCALE), round((cy + 36) * SCALE)),
              (round(226 * SCALE), round(222 * SCALE))], fill=LENS, width=22 * SCALE)
    pen.ellipse(_box(226 - 11, 222 - 11, 226 + 11, 222 + 11), fill=LENS)
    return image


def main() -> None:
    big = draw()
    icon = big.resize((256, 256), Image.LANCZOS)
    PNG.parent.mkdir(parents=True, exist_ok=True)
    icon.save(PNG, optimize=True)
    icon.save(ICO, sizes=ICO_SIZES)
    print(f"wrote {PNG.relative_to(REPO)} and {ICO.relative_to(REPO)}")


if __name__ == "__main__":
    main()
