"""Benchmark: one profile switch through the window's switcher, every tab built, against saving the same settings.

Run from the repository root: ``QT_QPA_PLATFORM=offscreen python benchmarks/profile_switch.py [ROUNDS]``.
A switch saves the settings, closes the old profile's session, makes the new one and has every tab (Keys, JWT,
Scopes, Console) and the window draw it from scratch. The baseline, measured in the same run and the same
window, is a save of the settings that changes nothing: the file write and the settings listeners without a
new session. The ratio is what the per-profile session costs on top of the save a switch needs anyway.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SWITCHES = 40


async def measure(rounds: int) -> list[tuple[float, float]]:
    """Return (baseline, switch) seconds per operation, the median of SWITCHES operations, for each round."""
    from PySide6.QtWidgets import QApplication

    from oktatool.context import AppContext
    from oktatool.core.store.paths import AppPaths
    from oktatool.core.store.secrets import MemoryStore
    from oktatool.core.store.settings import SANDBOX_PROFILE, Profile, SettingsStore
    from oktatool.gui.main_window import TAB_SPECS, MainWindow

    home = Path(tempfile.mkdtemp(prefix="oktatool-bench-"))
    paths = AppPaths.resolve(home)
    context = AppContext(paths, SettingsStore(paths.settings_file), secret_store=MemoryStore())
    dev = Profile(name="dev", org_url="https://dev-123456.okta.com", client_id="0oadev", scopes=("okta.users.read",))
    context.save_settings(context.settings.settings.with_profile(dev))
    window = MainWindow(context)
    window.resize(1100, 750)
    window.show()
    window.start()
    for spec in TAB_SPECS:
        window.show_tab(spec.key)
    app = QApplication.instance()
    assert app is not None
    await asyncio.sleep(0.5)  # the tabs' first loads (scope catalog, history)
    results = []
    for _ in range(rounds):
        saves, switches = [], []
        for index in range(SWITCHES):
            started = time.perf_counter()
            context.save_settings(context.settings.settings)
            app.sendPostedEvents()  # what the switch posted (not the loop's own callbacks: this runs in a task)
            saves.append(time.perf_counter() - started)
            started = time.perf_counter()
            window.profile_combo.setCurrentText("dev" if index % 2 == 0 else SANDBOX_PROFILE)
            app.sendPostedEvents()  # what the switch posted (not the loop's own callbacks: this runs in a task)
            switches.append(time.perf_counter() - started)
            await asyncio.sleep(0)  # let what a reset started run, as the event loop would between clicks
        results.append((statistics.median(saves), statistics.median(switches)))
    context.close()
    window.close()
    return results


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from oktatool.gui.tasks import GuiLoop

    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    app = QApplication.instance() or QApplication([])
    with GuiLoop(app) as gui:  # the app's loop and its one way out
        results = gui.loop.run_until_complete(measure(rounds))
    for number, (save, switch) in enumerate(results, 1):
        print(f"round {number}: save {save * 1000:.2f} ms, switch {switch * 1000:.2f} ms, ratio {switch / save:.2f}x")
    ratio = statistics.median(switch / save for save, switch in results)
    print(f"profile switch / unchanged save (median of {rounds} rounds, {SWITCHES} each): {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
