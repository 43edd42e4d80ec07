"""Typed settings and paths. Department-wide settings live in the database instead."""
from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict, dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "PlateDesk"
SETTINGS_FILE = "settings.json"


def default_data_dir() -> Path:
    override = os.environ.get("PLATE_DESK_DATA_DIR")
    return Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


@dataclass
class Settings:
    """This workstation's preferences. Never holds a password: that is in the keyring."""

    data_dir: Path
    db_url: str = ""
    image_dir: str = ""
    idle_lock_minutes: int = 30
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    workstation: str = field(default_factory=socket.gethostname)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        if not self.db_url:
            self.db_url = sqlite_url(self.data_dir / "platedesk.db")
        if not self.image_dir:
            self.image_dir = str(self.data_dir / "images")
        # Settable lower, never higher than the policy's 30 minutes.
        self.idle_lock_minutes = max(1, min(30, int(self.idle_lock_minutes)))

    @property
    def is_embedded(self) -> bool:
        return self.db_url.startswith("sqlite")

    @classmethod
    def load(cls, data_dir: Path | None = None, db_url: str | None = None) -> "Settings":
        data_dir = Path(data_dir) if data_dir else default_data_dir()
        stored: dict = {}
        try:
            stored = json.loads((data_dir / SETTINGS_FILE).read_text())
        except (FileNotFoundError, ValueError):
            pass
        known = {k: v for k, v in stored.items() if k in cls.__dataclass_fields__ and k != "data_dir"}
        settings = cls(data_dir=data_dir, **known)
        if db_url:
            settings.db_url = db_url
        return settings

    def save(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        body = asdict(self)
        body.pop("data_dir")
        (self.data_dir / SETTINGS_FILE).write_text(json.dumps(body, indent=2))
