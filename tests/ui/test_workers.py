"""The worker adapter: progress (throttled), the result, errors and cancellation reach the GUI thread."""
from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from app.domain.errors import ValidationError
from app.jobs import Progress
from app.ui.workers import Worker, WorkerPool


def test_progress_and_result_arrive_on_the_gui_thread(qtbot):
    pool = WorkerPool()
    seen, threads = [], []

    def job(cancel, progress):
        for i in range(1, 4):
            progress(Progress(i, 3, f"step {i}"))
        return "done"

    def on_progress(p):
        seen.append(p)
        threads.append(QThread.currentThread())

    worker = pool.prepare(job)
    worker.progress.connect(on_progress)
    with qtbot.waitSignal(worker.finished, timeout=5_000) as result:
        pool.run(worker)
    assert result.args == ["done"]
    assert seen[0] == Progress(1, 3, "step 1") and seen[-1] == Progress(3, 3, "step 3")
    assert all(t is QThread.currentThread() for t in threads)
    assert pool.shutdown()


def test_progress_is_throttled_but_the_last_update_is_kept(qtbot):
    pool = WorkerPool()
    seen = []

    def job(cancel, progress):
        for i in range(1, 20_001):
            progress(Progress(i, 20_001))
        return 1

    worker = pool.prepare(job)
    worker.progress.connect(seen.append)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        pool.run(worker)
    assert len(seen) < 200
    assert seen[-1].done == 20_000  # not final (total is one more), yet flushed before `finished`


def test_throttle_interval_with_a_fake_clock():
    now = [0.0]
    worker = Worker(lambda c, p: None, interval_s=0.1, clock=lambda: now[0])
    emitted = []
    worker.signals.progress.connect(emitted.append)
    for step in range(10):
        now[0] = step * 0.03
        worker._report(Progress(step, 100))
    # t = 0, 0.12 (4 steps), 0.24 (8 steps): one in three or four is emitted
    assert [p.done for p in emitted] == [0, 4, 8]


def test_a_service_error_arrives_as_its_sentence(qtbot):
    pool = WorkerPool()

    def job(cancel, progress):
        raise ValidationError("The export format is csv or jsonl.")

    worker = pool.prepare(job)
    with qtbot.waitSignal(worker.failed, timeout=5_000) as failure:
        pool.run(worker)
    assert failure.args == ["The export format is csv or jsonl."]


def test_an_unexpected_error_is_still_a_sentence(qtbot):
    pool = WorkerPool()
    worker = pool.prepare(lambda cancel, progress: 1 / 0)
    with qtbot.waitSignal(worker.failed, timeout=5_000) as failure:
        pool.run(worker)
    assert failure.args[0].startswith("The task stopped on an unexpected error")


def _endless(started: threading.Event):
    def job(cancel, progress):
        started.set()
        while True:
            cancel.raise_if_cancelled()
            QThread.msleep(2)
    return job


def test_cancel_delivers_cancelled(qtbot):
    pool = WorkerPool()
    started = threading.Event()
    worker = pool.start(_endless(started))
    assert started.wait(5)
    with qtbot.waitSignals([worker.cancelled], timeout=5_000):
        worker.cancel()
    assert pool.shutdown()


def test_the_pool_cancels_and_waits_on_shutdown(qtbot):
    pool = WorkerPool()
    started = threading.Event()
    pool.start(_endless(started))
    assert started.wait(5)
    assert pool.active == 1
    assert pool.shutdown(timeout_ms=5_000)
