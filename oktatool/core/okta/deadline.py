"""One request's wall-clock deadline, and the one thread that keeps every deadline.

A per-read socket timeout never fires on a server that sends a byte a second, and urllib3 has no total
timeout for the status line and headers, so at a request's deadline every socket it uses is shut down
instead: that wakes the read blocked on it (connect, TLS handshake, headers or body), and the request
fails as a read timeout. One daemon thread waits for the earliest deadline of all; a thread per request
(``threading.Timer``) cost about 0.3 ms each, a sixth of a page of 200 users on loopback.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time


class RequestDeadline:
    """One request's deadline: at it, every socket the request uses is shut down.

    Sockets are watched through duplicates of their descriptors, so a TLS wrapper (which takes over the
    plain socket) is reached too; ``done`` closes the duplicates and stops watching.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self.finished = False
        self._watched: list[socket.socket] = []
        self._lock = threading.Lock()
        _KEEPER.add(self)

    def watch(self, sock: socket.socket | None) -> None:
        """Shut ``sock`` down at the deadline (at once if it has passed)."""
        if sock is None or sock.fileno() == -1:
            return
        try:
            twin = socket.fromfd(sock.fileno(), sock.family, sock.type)
        except OSError:
            return
        with self._lock:
            self._watched.append(twin)
            if self.expired:
                self._shut(twin)

    def done(self) -> None:
        """Stop watching: the request is over (read, failed or closed)."""
        with self._lock:
            self.finished = True
            watched, self._watched = self._watched, []
        for twin in watched:
            twin.close()

    def expire(self) -> None:
        """Shut down every watched socket now (the keeper calls this at the deadline)."""
        with self._lock:
            if self.finished:
                return
            self.expired = True
            for twin in self._watched:
                self._shut(twin)

    @staticmethod
    def _shut(twin: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed by its owner
            twin.shutdown(socket.SHUT_RDWR)


class _Keeper:
    """The daemon thread that expires deadlines in time order; finished ones are dropped when they come up."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, RequestDeadline]] = []
        self._order = itertools.count()  # ties at the same time never compare two deadlines
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, deadline: RequestDeadline) -> None:
        """Expire ``deadline`` at its time unless it is done before."""
        with self._wake:
            heapq.heappush(self._due, (deadline.at, next(self._order), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="oktatool-request-deadlines", daemon=True)
                self._thread.start()
            elif self._due[0][2] is deadline:
                self._wake.notify()  # sooner than the one it waits for

    def _run(self) -> None:
        with self._wake:
            while True:
                while self._due and self._due[0][2].finished:
                    heapq.heappop(self._due)
                if not self._due:
                    self._wake.wait()
                    continue
                wait = self._due[0][0] - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._due)[2].expire()


_KEEPER = _Keeper()
