"""The case the user-guide screenshots tell, staged on top of the ordinary demo data.

Two night-time burglaries in Glendora; a witness saw part of a plate. A handful of reads
are added to the demo reads so that every page of the guide has something to find:
a suspect vehicle seen at both scenes (multi-scene canvass), a second vehicle travelling
with it (associates), a look-alike plate (partial plate search), a patrol unit's misread
(look-alike characters), and a dash-camera clip to read plates from (extraction).

Plain Python and OpenCV; the scene pictures are drawn with Qt, so a QGuiApplication must
exist. The reads go in as an ALPR import would put them: one transaction, the plate crop
and scene image in the image store, the hotlist check every new read gets.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ZONE = "America/Los_Angeles"
CLOCK_START = datetime(2026, 11, 2, 16, 30, 0)  # naive UTC: Monday 2 November 2026, 08:30 in Glendora

SUSPECT = "8KWD417"
ACCOMPLICE = "6TRS962"
LOOKALIKE = "8KWB330"
MISREAD = "8KW0417"  # the suspect's plate with D read as 0
PARTIAL = "8KW*"  # what the witness saw

CASE_NUMBER = "GPD-26-1107"
CASE_TITLE = "Residential burglaries, Foothill Blvd and Route 66"
PURPOSE = "Criminal investigation: residential burglary"

SCENE_A = "Foothill Blvd & Glendora Ave"
SCENE_B = "Route 66 & Grand Ave"
PATROL = "Patrol unit 24"
VIDEO_NAME = "dashcam-unit12.mp4"


def local(*parts: int) -> datetime:
    """A Glendora wall-clock time as the naive UTC the database holds."""
    return datetime(*parts, tzinfo=ZoneInfo(ZONE)).astimezone(timezone.utc).replace(tzinfo=None)


# The two scenes' time windows (local), for the canvass and the multi-scene screenshots.
SCENE_A_WINDOW = (datetime(2026, 10, 30, 0, 30), datetime(2026, 10, 30, 3, 0))
SCENE_B_WINDOW = (datetime(2026, 10, 31, 1, 30), datetime(2026, 10, 31, 4, 0))
CANVASS_WINDOW = (datetime(2026, 10, 29, 18, 0), datetime(2026, 10, 30, 6, 0))


@dataclass(frozen=True)
class StoryRead:
    plate: str
    at: datetime  # naive UTC
    source: str
    confidence: float = 0.93
    offset: tuple[float, float] = (0.0, 0.0)  # degrees from the camera
    place: tuple[float, float] | None = None  # a patrol unit's own position


def story_reads() -> list[StoryRead]:
    together = [  # the suspect and, a few seconds behind, the accomplice
        (local(2026, 10, 24, 10, 42, 10), "Route 66 & Lone Hill Ave", 18),
        (local(2026, 10, 28, 14, 5, 12), "Auto Centre Dr & Lone Hill Ave", 25),
        (local(2026, 10, 30, 1, 47, 5), SCENE_A, 31),
        (local(2026, 10, 31, 3, 12, 48), SCENE_B, 40),
    ]
    reads = []
    for at, source, gap in together:
        reads.append(StoryRead(SUSPECT, at, source, 0.95))
        reads.append(StoryRead(ACCOMPLICE, at + timedelta(seconds=gap), source, 0.91,
                               offset=(0.00008, -0.00011)))
    reads += [
        StoryRead(SUSPECT, local(2026, 10, 27, 9, 5, 33), "Alosta Ave & Citrus Ave", 0.94),
        StoryRead(MISREAD, local(2026, 10, 29, 22, 10, 40), PATROL, 0.63, place=(34.1391, -117.8702)),
        StoryRead(SUSPECT, local(2026, 11, 1, 11, 20, 2), "Gladstone St & Grand Ave", 0.96),
        StoryRead(SUSPECT, local(2026, 11, 2, 8, 21, 37), "Route 66 & Glendora Ave", 0.97),
        StoryRead(LOOKALIKE, local(2026, 10, 26, 8, 30, 11), "Foothill Blvd & Grand Ave", 0.92),
        StoryRead(LOOKALIKE, local(2026, 10, 29, 23, 55, 40), "Sierra Madre Ave & Glendora Ave", 0.9),
        StoryRead(LOOKALIKE, local(2026, 10, 31, 10, 5, 9), "Route 66 & Glendora Ave", 0.93),
    ]
    return reads


def stage_story(services) -> dict[str, list[int]]:
    """Add the story's reads (with crops and scene images); return their ids by plate."""
    from sqlalchemy import insert, select

    from app.data.orm import Plate, PlateRead, Source, StoredImage
    from app.services.demo_plate_image import render_plate_png
    from app.services.hotlists import match_new_reads

    ids: dict[str, list[int]] = {}
    now = services.now()
    with services.db.transaction() as session:
        def stored(data: bytes) -> str:
            sha = services.images.put(data)
            if session.get(StoredImage, sha) is None:
                session.execute(insert(StoredImage).values(sha256=sha, media_type="image/png",
                                                           size_bytes=len(data), created_at=now))
            return sha

        for read in sorted(story_reads(), key=lambda r: r.at):
            source = session.execute(select(Source).where(Source.name == read.source)).scalar_one()
            lat, lon = read.place or (source.lat + read.offset[0], source.lon + read.offset[1])
            plate_id = session.scalar(select(Plate.id).where(Plate.text == read.plate)) or session.execute(
                insert(Plate).values(text=read.plate).returning(Plate.id)).scalar_one()
            crop = stored(render_plate_png(read.plate, "CA"))
            scene = stored(scene_png(read.plate, read.source, read.at))
            read_id = session.execute(insert(PlateRead).values(
                plate_id=plate_id, plate_as_read=read.plate, state="CA", confidence=read.confidence,
                captured_at=read.at, lat=lat, lon=lon, source_id=source.id, crop_sha256=crop,
                image_sha256=scene).returning(PlateRead.id)).scalar_one()
            ids.setdefault(read.plate, []).append(read_id)
        match_new_reads(session, [i for group in ids.values() for i in group], now)
    return ids


def scene_png(plate: str, source: str, at: datetime) -> bytes:
    """A drawn stand-in for the camera's scene picture: a vehicle from behind, its plate, a caption."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter

    w, h = 480, 300
    image = QImage(w, h, QImage.Format_RGB32)
    p = QPainter(image)
    p.setRenderHint(QPainter.Antialiasing)
    sky = QLinearGradient(0, 0, 0, 150)
    sky.setColorAt(0, QColor("#28303c"))
    sky.setColorAt(1, QColor("#4b5563"))
    p.fillRect(0, 0, w, 150, sky)
    p.fillRect(0, 150, w, 150, QColor("#3a3d42"))
    p.fillRect(0, 262, w, 4, QColor("#c9c39a"))
    tint = {SUSPECT: "#4a4f57", ACCOMPLICE: "#7b1f24", MISREAD: "#4a4f57"}.get(plate, "#8a949e")
    p.setPen(Qt.NoPen)
    p.setBrush(QColor(tint))
    p.drawRoundedRect(120, 70, 240, 150, 22, 22)
    p.setBrush(QColor("#20242a"))
    p.drawRoundedRect(150, 84, 180, 52, 10, 10)
    p.setBrush(QColor("#c0392b"))
    p.drawRect(128, 150, 34, 18)
    p.drawRect(318, 150, 34, 18)
    p.setBrush(QColor("#15171a"))
    p.drawRect(130, 220, 46, 26)
    p.drawRect(304, 220, 46, 26)
    p.setBrush(QColor("#f2f2ee"))
    p.drawRect(200, 168, 80, 38)
    p.setPen(QColor("#1b2f8f"))
    p.setFont(QFont("DejaVu Sans Mono", 13, QFont.Bold))
    p.drawText(QRect(200, 172, 80, 34), Qt.AlignCenter, plate)
    p.fillRect(0, h - 24, w, 24, QColor(0, 0, 0, 170))
    p.setPen(QColor("#f4f4f0"))
    p.setFont(QFont("DejaVu Sans Mono", 8))
    stamp = at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(ZONE))
    p.drawText(QRect(8, h - 22, w - 16, 20), Qt.AlignVCenter | Qt.AlignLeft,
               f"{source.upper()}   {stamp:%Y-%m-%d %H:%M:%S %Z}")
    p.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def hotlist_csv(folder: Path) -> Path:
    """The BOLO the IS supervisor imports: the suspect's vehicle, entered today."""
    path = Path(folder) / "gpd-bolo-2026-11-02.csv"
    path.write_text(
        "plate,state,reason,reference,entered,expires,vehicle,note\n"
        f"{SUSPECT},CA,bolo,{CASE_NUMBER},2026-11-02,2026-12-02,dark grey pickup,"
        "Burglary suspect vehicle; do not stop on an ALPR hit alone\n")
    return path


def dashcam_clip(folder: Path) -> Path:
    """Three seconds of a dash camera behind two vehicles: the suspect's and the accomplice's.

    The plates are drawn in a plain typeface the plate reader reads like a real plate; the
    recording start is written into the MP4 header, as a camera would."""
    import cv2
    import numpy as np

    from app.recognition.metadata import set_mp4_creation_time

    path = Path(folder) / VIDEO_NAME
    w, h, fps, frames = 1280, 720, 25, 75
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    rng = np.random.default_rng(424)
    for i in range(frames):
        frame = np.zeros((h, w, 3), np.uint8)
        frame[: h // 2] = (96, 84, 70)
        frame[h // 2:] = (62, 62, 64)
        for k, (plate, colour, x0, y0) in enumerate(((SUSPECT, (88, 82, 76), 250, 330),
                                                     (ACCOMPLICE, (40, 36, 130), 800, 360))):
            x = int(x0 + (-1) ** k * 2.2 * i)
            y = y0 + (i // 6) % 2
            cv2.rectangle(frame, (x - 40, y - 150), (x + 300, y + 110), colour, -1)
            cv2.rectangle(frame, (x - 10, y - 130), (x + 270, y - 60), (30, 30, 34), -1)
            cv2.rectangle(frame, (x, y), (x + 230, y + 70), (236, 236, 232), -1)
            cv2.rectangle(frame, (x, y), (x + 230, y + 70), (140, 40, 40), 2)
            cv2.putText(frame, plate, (x + 12, y + 52), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (60, 30, 20), 4)
        noise = rng.integers(-4, 5, frame.shape)
        writer.write(np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8))
    writer.release()
    set_mp4_creation_time(path, local(2026, 10, 30, 1, 52, 10).replace(tzinfo=timezone.utc))
    return path
