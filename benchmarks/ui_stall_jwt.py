"""Does typing into the JWT tab's claims stall the window while an RSA-4096 key signs every edit?

Run from the repository root:  QT_QPA_PLATFORM=offscreen python benchmarks/ui_stall_jwt.py [--chars N]
A 10 ms QTimer runs on the GUI thread; the longest gap between its ticks is how long the window froze.
The baseline is the same timer with the tab idle, in the same run. Goal: the longest gap while typing
<= 50 ms (signing RSA-4096 takes tens of milliseconds, so it must run in the executor).
``case_jwt_claims_typing(harness)`` has the shape of the cases in benchmarks/ui_stall.py (the Console's
harness: ``h.context``, ``h.loop``) so it can be folded in as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

GOAL_MS = 50.0


class GapMeter:
    """A 10 ms timer that records the longest gap between its ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def start(self) -> None:
        self.longest = 0.0
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.longest * 1000


def measure_jwt_claims_typing(chars: int = 120, *, rounds: int = 5, sign_on_gui_thread: bool = False) -> dict[str, Any]:
    """Type ``chars`` characters into the claims JSON with an RSA-4096 signing key, ``rounds`` times; return the
    median (and worst) longest gap while typing and the median longest gap of the idle baseline."""
    import qasync
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from oktatool.context import AppContext
    from oktatool.core.keys.key import KeySpec, generate_key
    from oktatool.core.store.paths import AppPaths
    from oktatool.core.store.secrets import MemoryStore
    from oktatool.core.store.settings import SettingsStore
    from oktatool.gui.jwt.tab import JwtTab

    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    home = Path(tempfile.mkdtemp(prefix="oktatool-bench-"))
    paths = AppPaths.resolve(home)
    context = AppContext(paths, SettingsStore(paths.settings_file), secret_store=MemoryStore())
    tab = JwtTab(context)
    tab.resize(1100, 750)
    tab.show()
    key = generate_key(KeySpec("RSA", size=4096, kid="bench-4096"))
    tab.signer.set_keys([key])
    tab.claims.views.setCurrentIndex(1)
    tab.claims.raw.setPlainText('{\n  "sub": "",\n  "exp": 2000000000\n}')
    meter = GapMeter()
    signed: list[str] = []

    if sign_on_gui_thread:  # the broken design, to show what the benchmark catches
        from oktatool.gui import tasks

        async def inline(fn: Any, *args: Any, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)

        tasks.run_blocking = inline  # type: ignore[assignment]

    async def idle() -> float:
        await asyncio.sleep(0.5)  # first paint and the first signature settle
        meter.start()
        await asyncio.sleep(chars * 0.03)
        return meter.stop()

    async def typing() -> float:
        tab.claims.raw.setPlainText('{\n  "sub": "",\n  "exp": 2000000000\n}')
        cursor = tab.claims.raw.textCursor()
        cursor.setPosition(len('{\n  "sub": "'))
        tab.claims.raw.setTextCursor(cursor)
        tab.claims.raw.setFocus()
        meter.start()
        for index in range(chars):
            QTest.keyClick(tab.claims.raw, Qt.Key.Key_A if index % 2 else Qt.Key.Key_B)
            # a quick typist (~33 characters a second) who pauses every 10 characters, so each burst is signed
            await asyncio.sleep(0.2 if index % 10 == 9 else 0.03)
            if tab.current_token():
                signed.append(tab.current_token())
        await asyncio.sleep(0.5)  # the last signature lands
        return meter.stop()

    idle_runs, typing_runs = [], []
    for _ in range(rounds):
        idle_runs.append(loop.run_until_complete(idle()))
        typing_runs.append(loop.run_until_complete(typing()))
    final = tab.current_token()
    context.close()
    return {"idle_ms": statistics.median(idle_runs), "typing_ms": statistics.median(typing_runs),
            "typing_worst_ms": max(typing_runs), "tokens_seen": len(set(signed)),
            "last_token_has_all_chars": bool(final) and len(tab.claims.claims.get("sub", "")) == chars}


def case_jwt_claims_typing(h: Any) -> tuple[str, Any]:
    """Typing 60 characters into the JWT tab's claims with an RSA-4096 key (each pause signs, in the executor)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from oktatool.core.keys.key import KeySpec, generate_key
    from oktatool.gui.jwt.tab import JwtTab

    tab = JwtTab(h.context)
    tab.resize(1100, 750)
    tab.show()
    tab.signer.set_keys([generate_key(KeySpec("RSA", size=4096, kid="bench-4096"))])
    tab.claims.views.setCurrentIndex(1)
    tab.claims.raw.setPlainText('{\n  "sub": "",\n  "exp": 2000000000\n}')
    cursor = tab.claims.raw.textCursor()
    cursor.setPosition(len('{\n  "sub": "'))
    tab.claims.raw.setTextCursor(cursor)
    h.loop.run_until_complete(asyncio.sleep(0.3))  # the new tab's first layout and paint are not typing

    async def type_claims() -> None:
        for index in range(60):
            QTest.keyClick(tab.claims.raw, Qt.Key.Key_A)
            await asyncio.sleep(0.2 if index % 10 == 9 else 0.03)
        await asyncio.sleep(0.3)
        if len(tab.claims.claims.get("sub", "")) != 60 or not tab.current_token():
            raise RuntimeError("the typed claims were not signed")

    return "typing into the JWT claims, RSA-4096 key (JWT tab)", type_claims


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chars", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sign-on-gui-thread", action="store_true",
                        help="sign on the GUI thread instead of the executor (shows the stall this catches)")
    args = parser.parse_args()
    result = measure_jwt_claims_typing(args.chars, rounds=args.rounds, sign_on_gui_thread=args.sign_on_gui_thread)
    mark = "ok" if result["typing_ms"] <= GOAL_MS else "over goal"
    print(f"JWT claims typing, RSA-4096 key, {args.chars} characters x {args.rounds} rounds: longest 10 ms timer "
          f"gap (median of rounds) idle {result['idle_ms']:.1f} ms, typing {result['typing_ms']:.1f} ms "
          f"(worst round {result['typing_worst_ms']:.1f} ms, ratio to idle "
          f"{result['typing_ms'] / max(result['idle_ms'], 0.001):.2f}x) "
          f"(goal <= {GOAL_MS:.0f} ms, {mark}); {result['tokens_seen']} distinct tokens signed while typing; "
          f"final token signed over all characters: {result['last_token_has_all_chars']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
