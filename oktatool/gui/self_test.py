"""The headless modes: --self-test (everything a first click needs, one line per step) and --screenshot."""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QIcon

from oktatool.core.errors import OktaToolError
from oktatool.core.files import make_private_dirs
from oktatool.gui import tasks
from oktatool.gui.main_window import TAB_SPECS

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.gui.main_window import MainWindow

Step = Callable[[], Awaitable[str]]


def _say(ok: bool, name: str, detail: str) -> None:
    print(f"{'ok  ' if ok else 'FAIL'}  {name}: {detail}", flush=True)


def qasync_loop_kind(loop: asyncio.AbstractEventLoop) -> str:
    """Return the class name of ``loop`` if it is qasync's loop, else raise RuntimeError.

    qasync.QEventLoop is QSelectorEventLoop on Linux and macOS and QIOCPEventLoop on Windows, so the
    class is asked, never its name.
    """
    import qasync

    if not isinstance(loop, qasync.QEventLoop):
        raise RuntimeError(f"the running loop is {type(loop).__name__}, not qasync's")
    return type(loop).__name__


async def run_self_test(window: MainWindow, context: AppContext, painted_after: float,
                        warm: asyncio.Task[None]) -> int:
    """Run every step, print one line each, and return 0 only if all of them passed."""
    _say(True, "first paint", f"the window was shown and painted in {painted_after * 1000:.0f} ms")

    async def loop_running() -> str:
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        await asyncio.sleep(0.02)
        return f"{qasync_loop_kind(loop)} running, a 20 ms sleep took {(time.perf_counter() - started) * 1000:.0f} ms"

    async def deferred_imported() -> str:
        from oktatool.gui.deferred import WARM_LATER, warm_later

        await tasks.run_blocking(warm_later)
        missing = [m for m in WARM_LATER if m not in sys.modules]
        if missing:
            raise RuntimeError(f"not imported: {', '.join(missing)}")
        from oktatool.gui.shell_actions import crypto_versions

        return f"{', '.join(WARM_LATER)} ({crypto_versions()})"

    async def resources_found() -> str:
        from oktatool.core.store.paths import resource

        icon_path = resource("icons", "oktatool.svg")
        if not icon_path.is_file():
            raise RuntimeError(f"missing {icon_path}")
        if QIcon(str(icon_path)).pixmap(32, 32).isNull():
            raise RuntimeError(f"{icon_path} does not render (is the Qt SVG image plugin bundled?)")
        found = [f"icon {icon_path}"]
        catalog = resource("okta", "catalog.json")
        if catalog.exists():
            data = json.loads(catalog.read_text(encoding="utf-8"))
            found.append(f"scope catalog {catalog} ({len(data) if hasattr(data, '__len__') else '?'} entries)")
        return "; ".join(found)

    key_box: list[Any] = []

    async def key_generated() -> str:
        from oktatool.core.keys.key import KeySpec, generate_key

        def make() -> tuple[Any, str]:
            return generate_key(KeySpec("EC", crv="P-256", use="sig")), threading.current_thread().name

        key, thread = await tasks.run_blocking(make)
        if thread == threading.main_thread().name:
            raise RuntimeError("the key was generated on the GUI thread")
        key_box.append(key)
        return f"{key.describe()} kid {key.kid} in executor thread {thread}"

    async def jwt_round_trip() -> str:
        from oktatool.core.jose.jwt import sign_token
        from oktatool.core.jose.verify import verify_with_key

        if not key_box:
            raise RuntimeError("no key (the previous step failed)")
        key = key_box[0]
        now = int(time.time())
        token = sign_token({"iss": "oktatool-self-test", "sub": "oktatool-self-test", "iat": now, "exp": now + 60},
                           key)
        verified = verify_with_key(token, key.public())
        return f"{verified.alg} token of {len(token)} characters signed and verified (oktatool.core.jose.jwt)"

    async def store_answering() -> str:
        store = await tasks.run_blocking(context.secret_store)
        if store.locked:
            from oktatool.core.store.file_store import EncryptedFileStore

            def scratch_round_trip() -> None:
                passphrase = secrets.token_urlsafe(16).encode("ascii")  # a scratch file: any strong value
                with tempfile.TemporaryDirectory(prefix="oktatool-self-test-") as scratch:
                    probe = EncryptedFileStore(Path(scratch) / "probe.enc", scrypt_n=2**12)
                    probe.unlock(passphrase)
                    probe.set("probe", "value")
                    again = EncryptedFileStore(probe.path, scrypt_n=2**12)
                    again.unlock(passphrase)
                    if again.get("probe") != "value":
                        raise RuntimeError("the encrypted file store did not return what it stored")

            await tasks.run_blocking(scratch_round_trip)
            return f"{store.description}; no OS keyring, so the passphrase is asked on first use " \
                   "(round trip through a scratch encrypted file ok)"

        def round_trip() -> None:
            name = "oktatool-self-test-probe"
            store.set(name, "probe")
            try:
                if store.get(name) != "probe":
                    raise RuntimeError("the store did not return what it stored")
            finally:
                store.delete(name)

        await tasks.run_blocking(round_trip)
        return f"{store.description}: stored, read back and deleted a probe"

    async def tabs_built() -> str:
        for spec in TAB_SPECS:
            window.pages[spec.key].ensure_built()
        return ", ".join(f"{spec.title} ({type(window.pages[spec.key].content).__name__})" for spec in TAB_SPECS)

    async def tab_engines() -> str:
        """Run each built tab's own check (``async self_test() -> str``): a tab's engine, not just its widgets."""
        return "; ".join([f"{spec.title}: {await window.page(spec.key).self_test()}" for spec in TAB_SPECS])

    steps: list[tuple[str, Step]] = [
        ("qasync loop running", loop_running),
        ("deferred modules imported", deferred_imported),
        ("resources found", resources_found),
        ("key generated in the executor", key_generated),
        ("JWT signed and verified", jwt_round_trip),
        ("secret store answering", store_answering),
        ("tabs built", tabs_built),
        ("tab engines", tab_engines),
    ]
    failures = 0
    for name, step in steps:
        try:
            _say(True, name, await step())
        except (OktaToolError, Exception) as exc:  # every failure becomes one line, never a traceback
            failures += 1
            _say(False, name, f"{type(exc).__name__}: {exc}")
    await asyncio.gather(warm, return_exceptions=True)
    print("self-test passed" if not failures else f"self-test FAILED: {failures} step(s)", flush=True)
    return 0 if not failures else 1


async def take_screenshots(window: MainWindow, folder: str) -> int:
    """Write keys.png, jwt.png, scopes.png, console.png, roles.png and doctor.png of the whole window to ``folder``."""
    target = Path(folder)
    try:
        make_private_dirs(target)  # owner-only, as every folder oktatool creates
    except OSError as exc:
        print(f"error: cannot create {target}: {exc.strerror}", file=sys.stderr)
        return 1
    window.resize(1100, 750)
    for spec in TAB_SPECS:
        window.show_tab(spec.key)
        await window.page(spec.key).prepare_screenshot()
        await asyncio.sleep(0.05)
        path = target / f"{spec.key}.png"
        if not window.grab().save(str(path)):
            print(f"error: cannot write {path}", file=sys.stderr)
            return 1
        print(f"wrote {path}", flush=True)
    if await _roles_screenshot(window, target / "roles.png"):
        return 1
    return await _doctor_screenshot(window, target / "doctor.png")


async def _roles_screenshot(window: MainWindow, path: Path) -> int:
    """Write roles.png: Scopes > Grants & roles with a role scoped to a group (made for it and removed after)."""
    from oktatool.gui.scopes.tab import ScopesTab

    tab = window.show_tab("scopes")
    assert isinstance(tab, ScopesTab)
    await tab.ready
    if tab.access is None:
        print("error: the Scopes tab did not load", file=sys.stderr)
        return 1
    tab.side.setCurrentIndex(tab.side.count() - 1)
    total = sum(tab.splitter.sizes())  # the splitter dragged up, as one does to work with grants, roles and tokens
    tab.splitter.setSizes([total * 2 // 5, total - total * 2 // 5])
    tab.pick_scopes(["okta.users.manage"])
    made = await tab.access.role_panel.show_scoped_example()
    if made is None:
        print(f"error: no role scoped to a group could be shown ({tab.access.message.text()})", file=sys.stderr)
        return 1
    await tab.access.tokens.refresh()
    tab.access.say("USER_ADMIN is scoped to the group Engineering: the app manages the users of Engineering only.")
    await asyncio.sleep(0.05)
    saved = window.grab().save(str(path))
    await tab.access.role_panel.remove_example(made)
    if not saved:
        print(f"error: cannot write {path}", file=sys.stderr)
        return 1
    print(f"wrote {path}", flush=True)
    return 0


async def _doctor_screenshot(window: MainWindow, path: Path) -> int:
    """Write doctor.png: the window with the Diagnose dialog on it, every check run for the Local sandbox."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QPainter

    from oktatool.gui.dialogs.diagnose import DiagnoseDialog

    dialog = DiagnoseDialog(window.context, window)
    dialog.resize(1000, 600)
    dialog.show()
    checks = dialog.start()
    assert checks is not None  # the dialog was just opened for the active profile
    await checks
    await asyncio.sleep(0.05)
    shot = window.grab()
    offset = QPoint((shot.width() - dialog.width()) // 2, (shot.height() - dialog.height()) // 2)
    painter = QPainter(shot)
    painter.drawPixmap(offset, dialog.grab())
    painter.setPen(QColor("#808080"))
    painter.drawRect(offset.x(), offset.y(), dialog.width() - 1, dialog.height() - 1)
    painter.end()
    dialog.close()
    failed = [c.id for c in dialog.model.checks() if c.status != "pass"]
    if failed or dialog.report is None:
        print(f"error: the Diagnose dialog did not pass every check ({', '.join(failed) or 'no report'})",
              file=sys.stderr)
        return 1
    if not shot.save(str(path)):
        print(f"error: cannot write {path}", file=sys.stderr)
        return 1
    print(f"wrote {path}", flush=True)
    return 0
