"""Benchmark listing 10,000 users page by page: oktatool's API client against a bare requests loop.

Run from the repository root: ``python benchmarks/api.py [USERS] [ROUNDS]``. A sandbox org on loopback
serves both sides in the same run with the same token; each side fetches every page (limit=200), parses
its JSON and counts the users, keeping nothing else. Printed: best time of each side, the time ratio
(goal <= 1.2x) and the peak traced memory (tracemalloc) of each side. The machine is shared and noisy:
read the ratio, not the absolute times.

Second part: the Console's Fetch all pages (rows streamed into its table, GUI offscreen, qasync loop)
against the CLI listing ``oktatool api GET /api/v1/users?limit=200 --all`` run in-process with stdout to
a buffer; each side gets a new token per round (goal: Console <= 1.5x the CLI), peak traced memory of each.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from oktatool.core.keys.key import load_key
from oktatool.core.okta.client import Connection, OktaClient
from oktatool.core.okta.headers import next_link
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.sandbox.org import SandboxOptions
from oktatool.sandbox.server import Sandbox

PATH = "/api/v1/users?limit=200"


def with_oktatool(client: OktaClient) -> int:
    """Count the users through OktaClient.pages (a generator of frozen ApiResponse values)."""
    return sum(len(page.items()) for page in client.pages("GET", PATH))


def with_bare_requests(org_url: str, authorization: str) -> int:
    """Count the users with a plain requests loop that follows Link rel="next"."""
    session = requests.Session()
    headers = {"Accept": "application/json", "Authorization": authorization}
    url: str | None = org_url + PATH
    count = 0
    while url:
        response = session.get(url, headers=headers, timeout=30)
        response.raise_for_status()
        count += len(response.json())
        url = next_link(response.headers.get("Link"))
    return count


def best_of(rounds: int, work: Callable[[], int], expected: int) -> float:
    """Return the fastest of ``rounds`` timings of ``work``, checking it saw every user."""
    fastest = float("inf")
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        assert work() == expected
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def peak_memory(work: Callable[[], int]) -> int:
    """Return the peak traced memory, in bytes, of one run of ``work``."""
    gc.collect()
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> int:
    """Serve USERS users from a sandbox and time both sides, interleaved, in the same run."""
    users = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as folder, \
            Sandbox(SandboxOptions(users=users), Path(folder)) as info:
        key = load_key(info.key_file.read_text())
        client = OktaClient(Connection(parse_org_url(info.org_url), info.client_id, key))
        token = client.token("okta.users.read")  # both sides use this token; the token request is not timed
        authorization = f"{token.scheme} {token.access_token}"
        ours = lambda: with_oktatool(client)  # noqa: E731
        bare = lambda: with_bare_requests(info.org_url, authorization)  # noqa: E731
        ours(), bare()  # warm both connection pools and the catalog
        ours_time = bare_time = float("inf")
        for _ in range(rounds):  # interleave so both sides see the same machine load
            ours_time = min(ours_time, best_of(1, ours, users))
            bare_time = min(bare_time, best_of(1, bare, users))
        ours_peak, bare_peak = peak_memory(ours), peak_memory(bare)
        console_vs_cli(info, users, rounds)
    pages = -(-users // 200)
    print(f"users: {users} in {pages} pages of 200, best of {rounds} rounds each, same sandbox, same token")
    print(f"oktatool OktaClient.pages: {ours_time * 1000:8.1f} ms   peak traced memory {ours_peak / 1e6:6.2f} MB")
    print(f"bare requests loop:        {bare_time * 1000:8.1f} ms   peak traced memory {bare_peak / 1e6:6.2f} MB")
    print(f"time ratio oktatool/bare: {ours_time / bare_time:.2f}x (goal <= 1.2x)")
    print(f"memory ratio oktatool/bare: {ours_peak / bare_peak:.2f}x")
    return 0


def with_cli(info: Any, key_file: str) -> int:
    """List every user with the CLI (``oktatool api … --all``), output thrown away; return the count printed."""
    import contextlib
    import io

    from oktatool.cli import main as cli_main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):  # its page summary
        status = cli_main(["api", "GET", PATH, "--all", "--org", info.org_url, "--client-id", info.client_id,
                           "--key", key_file, "--scopes", "okta.users.read"])
    assert status == 0
    return out.getvalue().count('"login"')


def console_vs_cli(info: Any, users: int, rounds: int) -> None:
    """Time the Console's Fetch all pages against the CLI listing, in the same run."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from oktatool.context import AppContext
    from oktatool.core.store.paths import AppPaths
    from oktatool.core.store.secrets import MemoryStore
    from oktatool.core.store.settings import SettingsStore
    from oktatool.gui import qt_messages
    from oktatool.gui.tasks import GuiLoop

    qt_messages.install()  # as the headless modes do: the offscreen plugin's notes are not the benchmark's
    app = QApplication.instance() or QApplication([])
    home = tempfile.mkdtemp(prefix="oktatool-bench-")
    paths = AppPaths.resolve(home)
    context = AppContext(paths, SettingsStore(paths.settings_file), secret_store=MemoryStore())
    with GuiLoop(app, context) as gui:  # the app's one way out: the executor's threads end before Python does
        _console_vs_cli(gui.loop, context, info, users, rounds)


def _console_vs_cli(loop: Any, context: Any, info: Any, users: int, rounds: int) -> None:
    """Fill the Console's table with every user, page by page, and list them with the CLI; print both times."""
    from oktatool.core.store.settings import Profile
    from oktatool.gui.console.tab import ConsoleTab

    context.key_library().save("bench", load_key(info.jwk_file.read_bytes()))
    profile = Profile(name="bench", org_url=info.org_url, client_id=info.client_id, key_ref="bench",
                      scopes=("okta.users.read",))
    context.save_settings(context.settings.settings.with_profile(profile).with_active("bench"))
    tab = ConsoleTab(context)
    tab.resize(1100, 750)
    tab.show()
    loop.run_until_complete(tab.loading)
    tab.editor.set_request("GET", PATH)

    def console() -> int:
        tab.forget_token()
        task = tab.fetch_all()
        assert task is not None
        loop.run_until_complete(task)
        return tab.response.rows.rowCount()

    cli = lambda: with_cli(info, str(info.jwk_file))  # noqa: E731
    assert console() == users and cli() == users  # warm both
    console_time = cli_time = float("inf")
    for _ in range(rounds):
        console_time = min(console_time, best_of(1, console, users))
        cli_time = min(cli_time, best_of(1, cli, users))
    console_peak, cli_peak = peak_memory(console), peak_memory(cli)
    print(f"Console Fetch all pages:   {console_time * 1000:8.1f} ms   peak traced memory {console_peak / 1e6:6.2f} MB")
    print(f"CLI api --all (in-process):{cli_time * 1000:8.1f} ms   peak traced memory {cli_peak / 1e6:6.2f} MB")
    print(f"time ratio Console/CLI: {console_time / cli_time:.2f}x (goal <= 1.5x)")
    tab.close()


if __name__ == "__main__":
    sys.exit(main())
