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


@dataclass(frozen=True)
class PlatePhoto:
    path: Path
    plate: str
    box: tuple[int, int, int, int] | None  # plate box in a scene; None for a crop
    kind: str  # "scene" or "crop"

    @property
    def split(self) -> str:
        return split_of(self.path.name)


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
