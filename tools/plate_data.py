"""The plate photos under ../shared/data/plates, with a fixed training/validation split.

The split is by a hash of the file name, so it never changes and does not depend on the
order files are listed in: a photo is in the validation split if the first 8 hex digits
of SHA-1("plates-v1:" + name) modulo 100 are below 40. Accuracy is reported on
validation photos; a recogniser is only ever trained on the training split.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLATES = REPO / ".." / "shared" / "data" / "plates"
VALIDATION_PERCENT = 40


# Ground truth that the photo itself contradicts, with what the plate shows. Benchmarks
# score against the ground truth as given, and print a second figure with these read.
DISPUTED = {
    # A Washington plate, letters then digits; its first character is a B at every size.
    "wts-lg-000085.jpg": "BDJ0529",
    # Sample plates whose ground truth is a single 0: they show 00000, and Maryland's shows
    # 0000 after a stacked RTR.
    "vt268.png": "00000",
    "vt315.png": "00000",
    "md178.png": "0000",
}


@dataclass(frozen=True)
class PlatePhoto:
    path: Path
    plate: str
    box: tuple[int, int, int, int] | None  # plate box in a scene; None for a crop
    kind: str  # "scene" or "crop"

    @property
    def split(self) -> str:
        return split_of(self.path.name)

    @property
    def shown(self) -> str:
        """The plate as the photo shows it: the ground truth unless DISPUTED."""
        return DISPUTED.get(self.path.name, self.plate)


def split_of(name: str) -> str:
    digest = hashlib.sha1(f"plates-v1:{name}".encode()).hexdigest()
    return "val" if int(digest[:8], 16) % 100 < VALIDATION_PERCENT else "train"


def scenes(root: Path = PLATES) -> list[PlatePhoto]:
    out = []
    for txt in sorted((root / "openalpr-us-scenes").glob("*.txt")):
        name, x, y, w, h, plate = txt.read_text().strip().split("\t")[:6]
        out.append(PlatePhoto(txt.parent / name, plate, (int(x), int(y), int(w), int(h)), "scene"))
    return out


def crops(root: Path = PLATES) -> list[PlatePhoto]:
    folder = root / "openalpr-us-crops"
    with open(folder / "groundtruth.csv", newline="") as f:
        return [PlatePhoto(folder / r["file"], r["plate"], None, "crop") for r in csv.DictReader(f)]
