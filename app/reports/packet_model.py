"""The plain data an evidence packet is drawn from; the packet service fills it in."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path

CLETS_NOTICE = ("An ALPR read is not by itself grounds for enforcement action. If practicable, verify the "
                "plate and its status through the California Law Enforcement Telecommunications System "
                "(CLETS) before taking enforcement action based on an ALPR read (Policy 424.3(f)).")
CONFIDENTIAL = "CONFIDENTIAL: ALPR data for official use only (Policy 424.6)"


@dataclass(frozen=True)
class Camera:
    """A fixed camera, drawn on the small maps when it is near a read."""

    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class PacketImage:
    """An image of a read: its file in the packet (None when not stored) and why not."""

    name: str | None = None        # path inside the bag's data/ folder
    path: Path | None = None       # where the file is now, to draw it
    sha256: str | None = None
    note: str = ""                 # shown instead of the image


@dataclass(frozen=True)
class PacketRead:
    number: int                    # 1-based position in the packet
    read_id: int
    plate: str
    plate_as_read: str
    corrected_text: str | None
    state: str | None
    captured_at: datetime          # naive UTC
    lat: float
    lon: float
    source: str
    source_kind: str
    confidence: float
    scene: PacketImage
    crop: PacketImage
    video_sha256: str | None = None
    frame: int | None = None
    t_video_s: float | None = None
    hold_placed_by: str = ""
    hold_placed_at: datetime | None = None
    hold_reason: str = ""

    @property
    def shown_plate(self) -> str:
        return self.corrected_text or self.plate


@dataclass(frozen=True)
class PacketFile:
    name: str                      # path inside the bag, e.g. data/images/read-12-plate.png
    sha256: str
    size: int
    what: str = ""


@dataclass(frozen=True)
class PacketDocument:
    agency: str
    case_number: str
    case_title: str
    lead_investigator: str
    packet_id: str
    generated_by: str
    generated_at: datetime         # naive UTC
    workstation: str
    purpose: str
    reads: list[PacketRead]
    files: list[PacketFile]
    cameras: list[Camera] = field(default_factory=list)
    pdf_name: str = ""


def local_and_utc(utc: datetime, zone: tzinfo | None = None) -> tuple[str, str]:
    """('2026-10-01 01:00:00 PDT', '2026-10-01 08:00:00 UTC') for a naive-UTC time."""
    aware = utc.replace(tzinfo=timezone.utc)
    local = aware.astimezone(zone) if zone is not None else aware.astimezone()
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname() or ''}".strip(), f"{aware:%Y-%m-%d %H:%M:%S} UTC"
