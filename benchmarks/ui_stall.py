"""Benchmark: the longest gap of a 10 ms QTimer on the GUI thread while heavy work runs (goal <= 50 ms each).

Run from the repository root: ``QT_QPA_PLATFORM=offscreen python benchmarks/ui_stall.py [ROUNDS]``.
Each case is one function ``case_NAME(harness) -> str`` that starts its work through the real window code
and returns a description; the harness times the GUI thread meanwhile and prints the worst gap (the first
gap included: a blocked thread shows exactly there). Add a case by writing another ``case_`` function.
The baseline printed first is the same timer with nothing running (the machine's own noise). Garbage is
collected on the GUI thread's timer, as in the app (``GuiThreadCollector``).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

GOAL = 0.050


class Harness:
    """A QApplication, a qasync loop, an AppContext on a scratch home and the timer that measures stalls."""

    def __init__(self, home: Path) -> None:
        from PySide6.QtWidgets import QApplication

        from oktatool.context import AppContext
        from oktatool.core.store.paths import AppPaths
        from oktatool.core.store.secrets import MemoryStore
        from oktatool.core.store.settings import SettingsStore
        from oktatool.gui import qt_messages
        from oktatool.gui.tasks import GuiLoop

        qt_messages.install()  # as the headless modes do: the offscreen plugin's notes are not the benchmark's
        self.app = QApplication.instance() or QApplication([])
        paths = AppPaths.resolve(home)
        self.context = AppContext(paths, SettingsStore(paths.settings_file), secret_store=MemoryStore())
        self.sandboxes: list[Any] = []
        # as the app does (app.py): garbage collected on the GUI thread's timer, and one way out (close)
        self.gui = GuiLoop(self.app, self.context)
        self.loop = self.gui.loop

    def sandbox(self, **options: Any) -> Any:
        """Start a sandbox org (stopped by ``close``) and return its info."""
        from oktatool.sandbox import Sandbox, SandboxOptions

        server = Sandbox(SandboxOptions(**options), Path(tempfile.mkdtemp(prefix="oktatool-bench-")))
        self.sandboxes.append(server)
        return server.start()

    def use_org(self, info: Any, *, dpop: bool = False) -> None:
        """Make the sandbox's service app the active profile."""
        from oktatool.core.keys.key import load_key
        from oktatool.core.store.settings import Profile

        name = f"bench {info.port}"
        self.context.key_library().save(name, load_key(info.jwk_file.read_bytes()), overwrite=True)
        profile = Profile(name=name, org_url=info.org_url, client_id=info.client_id, key_ref=name,
                          scopes=info.scopes, dpop=dpop)
        self.context.save_settings(self.context.settings.settings.with_profile(profile).with_active(name))

    def longest_gap(self, start: Callable[[], Awaitable[Any] | None], timeout: float = 300) -> float:
        """Run what ``start`` begins to completion on the loop; return the longest gap between timer ticks."""
        from PySide6.QtCore import QTimer

        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        last[0] = time.perf_counter()
        timer.start()
        work = start()
        if work is not None:
            self.loop.run_until_complete(asyncio.wait_for(asyncio.ensure_future(work), timeout))
        tick()  # the time since the last tick counts too
        timer.stop()
        return max(gaps)

    def close(self) -> None:
        """Stop every sandbox, then the loop, the executor's threads and the context as the app does."""
        for server in self.sandboxes:
            server.stop()
        self.gui.close()


def case_idle(h: Harness) -> tuple[str, Callable[[], Awaitable[Any] | None]]:
    """The baseline: the timer alone for half a second."""
    return "idle (baseline)", lambda: asyncio.sleep(0.5)


def case_rsa_4096(h: Harness) -> tuple[str, Callable[[], Awaitable[Any] | None]]:
    """RSA-4096 generation from the Keys tab."""
    from oktatool.gui.keys.tab import KeysTab

    tab = KeysTab(h.context)
    tab.form.size_spin.setValue(4096)
    return "RSA-4096 generation (Keys tab)", tab.generate


def case_dpop_token(h: Harness) -> tuple[str, Callable[[], Awaitable[Any] | None]]:
    """A DPoP token fetch with the nonce round trip, from the Console."""
    from oktatool.gui.console.tab import ConsoleTab

    h.use_org(h.sandbox(dpop_required=True, users=2), dpop=True)
    tab = ConsoleTab(h.context)
    h.loop.run_until_complete(tab.loading)

    async def fetch() -> None:
        await tab.get_token()
        if tab.token is None or not tab.token.token.is_dpop:
            raise RuntimeError(f"no DPoP token: {tab.token_panel.status.text()}")

    return "DPoP token fetch with the nonce round trip (Console)", fetch


def case_console_10k_users(h: Harness) -> tuple[str, Callable[[], Awaitable[Any] | None]]:
    """10,000 sandbox users streaming into the Console table (Fetch all pages)."""
    from oktatool.gui.console.tab import ConsoleTab

    h.use_org(h.sandbox(users=10_000))
    tab = ConsoleTab(h.context)
    tab.resize(1100, 750)
    tab.show()
    h.loop.run_until_complete(tab.loading)
    tab.editor.set_request("GET", "/api/v1/users?limit=200")

    async def fetch() -> None:
        await tab.fetch_all()  # type: ignore[misc]
        if tab.response.rows.rowCount() != 10_000:
            raise RuntimeError(f"{tab.response.rows.rowCount()} rows")

    return "10,000 users streaming into the Console table", fetch


def case_jwt_claims_typing(h: Harness) -> tuple[str, Callable[[], Awaitable[Any] | None]]:
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


CASES = [case_idle, case_rsa_4096, case_dpop_token, case_console_10k_users, case_jwt_claims_typing]


def main() -> int:
    """Run every case ROUNDS times and print the median and worst longest gap."""
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory(prefix="oktatool-stall-") as home:
        harness = Harness(Path(home))
        failures = 0
        try:
            for make in CASES:
                maxima = []
                for _ in range(rounds):
                    label, start = make(harness)
                    maxima.append(harness.longest_gap(start))
                median = statistics.median(maxima)
                verdict = "ok" if median <= GOAL or make is case_idle else "OVER"
                failures += verdict == "OVER"
                print(f"{label:55s} longest gap median {median * 1000:6.1f} ms, worst {max(maxima) * 1000:6.1f} ms "
                      f"[{verdict}, goal <= {GOAL * 1000:.0f} ms]", flush=True)
        finally:
            harness.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
