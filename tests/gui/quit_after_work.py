"""Run the real app (``oktatool`` with no flags) and work in it as a user would, then quit.

``python -m tests.gui.quit_after_work HOW``: once the window runs, a Console token fetch and a Fetch all against
the Local sandbox, an RSA-4096 key generated in the Keys tab, then the window is left by HOW: ``ctrl-q``
(the key pressed on the window) or ``close-while-busy`` (the window closed while another RSA-4096 key is still
being generated in the executor); ``ctrl-q-at-start`` does no work and quits while the start-up's warm-up still
runs in the executor. Everything the app prints is its own; this script prints
nothing unless the work failed (then it exits 3 without quitting cleanly).
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any


def _fail(reason: str) -> None:
    print(f"driver: {reason}", file=sys.stderr, flush=True)
    import os

    os._exit(3)


async def _work(window: Any, how: str) -> None:
    from oktatool.gui.console.tab import ConsoleTab
    from oktatool.gui.keys.tab import KeysTab

    if how == "ctrl-q-at-start":
        await _quit(window, how)
    console = window.show_tab("console")
    assert isinstance(console, ConsoleTab)
    await console.loading
    await console.get_token()
    if console.token is None:
        _fail(f"no token: {console.token_panel.status.text()}")
    console.editor.set_request("GET", "/api/v1/users?limit=2")
    await console.fetch_all()
    if console.response.rows.rowCount() < 2:
        _fail(f"Fetch all: {console.response.status.text()}")
    keys = window.show_tab("keys")
    assert isinstance(keys, KeysTab)
    keys.form.size_spin.setValue(4096)
    await keys.generate()
    if keys.key is None or keys.key.to_dict()["kty"] != "RSA":
        _fail("no RSA-4096 key")
    if how == "close-while-busy":
        keys.generate()  # still running in the executor when the window goes
        await asyncio.sleep(0)
    await _quit(window, how)


async def _quit(window: Any, how: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window.activateWindow()
    if how.startswith("close"):
        window.close()
    else:
        QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    await asyncio.sleep(30)
    _fail(f"still running 30 s after {how}")


def main() -> None:
    how = sys.argv[1]
    from oktatool.gui import startup, tasks

    started = startup.main

    async def main_and_work(app: Any, window: Any, *args: Any, **kwargs: Any) -> int:
        tasks.spawn(_work(window, how))
        return await started(app, window, *args, **kwargs)

    startup.main = main_and_work
    from oktatool.cli import main as cli_main

    sys.exit(cli_main([]))


if __name__ == "__main__":
    main()
