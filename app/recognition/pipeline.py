"""Long work: read plates from video and photo files, one read per vehicle pass.

`extract_files` is a plain function with a progress callback and a cancel token (see
app/jobs.py): the CLI calls it directly, the GUI through its one worker adapter. It
imports no Qt and touches no database; the caller stores the reads.
"""
from __future__ import annotations

import queue
import threading
import time
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

import cv2
import numpy as np

from app.jobs import CancelToken, Progress, no_progress

from .frames import SampledFrame, VideoFrames
from .media import is_video, media_files, open_picture, sha256_file
from .metadata import recording_start
from .ocr import OcrEngine
from .reads import ExtractedRead
from .detect import TextLine, cut_by_frame, in_text_block
from .overlay import OverlayMap
from .formats import has_digit
from .plateness import plate_probability
from .still import (MAX_LINES, ImageSearch, LineRead, colour_free_lines, faint_lines, line_source, read_frame, read_lines,
                    search_image, unmarked)
from .track import MIN_PASS_CONFIDENCE, FrameRead, PlateTrack, Tracker, accept_track, lettering_beside_plate

ProgressCallback = Callable[[Progress], None]

# What a photo reports (`reported`): its most plate-like read unless that is clearly no
# plate, and other reads only when clearly read and clearly plates (another_plate).
_PHOTO_EXTRA_MIN_CONFIDENCE = 0.75
_PHOTO_EXTRA_MIN_LENGTH = 4
_PHOTO_EXTRA_MIN_PLATENESS = 0.5
_PHOTO_MIN_PLATENESS = 0.2  # for the top read, where the plate is small in the picture
_PROGRESS_INTERVAL_S = 0.1  # ~10 updates a second, as the GUI wants
_MARKS_LOOKS = 3  # sightings of a pass a general reader checks for a clock's or a date's marks
# A pass voted at this confidence or more but under accept_track's floor is offered for
# review unticked (extract_files(unsure=True)): SH0R7X voted SH04RZX at 0.62, Missouri's
# separator read as a 4 in half the frames, is then a crop the investigator can correct.
UNSURE_MIN_CONFIDENCE = 0.5
# Video lines judged less plate-like than this (plateness.plate_probability) are not read.
MIN_READ_PLATENESS = 0.1


class _Reporter:
    """Throttled progress in frames (a photo counts as one frame)."""

    def __init__(self, progress: ProgressCallback, total: int) -> None:
        self.progress = progress
        self.total = total
        self.base = 0  # frames of the files already finished
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done_in_file: int, message: str, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < _PROGRESS_INTERVAL_S:
            return
        self.last = now
        done = min(self.total, self.base + done_in_file)
        elapsed = now - self.started
        self.progress(Progress(done, self.total, message, done / elapsed if elapsed > 0 else None))


def extract_files(
    paths: Iterable[str | Path],
    engine: OcrEngine,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    *,
    sample_fps: float = 5.0,
    unsure: bool = False,
) -> list[ExtractedRead]:
    """Read plates from videos and photos (files or folders), one model for the whole run.

    Videos are sampled at about `sample_fps` analysed frames a second; reads of the same
    plate across frames are voted into one `ExtractedRead` per vehicle pass. A photo gives
    its most plate-like read plus any other clearly read plate. Progress counts frames
    (a photo is one); `cancel` is checked every frame, so a cancel stops within a second
    by raising `Cancelled`. With `unsure`, a video's passes whose vote fell short of the
    confidence floor (but that are plates by every other test) come too, marked `unsure`.
    """
    return list(iter_extract(paths, engine, progress, cancel, sample_fps=sample_fps, unsure=unsure))


def iter_extract(
    paths: Iterable[str | Path],
    engine: OcrEngine,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    *,
    sample_fps: float = 5.0,
    unsure: bool = False,
) -> Iterator[ExtractedRead]:
    """`extract_files` as a generator: reads arrive as each pass ends."""
    cancel = cancel or CancelToken()
    files = media_files(paths)
    sizes = [_frame_count(f) for f in files]
    report = _Reporter(progress, sum(sizes))
    report(0, f"{len(files)} files", force=True)
    for path, size in zip(files, sizes):
        cancel.raise_if_cancelled()
        if is_video(path):
            yield from _video_reads(path, engine, cancel, report, sample_fps, unsure)
        else:
            yield from _photo_reads(path, engine)
        report.base += size
        report(0, path.name, force=True)
    report(0, "done", force=True)


def _frame_count(path: Path) -> int:
    if not is_video(path):
        return 1
    cap = cv2.VideoCapture(str(path))
    try:
        return max(1, int(cap.get(cv2.CAP_PROP_FRAME_COUNT)))
    finally:
        cap.release()


def load_image(path: Path) -> np.ndarray | None:
    """BGR pixels of a photo, turned upright by its EXIF orientation."""
    from PIL import ImageOps

    try:
        with open_picture(path) as img:
            rgb = np.asarray(ImageOps.exif_transpose(img).convert("RGB"))
    except (OSError, ValueError, RuntimeError):
        return None
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _photo_reads(path: Path, engine: OcrEngine) -> Iterator[ExtractedRead]:
    image = load_image(path)
    if image is None:
        return
    reads = reported(read_frame(image, engine), image)
    if not reads:
        return
    sha = sha256_file(path)
    start = recording_start(path)
    frame_jpeg = _jpeg(image)
    for lr in reads:
        r = lr.reading
        yield ExtractedRead(
            file=str(path), file_sha256=sha, plate=r.plate, ocr_text=r.ocr_text,
            confidence=r.confidence, frame=0, t_video_s=0.0, box=_clip(r.box, image),
            crop_png=_png(image, r.box), frame_jpeg=frame_jpeg, recorded_start=start,
        )


def reported(reads: list[LineRead], image: np.ndarray) -> list[LineRead]:
    """What a photo's reads (most plate-like first) report: the first, unless it is clearly
    no plate, and any other read that is clearly another plate (another_plate)."""
    if not reads:
        return []
    top = reads[0]
    first = [top] if _may_be_plate(top, image) else []
    return first + [lr for lr in reads[1:] if another_plate(lr, image, top)]


def _may_be_plate(lr: LineRead, image: np.ndarray) -> bool:
    """Is a photo's most plate-like read possibly a plate at all?

    Where the number is small in the picture (a scene, glyphs under a twelfth of its height),
    text whose surroundings the learned prior all but rules out is the best of what else is
    there: on the 107 scene photos every right read had a plate probability of 0.87 or more,
    and the one read under 0.2 was a speed bump's marks (0.01) where the plate was not found.
    A rectified plate crop fills the picture, and the prior (made for scenes) does not judge it.
    """
    return lr.plateness >= _PHOTO_MIN_PLATENESS or lr.glyph_h > image.shape[0] / 12


def another_plate(lr: LineRead, image: np.ndarray, top: LineRead) -> bool:
    """Is a read beside a photo's most plate-like one (`top`) another plate, clearly read?

    What else a photo holds is mostly not plates: its own time stamp in a corner, a sign's
    words (24 HR VIDEO SURVEILLANCE), a fleet number, a fence read as letters, the year on
    the top plate's sticker. On the 107 scene photos 27 of 28 such reads were those, and one
    a second car's plate. A second plate stands clear of the picture's edge (a time stamp, a
    watermark and a plate cut by the edge do not) and of the top plate (its stickers and
    lettering sit around its number), carries a digit (letters alone are a word far more
    often than a vanity plate), and is surrounded by what the learned prior takes for a
    plate (plateness.py).
    """
    r = lr.reading
    if r.confidence < _PHOTO_EXTRA_MIN_CONFIDENCE or len(r.plate) < _PHOTO_EXTRA_MIN_LENGTH:
        return False
    if not has_digit(r.plate) or lr.plateness < _PHOTO_EXTRA_MIN_PLATENESS:
        return False
    x, y, w, h = lr.line_box
    H, W = image.shape[:2]
    margin = lr.glyph_h
    if not (x >= margin and y >= margin and x + w <= W - margin and y + h <= H - margin):
        return False
    tx, ty, tw, th = top.line_box
    g = top.glyph_h  # a plate is about two of its glyphs tall and one wider each side than its number
    cx, cy = x + w / 2, y + h / 2
    return not (tx - g <= cx <= tx + tw + g and ty - 1.2 * g <= cy <= ty + th + 1.2 * g)


def _video_reads(path: Path, engine: OcrEngine, cancel: CancelToken, report: _Reporter,
                 sample_fps: float, unsure: bool) -> Iterator[ExtractedRead]:
    sha = sha256_file(path, cancel.raise_if_cancelled)
    start = recording_start(path)
    tracker = Tracker()
    passes = _PassesBeside(tracker)
    with VideoFrames(path, sample_fps) as video:

        def each_frame() -> None:
            cancel.raise_if_cancelled()
            report(video.position, path.name)

        # Closed before the video is, however this ends (ended_tracks reads it on a thread).
        with closing(ended_tracks(video, tracker, engine, each_frame, cancel.raise_if_cancelled)) as ended:
            for closed, t_s in ended:
                for track in closed:
                    if (read := _track_read(track, engine, path, sha, start, unsure)) is not None:
                        passes.add(track, read)
                yield from passes.ready(t_s)


def ended_tracks(video: VideoFrames, tracker: Tracker, engine: OcrEngine,
                 each_frame: Callable[[], None] = lambda: None,
                 check: Callable[[], None] | None = None) -> Iterator[tuple[list[PlateTrack], float]]:
    """The tracks that ended at each analysed frame, with its video time; last, all the rest.

    `each_frame` runs before every sampled frame (cancel, progress); `check` (a cancel
    check) also between groups of one frame's lines.
    """
    overlay = OverlayMap()
    # Closed on the way out, whatever the way: the search thread must stop decoding
    # before the caller releases the video (a cancel raises out of this loop).
    with closing(searched_frames(video)) as frames:
        for sampled, search in frames:
            each_frame()
            if search is None:
                tracker.keep_alive(sampled.t_s)
                continue
            reads = read_video_frame(sampled.image, engine, overlay, check, search)
            yield tracker.update(sampled.index, sampled.t_s, reads, sampled.image), sampled.t_s
    yield tracker.close_all(), float("inf")


def searched_frames(video: Iterable[SampledFrame],
                    ahead: int = 2) -> Iterator[tuple[SampledFrame, ImageSearch | None]]:
    """The video's sampled frames, each changed one with its line search (None for the rest).

    A second thread decodes and searches up to `ahead` frames in advance while the
    caller reads this one's lines: OpenCV and torch let go of the interpreter while they
    work, so on two cores the search and the recogniser run side by side. The frames
    come in their order, and the reads are what they would be one frame after another.
    """
    done = object()
    queued: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                queued.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def search_ahead() -> None:
        try:
            for sampled in video:
                if not put((sampled, search_image(sampled.image) if sampled.changed else None)):
                    return
            put(done)
        except BaseException as exc:  # handed to the reading thread, which raises it
            put(exc)

    worker = threading.Thread(target=search_ahead, name="line-search", daemon=True)
    with _opencv_on_one_thread():
        worker.start()
        try:
            while (item := queued.get()) is not done:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            worker.join()


_opencv_users = 0
_opencv_lock = threading.Lock()
_opencv_threads_before = 0


@contextmanager
def _opencv_on_one_thread() -> Iterator[None]:
    """OpenCV without its own thread pool while a video's search and reading share the cores.

    The search thread and the recogniser keep both cores busy; OpenCV's pool spreading
    the search's work over them too only makes the threads take turns (clip 262: 15 %
    less CPU time and 5 % less wall time with one OpenCV thread). The setting is the
    process's, so it is restored when the last video being read ends.
    """
    global _opencv_users, _opencv_threads_before
    with _opencv_lock:
        if _opencv_users == 0:
            _opencv_threads_before = cv2.getNumThreads()
            cv2.setNumThreads(1)
        _opencv_users += 1
    try:
        yield
    finally:
        with _opencv_lock:
            _opencv_users -= 1
            if _opencv_users == 0:
                cv2.setNumThreads(_opencv_threads_before)


class _PassesBeside:
    """Accepted passes held back until every pass that ran beside them has ended.

    Whether a pass is lettering beside a plate (track.lettering_beside_plate) can only be
    told once the passes at the same time are known: a pass is reported when no track
    still open or held began before it ended (or a few seconds after it ended), and
    checked against the passes reported in the last seconds and those still held here.
    """

    _MEMORY_S = 10.0

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.waiting: list[tuple[PlateTrack, ExtractedRead]] = []
        self.reported: list[PlateTrack] = []

    def add(self, track: PlateTrack, read: ExtractedRead) -> None:
        self.waiting.append((track, read))

    def ready(self, t_s: float) -> Iterator[ExtractedRead]:
        unfinished = self.tracker.unfinished()
        # Not longer than a few seconds: a plate parked in view for an hour must not hold
        # back every pass that drives by.
        done = [(tr, r) for tr, r in self.waiting
                if t_s - tr.last_seen > self._MEMORY_S
                or not any(u.sightings[0].t_s <= tr.last_seen for u in unfinished)]
        if not done:
            return
        known = self.reported + [tr for tr, _ in self.waiting]
        kept = [(tr, r) for tr, r in done if not lettering_beside_plate(tr, known)]
        self.waiting = [(tr, r) for tr, r in self.waiting if all(tr is not d for d, _ in done)]
        self.reported = [tr for tr in self.reported + [tr for tr, _ in kept]
                         if t_s - tr.last_seen <= self._MEMORY_S]
        for _, read in kept:
            yield read


def read_video_frame(image: np.ndarray, engine: OcrEngine, overlay: OverlayMap,
                     check: Callable[[], None] | None = None,
                     search: ImageSearch | None = None) -> list[FrameRead]:
    """Plate-like reads on one analysed video frame, with what tells a plate from other text.

    Burnt-in text (see overlay.py) and lines the frame's border cuts are not read: the
    first costs recogniser time on every frame, the second gives fragments. Each read
    carries how still its edges were and whether it sits in a block of same-size lines
    (a sign, a truck's lettering); `accept_track` judges a whole pass on them. A colour
    frame's brightest channel is searched too, quickly (still.value_of: ~13 ms a 720p
    frame here, a tenth of the grey search), on every frame: a pass found only there
    needs its three agreeing sightings like any other.
    """
    if search is None:
        search = search_image(image)
    gray = search.gray
    overlay.update(gray)

    def readable(more: list[TextLine]) -> list[TextLine]:
        return [l for l in more if not overlay.burnt_in(l.box) and not cut_by_frame(l, gray.shape)]

    found = [l for l in search.lines if not overlay.burnt_in(l.box)]
    lines = [l for l in found if not cut_by_frame(l, gray.shape)][:MAX_LINES]
    # The other searches' lines, each where none found before it lies.
    colour = readable(colour_free_lines(search.value_lines, found))
    found += colour
    faint = readable(faint_lines(search, found))
    found += faint
    lines += colour + faint
    # A line whose surroundings look nothing like a plate's is not read: on the clips a
    # third of the lines read were such, and none of them was a plate read ever so
    # roughly (the lowest plate line judged 0.30); the recogniser is the slower half.
    judged = [(l, plate_probability(line_source(l, gray, search.value), l)) for l in lines]
    judged = [(l, p) for l, p in judged if p >= MIN_READ_PLATENESS]
    lines = [l for l, _ in judged]
    by_box = {l.box: l for l in lines}
    out = []
    for lr in read_lines(gray, engine, lines, check, search.value, [p for _, p in judged]):
        line = by_box[lr.line_box]
        out.append(FrameRead(lr, overlay.still_fraction(lr.line_box), in_text_block(line, found)))
    return out


def _track_read(track: PlateTrack, engine: OcrEngine, path: Path, sha: str, start,
                unsure: bool = False) -> ExtractedRead | None:
    # The floor is accept_track's last test: one call with the lower floor tells both.
    if not accept_track(track, min_conf=UNSURE_MIN_CONFIDENCE if unsure else MIN_PASS_CONFIDENCE):
        return None
    plate, raw, conf = track.vote()
    sure = conf >= MIN_PASS_CONFIDENCE
    best = track.best
    assert best is not None and best.frame_image is not None
    if shows_marks(track, engine):
        return None
    image = best.frame_image
    box = _clip(best.read.reading.box, image)
    return ExtractedRead(
        file=str(path), file_sha256=sha, plate=plate, ocr_text=raw,
        confidence=round(conf, 4), frame=best.frame, t_video_s=round(best.t_s, 3), box=box,
        crop_png=_png(image, box), frame_jpeg=_jpeg(image),
        first_frame=track.sightings[0].frame, last_frame=track.sightings[-1].frame,
        frames_seen=len(track.sightings), recorded_start=start, unsure=not sure,
    )


def shows_marks(track: PlateTrack, engine: OcrEngine) -> bool:
    """Does a general reader see a clock's, a date's or a phone number's marks in the pass?

    Once per pass, not per frame (it is a second network), on the pass's best sightings:
    one look can miss the marks (a photo's own clock read 0842.14 in one frame, 08.42.14
    and 42:14 in the next two).
    """
    top = sorted(track.sightings, key=lambda s: -s.read.score)[:_MARKS_LOOKS]
    return len(unmarked([s.read for s in top], engine)) < len(top)


def _clip(box: tuple[int, int, int, int], image: np.ndarray) -> tuple[int, int, int, int]:
    H, W = image.shape[:2]
    x, y, w, h = box
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(W, x + w), min(H, y + h)
    return (int(x0), int(y0), int(max(1, x1 - x0)), int(max(1, y1 - y0)))


def _png(image: np.ndarray, box: tuple[int, int, int, int]) -> bytes:
    x, y, w, h = _clip(box, image)
    ok, buf = cv2.imencode(".png", image[y:y + h, x:x + w])
    return buf.tobytes() if ok else b""


def _jpeg(image: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return buf.tobytes() if ok else b""
