"""Standard output and error as the program writes them: UTF-8 whenever they are not a console.

Python encodes a redirected stream in the locale's code page, which on Windows is the ANSI one (cp1252 and
the like): "→", "Ł" or "李" in Okta's data then crash the command halfway through its output. A pipe or a
file gets UTF-8 on every OS; a console keeps its own encoding, and writes what it cannot show as an escape
rather than failing.
"""

from __future__ import annotations

import codecs
import sys


def utf8_when_redirected() -> None:
    """Make stdout and stderr UTF-8 when they are a pipe or a file; on a non-UTF-8 console, escape the rest."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:  # no stream (a windowed app's) or one replaced by a caller
            continue
        try:
            console = stream.isatty()
        except (OSError, ValueError):
            continue
        if not console:
            reconfigure(encoding="utf-8", errors=stream.errors)
        elif codecs.lookup(stream.encoding).name != "utf-8":
            reconfigure(errors="backslashreplace")
