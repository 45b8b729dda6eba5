"""``oktatool sandbox``: run the local Okta-compatible org until interrupted."""

from __future__ import annotations

import argparse
import math
import signal
import threading
from pathlib import Path
from types import FrameType

from oktatool.commands.common import write_output
from oktatool.core.errors import BadInputError, SandboxError

MAX_USERS = 1_000_000


def _check(args: argparse.Namespace) -> None:
    if not 0 <= args.port <= 65535:
        raise BadInputError(f"--port must be between 0 and 65535, not {args.port}",
                            hint="leave --port out to take a free port")
    if not 0 <= args.users <= MAX_USERS:
        raise BadInputError(f"--users must be between 0 and {MAX_USERS:,}, not {args.users}")
    if args.rate_limit is not None and args.rate_limit < 1:
        raise BadInputError(f"--rate-limit must be at least 1 request per minute, not {args.rate_limit}",
                            hint="leave --rate-limit out for no limit")
    if not math.isfinite(args.clock_offset) or abs(args.clock_offset) > 366 * 86_400:
        raise BadInputError(f"--clock-offset must be at most a year either way, not {args.clock_offset}")
    from oktatool.sandbox import MISCONFIGS
    if args.dir and Path(args.dir).expanduser().exists() and not Path(args.dir).expanduser().is_dir():
        raise BadInputError(f"--dir {args.dir} is not a folder", hint="give a folder only you can write to")

    for name in args.misconfig:
        if name not in MISCONFIGS:
            raise BadInputError(f"unknown --misconfig {name!r}", hint="use one of " + ", ".join(MISCONFIGS))


def sandbox(args: argparse.Namespace) -> int:
    """Start the sandbox, print one JSON line describing it, and serve until SIGINT or SIGTERM (or Ctrl+Break)."""
    _check(args)
    from oktatool.core.encoding import dumps_compact
    from oktatool.core.store.paths import AppPaths
    from oktatool.sandbox import Sandbox, SandboxOptions

    directory = Path(args.dir).expanduser() if args.dir else AppPaths.resolve().sandbox_dir
    options = SandboxOptions(users=args.users, dpop_required=args.dpop_required, rate_limit=args.rate_limit,
                             tls=args.tls, port=args.port, clock_offset=args.clock_offset,
                             misconfig=tuple(args.misconfig))
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # Windows has no SIGTERM to send: Ctrl+Break (SIGBREAK) is how a console or a parent stops a process there
    stops = (signal.SIGINT, signal.SIGTERM, *([signal.SIGBREAK] if hasattr(signal, "SIGBREAK") else []))
    previous = {sig: signal.signal(sig, request_stop) for sig in stops}
    # only a folder given on purpose keeps the org: the default folder is the window's Local sandbox
    server = Sandbox.keeping_key(options, directory, keep_org=args.dir is not None)
    try:
        try:
            info = server.start()
        except SandboxError as exc:
            if exc.code != "unsafe_folder" or args.dir is None:
                raise
            raise BadInputError(exc.description, hint=exc.hint) from None  # the folder the user gave: bad input
        write_output(dumps_compact(info.to_json()), None, private=False)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
