"""Video and photo extraction (design card): read plates from files, review them, store them.

`ExtractionService(db, gate, images, now, engine_factory)`. The work comes in three steps,
each usable without Qt (the CLI and the tests call them directly, the GUI through its worker):

1. `hash_files(paths)` — the SHA-256 of every source file, taken before anything else reads it;
2. `extract(caller, paths, progress, cancel)` — the recognition pipeline over all the files with
   one OCR model, audited as an "extract" access (Permission.EXTRACT_VIDEO) with the files'
   hashes and the number of reads; nothing is stored;
3. `save(caller, reviewed, start, place, source_name)` — the reads the investigator kept, with
   their corrections, stored in one transaction with their evidence images, an import batch per
   file, the "extract_save" access record, one "read_corrected" record per correction, and the
   hotlist check every new read gets.

The OCR engine is built once, on first use, by `engine_factory` (EasyOCR by default: loading it
takes seconds, so the login window never waits for it).
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.data import audit_log
from app.data.db import Database
from app.data.images import ImageStore
from app.data.orm import ImportBatch, Plate, PlateRead, Source, StoredImage
from app.domain.accounts import Caller
from app.domain.audit import Outcome
from app.domain.clock import Clock
from app.domain.errors import ValidationError
from app.domain.geo import GeoPoint
from app.domain.plates import normalise_plate
from app.domain.roles import Permission
from app.jobs import Cancelled, CancelToken, Progress, ProgressCallback, no_progress
from app.recognition import ExtractedRead, recording_start
from app.recognition.media import is_video, media_files, why_unreadable
from app.recognition.metadata import recording_place
from app.services.access import Gate, facts
from app.services.search import require_purpose

try:  # the hotlist matcher, when this build has it: saved reads are checked like any other read
    from app.services.hotlists import match_new_reads
except ImportError:  # pragma: no cover - an older build without hotlists
    match_new_reads = None

EngineFactory = Callable[[], object]  # returns an app.recognition.OcrEngine
MAX_PLATE_CHARS = 16  # plates.text
LOADING_MODEL = "loading the OCR model"  # the progress message while the engine loads
_HASH_CHUNK = 1 << 22


@dataclass(frozen=True)
class SourceFile:
    """A file as opened: what it is, its SHA-256, and the start time its metadata gives."""

    path: str
    sha256: str
    kind: str  # "video" | "photo"
    size_bytes: int
    recorded_start: datetime | None  # naive UTC; None when the file does not say
    problem: str | None = None  # why it cannot be read (media.why_unreadable); such a file is skipped
    recorded_place: GeoPoint | None = None  # where the file says it was made (GPS), if it does

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass(frozen=True)
class ReviewedRead:
    """A read after review: the investigator's correction (if any) and whether to keep it."""

    read: ExtractedRead
    correction: str | None = None
    keep: bool = True

    @property
    def plate(self) -> str:
        """The plate to store: the correction when there is one, else what the OCR read."""
        return normalise_plate(self.correction) if self.correction else normalise_plate(self.read.plate)

    @property
    def corrected(self) -> bool:
        return bool(self.correction) and normalise_plate(self.correction) != normalise_plate(self.read.plate)

    @property
    def dropped(self) -> bool:
        """Unticked by the investigator: an unsure pass arrives unticked, and left so is not dropped."""
        return not self.keep and not self.read.unsure

    @property
    def unsure_not_kept(self) -> bool:
        return not self.keep and self.read.unsure


def default_engine():
    """EasyOCR with the offline weights; heavy, so imported here and built on first use."""
    from app.recognition import EasyOcrEngine

    return EasyOcrEngine()


def to_naive_utc(when: datetime) -> datetime:
    """A time as the database holds it. A naive time is taken as already UTC."""
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when


def media_start(path: str | Path) -> datetime | None:
    """The file's own start time as naive UTC (a zone-less EXIF time is the workstation's)."""
    when = recording_start(path)
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.astimezone()  # camera local time: take the workstation's zone
    return to_naive_utc(when)


def media_place(path: str | Path) -> GeoPoint | None:
    """The file's own GPS position (a phone's photo or video), or None when it does not say."""
    place = recording_place(path)
    return GeoPoint(*place) if place else None


def hash_files(paths: Iterable[str | Path], progress: ProgressCallback = no_progress,
               cancel: CancelToken | None = None) -> list[SourceFile]:
    """SHA-256 of every video and photo among `paths` (folders expanded), before anything else.

    Raises ValidationError for a path that does not exist or when no video or photo is given;
    progress counts bytes, and `cancel` is checked every 4 MB. A file that cannot be decoded
    (damaged, cut off, or not what its name says) is hashed too, as it was handed over, and
    carries the reason in `problem`: `extract` skips it and reads the others.
    """
    given = [Path(p) for p in paths]
    missing = [str(p) for p in given if not p.exists()]
    if missing:
        raise ValidationError(f"No such file or folder: {', '.join(missing)}")
    files = media_files(given)
    if not files:
        raise ValidationError("No video (mp4, avi, mov, mkv) or photo (jpg, png, …) among the files given.")
    cancel = cancel or CancelToken()
    total = sum(f.stat().st_size for f in files) or 1
    done = 0
    out: list[SourceFile] = []
    for path in files:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while block := handle.read(_HASH_CHUNK):
                digest.update(block)
                done += len(block)
                cancel.raise_if_cancelled()
                progress(Progress(done, total, f"hashing {path.name}"))
        out.append(SourceFile(str(path), digest.hexdigest(), "video" if is_video(path) else "photo",
                              path.stat().st_size, media_start(path), why_unreadable(path), media_place(path)))
    progress(Progress(total, total, "hashed"))
    return out


def _per_file(kept: Sequence[ReviewedRead], given, one: type, ask: str) -> dict:
    """`given` for the file of every kept read: one value for all, or a mapping by file."""
    files = {r.read.file for r in kept}
    if isinstance(given, one):
        return {f: given for f in files}
    if given is None:
        raise ValidationError(f"{ask}.")
    missing = sorted(Path(f).name for f in files if given.get(f) is None)
    if missing:
        raise ValidationError(f"{ask} for {', '.join(missing)}.")
    return {f: given[f] for f in files}


class ExtractionService:
    def __init__(self, db: Database, gate: Gate, images: ImageStore, now: Clock,
                 engine_factory: EngineFactory = default_engine) -> None:
        self._db = db
        self._gate = gate
        self._images = images
        self._now = now
        self._engine_factory = engine_factory
        self._engine = None
        self._warm = False
        self._engine_lock = threading.Lock()

    def engine(self):
        """The one OCR engine of this service, built on first use."""
        with self._engine_lock:
            if self._engine is None:
                self._engine = self._engine_factory()
            return self._engine

    def warm_engine(self):
        """The engine with its models loaded: a blank line read makes a lazy engine load now,
        while the user sees "loading the OCR model", not a bar stuck at 0 %."""
        engine = self.engine()
        if not self._warm:
            import numpy as np

            blank = np.full((32, 96), 255, np.uint8)
            engine.read_lines([blank])
            engine.read_marks([blank])  # the second reader, for clocks and phone numbers
            self._warm = True
        return engine

    hash_files = staticmethod(hash_files)

    # --- extraction ---------------------------------------------------------------------

    def extract(self, caller: Caller, paths: Sequence[str | Path], progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None, *, files: Sequence[SourceFile] | None = None,
                sample_fps: float = 5.0, unsure: bool = False) -> list[ExtractedRead]:
        """Read the plates of videos and photos (files or folders), one model for the whole run.

        The files are hashed first (or `files`, from an earlier `hash_files`, are used), then the
        caller is checked for Permission.EXTRACT_VIDEO, then the pipeline runs on the files that
        can be decoded (a file with a `problem` is skipped; ValidationError when none can be). A
        read whose file no longer has the hash recorded first stops the run (the file changed
        under us). The "extract" access record holds the files' hashes, the skipped files' reasons
        and the number of reads; a cancel raises Cancelled (recorded as a stopped access) and
        returns nothing. With `unsure` (the review table), a video's passes the vote could not
        settle come too, marked `unsure`, for the investigator to check (see extract_files).
        """
        cancel = cancel or CancelToken()
        files = list(files) if files is not None else hash_files(paths, cancel=cancel)
        readable = [f for f in files if not f.problem]
        if not readable:
            raise ValidationError("None of the files can be read: "
                                  + "; ".join(f"{f.name}: {f.problem}" for f in files) + ".")
        elements = {"files": [{"file": f.name, "sha256": f.sha256, "kind": f.kind}
                              | ({"skipped": f.problem} if f.problem else {}) for f in files]}
        caller = self._gate.require(caller, Permission.EXTRACT_VIDEO, action="extract", query=elements)
        expected = {str(Path(f.path).resolve()): f.sha256 for f in files}
        reads: list[ExtractedRead] = []
        try:
            from app.recognition import iter_extract

            progress(Progress(0, 1, LOADING_MODEL))
            engine = self.warm_engine()
            cancel.raise_if_cancelled()
            for read in iter_extract([f.path for f in readable], engine, progress, cancel,
                                     sample_fps=sample_fps, unsure=unsure):
                recorded = expected.get(str(Path(read.file).resolve()))
                if recorded is not None and recorded != read.file_sha256:
                    raise ValidationError(f"{Path(read.file).name} changed after it was hashed; "
                                          "open it again (chain of custody).")
                reads.append(read)
        except Cancelled:
            self._record_extract(caller, elements, Outcome.FAILED, len(reads), "cancelled by the user")
            raise
        except ValueError as exc:  # a file that passed the check at opening and then failed to decode
            self._record_extract(caller, elements, Outcome.FAILED, len(reads), str(exc)[:500])
            raise ValidationError(f"{exc}; nothing was kept from this run.") from exc
        except Exception as exc:  # the access happened even when the run failed: record it, then report
            self._record_extract(caller, elements, Outcome.FAILED, len(reads), str(exc)[:500])
            raise
        self._record_extract(caller, elements, Outcome.OK, len(reads))
        return reads

    def _record_extract(self, caller: Caller, elements: dict, outcome: Outcome, count: int,
                        detail: str = "") -> None:
        with self._db.transaction() as session:
            audit_log.append(session, facts(caller), action="extract", outcome=outcome.value, now=self._now(),
                             query=elements, result_count=count, detail=detail)

    # --- saving -------------------------------------------------------------------------

    def save(self, caller: Caller, reviewed: Sequence[ReviewedRead],
             start: datetime | Mapping[str, datetime], place: GeoPoint | Mapping[str, GeoPoint],
             source_name: str) -> list[int]:
        """Store the kept reads (all or none); return their ids in the order given.

        `start` is when the recording began (naive UTC, or aware) — one time for every file,
        or a mapping from a read's `file` to its own. Each read's time is its file's start plus
        its time in the video. `place` is where it was made — one place for every file, or a
        mapping from a read's `file` to its own (phone photos of a canvass, each where its GPS
        says). The caller's purpose and case number are required (424.5(b)). A read source of
        kind video/photo named `source_name` (reused if it exists) holds the reads; each file
        becomes an import batch carrying its SHA-256.
        """
        require_purpose(caller)
        source_name = (source_name or "").strip()
        if not source_name:
            raise ValidationError("Name the source (camera, unit or witness) the recording comes from.")
        if len(source_name) > 200:
            raise ValidationError("A source name has at most 200 characters.")
        kept = [r for r in reviewed if r.keep]
        if not kept:
            raise ValidationError("No reads are kept: there is nothing to save.")
        starts = {f: to_naive_utc(t) for f, t in _per_file(kept, start, datetime,
                                                          "Give the time the recording started").items()}
        places = _per_file(kept, place, GeoPoint, "Give the place of the recording")
        for r in kept:
            if not r.plate:
                raise ValidationError(f"A read of {Path(r.read.file).name} (frame {r.read.frame}) has no plate "
                                      "text: correct it or drop it.")
            if len(r.plate) > MAX_PLATE_CHARS:
                raise ValidationError(f"{r.plate!r} is longer than a plate ({MAX_PLATE_CHARS} characters).")
        kinds = {("video" if is_video(Path(r.read.file)) else "photo") for r in kept}
        kind = "video" if "video" in kinds else "photo"
        by_file: dict[str, list[ReviewedRead]] = {}
        for r in kept:
            by_file.setdefault(r.read.file, []).append(r)
        corrections = [r for r in kept if r.corrected]
        spots = [[places[f].lat, places[f].lon] for f in by_file]  # one place, or each file's
        elements = {
            "files": [{"file": Path(f).name, "sha256": rs[0].read.file_sha256} for f, rs in by_file.items()],
            "source": source_name,
            "at": (spots[0] if len(set(map(tuple, spots))) == 1
                   else {Path(f).name: spot for f, spot in zip(by_file, spots)}),
            "start": {Path(f).name: starts[f].isoformat() for f in by_file},
            "reads": len(kept), "corrected": len(corrections),
            # The auditor is told which of the two a read not saved was.
            "dropped": sum(r.dropped for r in reviewed),
            "unsure_not_kept": sum(r.unsure_not_kept for r in reviewed),
        }
        caller = self._gate.require(caller, Permission.EXTRACT_VIDEO, action="extract_save", query=elements)

        # The images go to the content-addressed store first: a failed transaction leaves at
        # most an unreferenced file, never a read without its evidence.
        shas = [(self._put(r.read.crop_png), self._put(r.read.frame_jpeg)) for r in kept]
        now = self._now()
        with self._db.transaction() as session:
            source_id = self._source(session, source_name, kind, places[kept[0].read.file])
            batches = {}
            for file, rs in by_file.items():
                batches[file] = session.execute(insert(ImportBatch).values(
                    kind="video" if is_video(Path(file)) else "photo",
                    description=f"{Path(file).name}: {len(rs)} reads, source {source_name}",
                    file_sha256=rs[0].read.file_sha256, created_by=caller.username, created_at=now,
                ).returning(ImportBatch.id)).scalar_one()
            stored: set[str] = set()  # reads of one photo share its frame
            for (crop, frame), r in zip(shas, kept):
                for sha, data, media in ((crop, r.read.crop_png, "image/png"), (frame, r.read.frame_jpeg, "image/jpeg")):
                    if sha and sha not in stored and session.get(StoredImage, sha) is None:
                        session.add(StoredImage(sha256=sha, media_type=media, size_bytes=len(data), created_at=now))
                    stored.add(sha)
            session.flush()
            ids: list[int] = []
            for (crop, frame), r in zip(shas, kept):
                read = r.read
                machine = normalise_plate(read.plate)[:32] or read.ocr_text[:32]
                ids.append(session.execute(insert(PlateRead).values(
                    plate_id=self._plate(session, r.plate), plate_as_read=machine,
                    corrected_text=r.plate if r.corrected else None, state=None,
                    confidence=float(read.confidence),
                    captured_at=starts[read.file] + timedelta(seconds=float(read.t_video_s)),
                    lat=places[read.file].lat, lon=places[read.file].lon, source_id=source_id,
                    image_sha256=frame or None, crop_sha256=crop or None, batch_id=batches[read.file], video_sha256=read.file_sha256,
                    frame=int(read.frame), t_video_s=float(read.t_video_s),
                ).returning(PlateRead.id)).scalar_one())
            record = facts(caller)
            audit_log.append(session, record, action="extract_save", outcome=Outcome.OK.value, now=now,
                             query=elements, result_count=len(ids),
                             detail=f"{len(ids)} reads saved, {len(corrections)} corrected, "
                                    f"{elements['dropped']} dropped"
                                    + (f", {elements['unsure_not_kept']} unsure not kept"
                                       if elements["unsure_not_kept"] else ""))
            for read_id, r in zip(ids, kept):
                if r.corrected:
                    audit_log.append(session, record, action="read_corrected", outcome=Outcome.OK.value, now=now,
                                     query={"read_id": read_id, "file_sha256": r.read.file_sha256,
                                            "frame": r.read.frame, "ocr_text": r.read.ocr_text,
                                            "plate_as_read": normalise_plate(r.read.plate), "correction": r.plate},
                                     result_count=1,
                                     detail=f"{normalise_plate(r.read.plate) or r.read.ocr_text} corrected to {r.plate}")
            if match_new_reads is not None:
                match_new_reads(session, ids, now)
        return ids

    def _put(self, data: bytes) -> str:
        return self._images.put(data) if data else ""

    @staticmethod
    def _source(session: Session, name: str, kind: str, place: GeoPoint) -> int:
        existing = session.scalar(select(Source.id).where(Source.name == name))
        if existing is not None:
            return existing
        return session.execute(insert(Source).values(
            name=name, kind=kind, lat=place.lat, lon=place.lon,
            description=f"{kind} file extraction",
        ).returning(Source.id)).scalar_one()

    @staticmethod
    def _plate(session: Session, text: str) -> int:
        existing = session.scalar(select(Plate.id).where(Plate.text == text))
        if existing is not None:
            return existing
        return session.execute(insert(Plate).values(text=text).returning(Plate.id)).scalar_one()
