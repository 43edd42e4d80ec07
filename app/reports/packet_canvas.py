"""A two-pass canvas for "page N of M", with PDF bookmarks that still land on their page.

Platypus draws every page before the total is known, so `NumberedCanvas` keeps each page's
state and writes the pages out only in `save()`. A bookmark made in the first pass would
point at the page being written at that moment (none yet), so bookmarks are held with
their page and set when that page is really written.
"""
from __future__ import annotations

from typing import Callable

from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable

PageDecorator = Callable[[canvas.Canvas, int, int], None]


class NumberedCanvas(canvas.Canvas):
    decorate: PageDecorator | None = None  # set per document by `canvas_maker`

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict] = []
        self._page_bookmarks: list[tuple[str, dict]] = []

    def bookmarkPage(self, key, **kwargs):  # noqa: N802 - ReportLab's name
        self._page_bookmarks.append((key, kwargs))

    def showPage(self):  # noqa: N802 - ReportLab's name
        self._saved_pages.append(dict(self.__dict__))
        self._page_bookmarks = []
        self._startPage()

    def save(self):
        total = len(self._saved_pages)
        for number, state in enumerate(self._saved_pages, start=1):
            self.__dict__.update(state)
            for key, kwargs in self._page_bookmarks:
                canvas.Canvas.bookmarkPage(self, key, **kwargs)
            if self.decorate is not None:
                self.decorate(self, number, total)
            canvas.Canvas.showPage(self)
        canvas.Canvas.save(self)


def canvas_maker(decorate: PageDecorator) -> type[NumberedCanvas]:
    return type("PacketCanvas", (NumberedCanvas,), {"decorate": staticmethod(decorate)})


class Bookmark(Flowable):
    """Zero-size flowable: a named destination on the page it lands on, and an outline entry."""

    def __init__(self, key: str, title: str, level: int = 0) -> None:
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.width = self.height = 0

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level)
