"""A label counting down to a moment (token expiry, rate-limit reset), updated every second."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget


def format_left(seconds: float) -> str:
    """Return ``59:58`` / ``1:02:03`` for a number of seconds (0 and below: ``0:00``)."""
    whole = max(0, int(seconds + 0.999))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Countdown(QLabel):
    """Shows ``template`` with ``{left}`` replaced by the time left; emits ``finished`` once at zero."""

    finished = Signal()

    def __init__(self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self.clock = clock
        self.deadline: float | None = None
        self.template = "{left}"
        self.done_text = ""
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    def start(self, deadline: float, template: str, done_text: str) -> None:
        """Count down to the epoch time ``deadline``."""
        self.deadline, self.template, self.done_text = deadline, template, done_text
        self._timer.start()
        self._tick()

    def stop(self, text: str = "") -> None:
        """Stop counting and show ``text``."""
        self._timer.stop()
        self.deadline = None
        self.setText(text)

    def left(self) -> float:
        """Return the seconds left (0 when stopped)."""
        return max(0.0, self.deadline - self.clock()) if self.deadline is not None else 0.0

    def _tick(self) -> None:
        if self.deadline is None:
            return
        left = self.deadline - self.clock()
        if left <= 0:
            self._timer.stop()
            self.setText(self.done_text)
            self.finished.emit()
            return
        self.setText(self.template.format(left=format_left(left)))
