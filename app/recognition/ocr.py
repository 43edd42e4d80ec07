"""Text-line OCR behind a small protocol, and the EasyOCR engine that implements it.

The pipeline finds plate text lines itself (EasyOCR's CRAFT detector needs ~4 s per 720p
frame on two CPU cores), so an engine only has to read single, already cropped lines.
It returns, besides the text, a probability distribution over the 36 plate characters for
every character it emits: format-aware correction and the per-character vote across a
track both need the runner-up, not only the winner.

Nothing heavy is imported here at module level: torch and easyocr load inside
`EasyOcrEngine` on first use, so importing `app.recognition` stays cheap.
"""
from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

PLATE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LINE_HEIGHT = 64  # the input height EasyOCR's generation-2 recogniser was trained at
_MAX_LINE_WIDTH = 512
_BATCH = 16


@dataclass(frozen=True)
class LineReading:
    """What an engine read on one cropped text line."""

    text: str  # plate characters only (A-Z, 0-9), best path
    raw_text: str  # best path over the engine's whole alphabet (punctuation, lower case)
    confidence: float  # 0..1, geometric mean of the characters' probabilities
    # One row per character of `text`, columns in PLATE_ALPHABET order, rows sum to 1.
    char_probs: np.ndarray = field(default_factory=lambda: np.zeros((0, 36), np.float32))


@runtime_checkable
class OcrEngine(Protocol):
    """Reads single text lines (grey-scale uint8 crops, any size)."""

    def read_lines(self, lines: Sequence[np.ndarray]) -> list[LineReading]: ...

    def read_marks(self, lines: Sequence[np.ndarray]) -> list[str]:
        """The lines as a general-purpose reader sees them, punctuation included."""
        ...


def _default_threads() -> int:
    """Half the cores: a video's line search runs beside the recogniser on its own thread
    (pipeline.searched_frames), and torch spinning on every core fights it for them
    (clip 262 on two cores: 79.9 s with two torch threads beside the search, 64.0 s with one)."""
    return max(1, (os.cpu_count() or 2) // 2)


def _default_weights() -> Path | None:
    """Fine-tuned plate recogniser shipped under resources/ocr, if there is one."""
    path = Path(__file__).resolve().parents[2] / "resources" / "ocr" / "plate_g2.pth"
    return path if path.is_file() else None


class EasyOcrEngine:
    """EasyOCR's recognition network with the offline English weights.

    The model is loaded once, on the first call, under a lock (the GUI may start a job
    while a previous engine is still warming up). The GPU is used when torch sees one.
    `weights` replaces the stock `english_g2` state with a fine-tuned one of the same
    architecture: True (the default) uses resources/ocr/plate_g2.pth when it exists,
    None or False the stock weights, a path that file. `threads` are torch's CPU
    threads (`_default_threads` when not given).
    """

    def __init__(self, weights: Path | None | bool = True, threads: int | None = None) -> None:
        self._weights = _default_weights() if weights is True else (weights or None)
        self._threads = threads or _default_threads()
        self._lock = threading.Lock()
        self._model = None
        self._device = "cpu"
        self._columns: np.ndarray | None = None  # engine class index -> plate column or -1
        self._characters: list[str] = []
        self._general = None  # stock english_g2, for read_marks when fine-tuned weights read plates

    @property
    def weights(self) -> Path | None:
        """The fine-tuned state in use, or None for EasyOCR's stock english_g2."""
        return self._weights

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _reader(self, quantize: bool):
        import torch
        import easyocr
        import easyocr_en_models

        torch.set_num_threads(self._threads)
        return easyocr.Reader(
            ["en"],
            gpu=torch.cuda.is_available(),
            model_storage_directory=easyocr_en_models.model_dir(),
            download_enabled=False,  # the weights ship with the package; never fetch
            detector=False,
            verbose=False,
            quantize=quantize,
        )

    def _load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            import torch

            gpu = torch.cuda.is_available()
            reader = self._reader(quantize=self._weights is None)
            model = reader.recognizer
            if self._weights is not None:
                state = torch.load(self._weights, map_location="cpu", weights_only=True)
                target = model.module if hasattr(model, "module") else model
                target.load_state_dict(state)
                if not gpu:
                    torch.quantization.quantize_dynamic(target, dtype=torch.qint8, inplace=True)
            if not gpu:
                _use_strided_max(model)
            model.eval()
            self._device = "cuda" if gpu else "cpu"
            self._characters = list(reader.converter.character)
            self._columns = _plate_columns(self._characters)
            self._model = model

    def read_lines(self, lines: Sequence[np.ndarray]) -> list[LineReading]:
        if not lines:
            return []
        if self._model is None:
            self._load()
        return self._run(self._model, lines)

    def read_marks(self, lines: Sequence[np.ndarray]) -> list[str]:
        """Raw text by EasyOCR's stock english_g2, which still reads ':', '-' and '.'.

        The plate recogniser was trained on plate characters only and no longer emits
        punctuation, so a clock, a date or a phone number reads like a serial to it; the
        stock network (loaded on first use, ~15 MB) tells them apart.
        """
        if not lines:
            return []
        if self._weights is None:
            return [r.raw_text for r in self.read_lines(lines)]
        if self._model is None:
            self._load()
        if self._general is None:
            with self._lock:
                if self._general is None:
                    general = self._reader(quantize=True).recognizer
                    if self._device == "cpu":
                        _use_strided_max(general)
                    general.eval()
                    self._general = general
        return [r.raw_text for r in self._run(self._general, lines)]

    def _run(self, model, lines: Sequence[np.ndarray]) -> list[LineReading]:
        import torch

        resized = [_resize_line(line) for line in lines]
        out: list[LineReading | None] = [None] * len(lines)
        # Batch lines of similar width: padding a short line to a long one's width costs
        # as much recogniser time (the LSTM runs over every column) as reading it again.
        order = sorted(range(len(lines)), key=lambda i: resized[i].shape[1])
        while order:
            widest = resized[order[0]].shape[1] * 1.25 + 8
            chunk = [i for i in order[:_BATCH] if resized[i].shape[1] <= widest]
            order = order[len(chunk):]
            batch = _batch([resized[i] for i in chunk])
            with torch.no_grad():
                logits = model(torch.from_numpy(batch).to(self._device), None)
                probs = torch.softmax(logits, dim=2).cpu().numpy()
            for i, p in zip(chunk, probs):
                out[i] = decode_ctc(p, self._characters, self._columns)
        return out  # type: ignore[return-value]


def _use_strided_max(model) -> None:
    """Swap the network's non-overlapping max pools for strided maxima, in place.

    torch's CPU max_pool2d took 7.4 of the recogniser's 53 s on clip 262; the maximum of
    strided slices is the same numbers (a maximum is exact) at about a sixth of the cost.
    """
    import torch

    def pair(v) -> tuple:
        return tuple(v) if isinstance(v, (tuple, list)) else (v, v)

    for parent in list(model.modules()):
        for name, pool in list(parent.named_children()):
            if not isinstance(pool, torch.nn.MaxPool2d):
                continue
            kernel = pair(pool.kernel_size)
            if (kernel == pair(pool.stride) and set(kernel) <= {1, 2} and pair(pool.padding) == (0, 0)
                    and pair(pool.dilation) == (1, 1) and not pool.ceil_mode and not pool.return_indices):
                setattr(parent, name, _strided_max_type()(kernel[0] == 2, kernel[1] == 2))


@functools.cache
def _strided_max_type():
    import torch

    class StridedMax(torch.nn.Module):
        """MaxPool2d with a kernel of 2 (or 1) along each axis equal to its stride."""

        def __init__(self, rows: bool, columns: bool) -> None:
            super().__init__()
            self.rows, self.columns = rows, columns

        def forward(self, x):
            if self.rows:  # an odd last row is dropped, as max_pool2d does
                x = x[:, :, : x.shape[2] // 2 * 2]
                x = torch.maximum(x[:, :, 0::2], x[:, :, 1::2])
            if self.columns:
                x = x[..., : x.shape[3] // 2 * 2]
                x = torch.maximum(x[..., 0::2], x[..., 1::2])
            return x

    return StridedMax


def _plate_columns(characters: list[str]) -> np.ndarray:
    """Map each engine class to a PLATE_ALPHABET column; lower case folds onto upper."""
    cols = np.full(len(characters), -1, dtype=np.int64)
    for i, ch in enumerate(characters):
        up = ch.upper() if len(ch) == 1 else ""
        if up and up in PLATE_ALPHABET:
            cols[i] = PLATE_ALPHABET.index(up)
    return cols


def _resize_line(line: np.ndarray) -> np.ndarray:
    """To the network height, keeping the aspect ratio (within limits)."""
    h, w = line.shape[:2]
    width = int(min(_MAX_LINE_WIDTH, max(LINE_HEIGHT // 2, round(w * LINE_HEIGHT / max(h, 1)))))
    return _resize(line, width)


def _batch(resized: Sequence[np.ndarray]) -> np.ndarray:
    """Stack resized lines, padding right with each line's last column (as EasyOCR does)."""
    width = max(r.shape[1] for r in resized)
    out = np.empty((len(resized), 1, LINE_HEIGHT, width), np.float32)
    for i, r in enumerate(resized):
        out[i, 0, :, : r.shape[1]] = r
        out[i, 0, :, r.shape[1]:] = r[:, -1:]
    return (out / 255.0 - 0.5) / 0.5


def _resize(line: np.ndarray, width: int) -> np.ndarray:
    import cv2

    interp = cv2.INTER_AREA if line.shape[0] > LINE_HEIGHT else cv2.INTER_CUBIC
    return cv2.resize(line, (width, LINE_HEIGHT), interpolation=interp).astype(np.float32)


def decode_ctc(probs: np.ndarray, characters: list[str], columns: np.ndarray) -> LineReading:
    """Greedy CTC decoding, once over the whole alphabet and once over plate characters.

    `probs` is (time, classes) with class 0 the CTC blank. For the plate decoding every
    lower-case class adds its mass to the upper-case one, and punctuation is dropped, so
    a plate read as 'o' or '-' is still scored on what it can be.
    """
    raw_best = probs.argmax(axis=1)
    raw = []
    prev = 0
    for k in raw_best:
        if k != prev and k != 0:
            raw.append(characters[k])
        prev = k

    # Collapse to (blank, 36 plate characters).
    plate = np.zeros((probs.shape[0], 37), np.float32)
    plate[:, 0] = probs[:, 0]
    valid = columns >= 0
    np.add.at(plate.T, columns[valid] + 1, probs[:, valid].T)
    best = plate.argmax(axis=1)
    chars: list[str] = []
    rows: list[np.ndarray] = []
    peak: list[float] = []
    prev = 0
    for t, k in enumerate(best):
        if k != 0 and k != prev:
            chars.append(PLATE_ALPHABET[k - 1])
            rows.append(plate[t, 1:])
            peak.append(plate[t, k])
        elif k != 0 and k == prev and plate[t, k] > peak[-1]:
            # Keep the most confident time step of a run as the character's evidence.
            rows[-1] = plate[t, 1:]
            peak[-1] = plate[t, k]
        prev = k
    if rows:
        dist = np.stack(rows)
        dist = dist / np.maximum(dist.sum(axis=1, keepdims=True), 1e-9)
        conf = float(np.exp(np.mean(np.log(np.maximum(peak, 1e-6)))))
    else:
        dist = np.zeros((0, 36), np.float32)
        conf = 0.0
    return LineReading("".join(chars), "".join(raw), conf, dist.astype(np.float32))
