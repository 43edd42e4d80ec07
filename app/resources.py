"""The one place that knows where shipped files live, in a checkout or a PyInstaller bundle."""
from __future__ import annotations

import sys
from pathlib import Path


def root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def path(relative: str) -> Path:
    found = root() / relative
    if not found.exists():
        raise FileNotFoundError(f"shipped resource missing: {relative}")
    return found


def text(relative: str) -> str:
    return path(relative).read_text(encoding="utf-8")
