"""The one adapter between plain long functions and Qt.

Long work is written as `fn(cancel: CancelToken, progress: Callable[[Progress], None]) -> result`
(see app/jobs.py), so the CLI and the tests call it without Qt. Here it runs in a QThreadPool;
its signals carry progress, the result, an error sentence or the news that it was cancelled.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.domain.errors import PlateDeskError
from app.jobs import Cancelled, CancelToken, Progress

log = logging.getLogger(__name__)

Job = Callable[[CancelToken, Callable[[Progress], None]], Any]

PROGRESS_INTERVAL_S = 0.1  # about ten updates a second: enough for a bar, cheap for the GUI


class WorkerSignals(QObject):
    progress = Signal(object)   # Progress
    finished = Signal(object)   # the function's result
    failed = Signal(str)        # a sentence fit to show the user
    cancelled = Signal()
    done = Signal()             # after any of the three above: the worker may be dropped


class Worker(QRunnable):
    """Runs one job on a pool thread. Create it through WorkerPool.start."""

    def __init__(self, fn: Job, *, interval_s: float = PROGRESS_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        # The pool keeps the Python object alive until `done`; Qt must not delete it first.
        self.setAutoDelete(False)
        self.signals = WorkerSignals()
        self.cancel_token = CancelToken()
        self._fn = fn
        self._interval_s = interval_s
        self._clock = clock
        self._last_emit: float | None = None
        self._pending: Progress | None = None

    # Aliases so callers can write worker.finished.connect(...)
    @property
    def progress(self):
        return self.signals.progress

    @property
    def finished(self):
        return self.signals.finished

    @property
    def failed(self):
        return self.signals.failed

    @property
    def cancelled(self):
        return self.signals.cancelled

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def run(self) -> None:  # runs on the pool thread
        try:
            result = self._fn(self.cancel_token, self._report)
        except Cancelled:
            self.signals.cancelled.emit()
        except PlateDeskError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - the user sees a sentence, the log keeps the trace
            log.exception("background job failed")
            self.signals.failed.emit(f"The task stopped on an unexpected error: {exc}")
        else:
            if self._pending is not None:  # the last word on progress is never throttled away
                self.signals.progress.emit(self._pending)
            self.signals.finished.emit(result)
        finally:
            self.signals.done.emit()

    def _report(self, progress: Progress) -> None:
        now = self._clock()
        final = progress.total and progress.done >= progress.total
        if self._last_emit is None or final or now - self._last_emit >= self._interval_s:
            self._last_emit = now
            self._pending = None
            self.signals.progress.emit(progress)
        else:
            self._pending = progress


class WorkerPool(QObject):
    """Owns a thread pool and the workers running in it; cancels and waits on shutdown."""

    def __init__(self, max_threads: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        if max_threads:
            self._pool.setMaxThreadCount(max_threads)
        self._running: dict[WorkerSignals, Worker] = {}

    def start(self, fn: Job, *, on_finished: Callable[[Any], None] | None = None,
              on_failed: Callable[[str], None] | None = None,
              on_progress: Callable[[Progress], None] | None = None,
              on_cancelled: Callable[[], None] | None = None) -> Worker:
        """Run `fn` on the pool; the slots are connected before it starts, so no signal is missed."""
        worker = self.prepare(fn)
        for signal, slot in ((worker.signals.finished, on_finished), (worker.signals.failed, on_failed),
                             (worker.signals.progress, on_progress), (worker.signals.cancelled, on_cancelled)):
            if slot is not None:
                signal.connect(self._while_alive(slot))
        return self.run(worker)

    def _while_alive(self, slot: Callable[..., None]) -> Callable[..., None]:
        """A job may end after the panel that started it (and this pool, its child) is gone:
        its result is then dropped instead of reaching widgets that no longer exist."""
        def deliver(*args) -> None:
            if shiboken6.isValid(self):
                slot(*args)
        return deliver

    def prepare(self, fn: Job) -> Worker:
        """A worker not yet started: connect to its signals, then `run` it."""
        return Worker(fn)

    def run(self, worker: Worker) -> Worker:
        # A bound slot of this GUI-thread object, so the bookkeeping runs on the GUI thread.
        worker.signals.done.connect(self._forget)
        self._running[worker.signals] = worker
        self._pool.start(worker)
        return worker

    def _forget(self) -> None:
        self._running.pop(self.sender(), None)

    @property
    def active(self) -> int:
        return len(self._running)

    def cancel_all(self) -> None:
        for worker in list(self._running.values()):
            worker.cancel()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel every job and wait for the threads; True when all have stopped."""
        self.cancel_all()
        return self._pool.waitForDone(timeout_ms)
