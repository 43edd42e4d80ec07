"""Long work as plain functions: a progress callback and a cancel flag, no Qt.

The CLI and the tests call such a function directly; the GUI runs it through the one
adapter in `app/ui/workers.py`.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable


class Cancelled(Exception):
    """Raised inside long work when the user asked it to stop."""


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str = ""
    rate: float | None = None  # units per second, when the work knows it

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


ProgressCallback = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    pass


class CancelToken:
    """Thread-safe flag: the GUI thread sets it, the worker checks it often."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()
