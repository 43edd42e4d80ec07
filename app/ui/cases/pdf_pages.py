"""PDF pages as images, for the preview and for printing.

PySide6-Essentials has no QtPdf, so pages are rendered with poppler's `pdftoppm` (Debian
poppler-utils), one call per batch of pages. Printing paints each page, rendered at the
printer's resolution (at most 300 dpi), onto a QPrinter; QPainter may paint on a QPrinter
from a worker thread, so a long packet prints without freezing the window.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

from app.domain.errors import PlateDeskError
from app.jobs import CancelToken, Progress, ProgressCallback, no_progress

MAX_PRINT_DPI = 300
BATCH = 8


def renderer_available() -> bool:
    return shutil.which("pdftoppm") is not None


def _need_renderer() -> str:
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise PlateDeskError("Showing and printing the PDF needs poppler's pdftoppm (Debian: poppler-utils), "
                             "which is not installed on this workstation.")
    return tool


def render_pages(pdf: Path, out_dir: Path, dpi: int, first: int, last: int) -> list[Path]:
    """Pages first..last (1-based) as PNG files in out_dir, in order."""
    tool = _need_renderer()
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / f"r{dpi}"
    result = subprocess.run([tool, "-r", str(dpi), "-f", str(first), "-l", str(last), "-png", str(pdf),
                             str(prefix)], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise PlateDeskError(f"The PDF could not be rendered: {result.stderr.strip() or result.returncode}")
    pages = []
    for number in range(first, last + 1):
        # pdftoppm pads page numbers to the width of the last page's number.
        matches = sorted(out_dir.glob(f"r{dpi}-*{number}.png"), key=lambda p: len(p.name))
        match = next((p for p in matches if int(p.stem.rsplit("-", 1)[1]) == number), None)
        if match is None:
            raise PlateDeskError(f"Page {number} of the PDF was not rendered.")
        pages.append(match)
    return pages


def render_all(pdf: Path, total: int, out_dir: Path, dpi: int, cancel: CancelToken | None = None,
               progress: ProgressCallback = no_progress) -> list[Path]:
    """All `total` pages of `pdf` as PNG files, rendered a batch at a time."""
    pages: list[Path] = []
    for first in range(1, total + 1, BATCH):
        if cancel is not None:
            cancel.raise_if_cancelled()
        last = min(total, first + BATCH - 1)
        pages += render_pages(pdf, out_dir, dpi, first, last)
        progress(Progress(last, total, "Rendering pages"))
    return pages


def print_pdf(pdf: Path, total: int, printer: QPrinter, cancel: CancelToken | None = None,
              progress: ProgressCallback = no_progress) -> int:
    """Paint the `total` pages of `pdf` on `printer`, fitted to its page; returns the pages printed."""
    _need_renderer()
    dpi = max(72, min(MAX_PRINT_DPI, printer.resolution()))
    painter = QPainter()
    if not painter.begin(printer):
        raise PlateDeskError("The printer could not be opened.")
    try:
        with tempfile.TemporaryDirectory(prefix="plate-desk-print-") as folder:
            for number in range(1, total + 1):
                if cancel is not None and cancel.cancelled:
                    printer.abort()
                    cancel.raise_if_cancelled()
                if number > 1:
                    printer.newPage()
                page_file = render_pages(pdf, Path(folder), dpi, number, number)[0]
                image = QImage(str(page_file))
                page_file.unlink()
                area = QRectF(painter.viewport())
                size = image.size().scaled(area.size().toSize(), Qt.KeepAspectRatio)
                target = QRectF(area.x() + (area.width() - size.width()) / 2,
                                area.y() + (area.height() - size.height()) / 2, size.width(), size.height())
                painter.drawImage(target, image)
                progress(Progress(number, total, "Printing"))
    finally:
        painter.end()
    return total
