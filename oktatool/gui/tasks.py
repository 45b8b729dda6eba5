"""qasync glue: blocking work in the executor, tasks kept alive, and latest-request-wins slots.

Only import this after the first paint (it imports asyncio). Results come back on the GUI thread
because the awaiting coroutine runs on the qasync loop; workers never touch Qt objects.
"""

from __future__ import annotations

import asyncio
import functools
import gc
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

#: tasks started with ``spawn``; a task that nobody references can be garbage-collected mid-flight
_background: set[asyncio.Task[Any]] = set()
#: at exit: how many times the tasks still running are cancelled, and the seconds each round may take to unwind
CLOSE_ROUNDS = 3
CLOSE_TASKS_TIMEOUT = 10.0


def spawn(coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
    """Start ``coro`` on the running loop and keep a reference until it finishes."""
    task = asyncio.ensure_future(coro)
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task


def spawned() -> list[asyncio.Task[Any]]:
    """Return the tasks started with ``spawn`` that have not finished (a tab's or a dialog's loading); one whose
    loop has closed never will, and is not listed."""
    return [task for task in _background if not task.done() and not task.get_loop().is_closed()]


async def run_blocking(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn(*args, **kwargs)`` in the default thread executor and return its result."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(fn, *args, **kwargs))


class LatestRequest:
    """One user action whose newest request wins: starting it again cancels (and ignores) the previous one."""

    def __init__(self) -> None:
        self._task: asyncio.Task[Any] | None = None
        self.generation = 0

    @property
    def task(self) -> asyncio.Task[Any] | None:
        """Return the newest request's task (tests await it)."""
        return self._task

    @property
    def busy(self) -> bool:
        """Return True while a request is running."""
        return self._task is not None and not self._task.done()

    def start(self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Cancel the running request (its executor work finishes unseen) and start ``coro``."""
        self.cancel()
        self.generation += 1
        task = spawn(coro)
        self._task = task
        return task

    def cancel(self) -> None:
        """Cancel the running request, if any."""
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def is_current(self, generation: int) -> bool:
        """Return True if ``generation`` is still the newest request."""
        return generation == self.generation


async def dialog_result(dialog: Any) -> int:
    """Open a QDialog window-modal and wait for its result without a nested event loop (``exec`` inside a
    coroutine would re-enter the qasync loop)."""
    result: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(code: int) -> None:
        if not result.done():
            result.set_result(code)

    dialog.finished.connect(finished)
    dialog.open()
    return await result


class GuiLoop:
    """The qasync loop the window runs on, with the GUI-thread collector; ``close`` is every way out's end.

    The window, --self-test, --screenshot and the benchmarks' harnesses each end here. ``close`` cancels the tasks
    still running, closes the context (the profile's requests and the Local sandbox's server thread), waits for the
    executor's threads to finish what they run and stop, closes the loop and gives garbage collection back.
    A QThread of the executor left running makes Qt abort the process at exit ("QThread: Destroyed while thread
    '' is still running", exit 134).
    """

    def __init__(self, app: Any, context: Any = None) -> None:
        import qasync

        self.loop = qasync.QEventLoop(app)
        # qasync wraps executor futures for the *current* loop, so it must be the current one (feasibility §7)
        asyncio.set_event_loop(self.loop)
        self.context = context
        self.collector = GuiThreadCollector(app)
        self.collector.start()

    def __enter__(self) -> GuiLoop:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the tasks still running, the context, the executor's threads and the loop (once).

        A task left pending is destroyed at exit and reported ("Task was destroyed but it is pending!"), so each is
        cancelled and the loop runs until it has unwound (its executor work ends below). The loop runs only when a
        task is pending: running it runs Qt's events too, which may build a tab and start its tasks, hence rounds.
        """
        loop = self.loop
        if loop.is_closed():
            return
        try:
            for _ in range(CLOSE_ROUNDS):
                pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
                if not pending:
                    break
                for task in pending:
                    task.cancel()
                loop.run_until_complete(asyncio.wait(pending, timeout=CLOSE_TASKS_TIMEOUT))
                for task in pending:  # an error while unwinding is not news at exit
                    if task.done() and not task.cancelled():
                        task.exception()
            if self.context is not None:
                self.context.close()  # a request waiting in the executor ends now, not at its timeout
        finally:
            loop.close()  # qasync's close shuts its executor down and waits for its threads
            asyncio.set_event_loop(None)
            self.collector.stop()


#: most objects one collection may look through (5 to 15 ms of the GUI thread); past it they are frozen instead
MAX_SCANNED = 20_000


class GuiThreadCollector:
    """Run Python's cyclic garbage collector on the GUI thread only, while the window lives.

    With automatic collection, a worker thread (key generation, HTTP, the sandbox) can collect a reference
    cycle that holds a Qt object; the object is then destroyed on that thread, its timers cannot be stopped
    there, and they later fire on freed memory (a segfault in QTimerInfoList::activateTimers).

    A collection looks through every object of the generations it collects, on the GUI thread: after a big
    answer was parsed in a worker (a 16 MB list is two million objects) one took a third of a second. So
    a collection that would look through more than MAX_SCANNED objects made since the last freeze (an upper
    bound from the counts seen at each collection) freezes every object instead (``gc.freeze``, no scan): they
    are never looked through again. They are still freed when their last reference goes; the price is that a reference
    cycle among them that becomes garbage later is not collected.
    """

    def __init__(self, parent: Any, interval_ms: int = 500) -> None:
        from PySide6.QtCore import QTimer

        self._timer = QTimer(parent)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)
        self._thresholds = gc.get_threshold()
        #: at most how many objects the collections moved into generations 1 and 2 (since the last freeze)
        self._moved = [0, 0, 0]

    def start(self) -> None:
        """Turn automatic collection off and collect on the timer instead."""
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Collect once more on this thread and give collection back to Python."""
        self._timer.stop()
        gc.collect()
        gc.enable()

    def collect(self) -> None:
        """Collect the oldest generation whose count passed its threshold (as automatic collection would), or
        freeze its objects when there are too many to look through now."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                break
        else:
            return
        scanned = counts[0] + sum(self._moved[1:generation + 1])
        if scanned > MAX_SCANNED:
            gc.freeze()  # every tracked object, old and young, leaves the collections (no scan: O(1))
            self._moved = [0, 0, 0]
            gc.collect(generation)  # nothing left to look through: this only resets the counts
            return
        gc.collect(generation)
        self._moved[:generation + 1] = [0] * (generation + 1)
        if generation < 2:
            self._moved[generation + 1] += scanned  # the survivors: at most every object looked through
