"""The shells that copied and exported commands are written for: POSIX shells and PowerShell.

POSIX text is quoted with ``shlex.quote``. PowerShell text goes in single-quoted strings, where nothing is
special but the quote itself: ``$`` and backticks stay as they are, and a quote is doubled. PowerShell reads
four typographic quotes (U+2018 to U+201B) as single quotes too, so each of those is doubled as well, as
PowerShell's own ``CodeGeneration.EscapeSingleQuotedStringContent`` does. The same text then runs in Windows
PowerShell 5.1 and PowerShell 7.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterable

from oktatool.core.errors import BadInputError

SHELLS = ("posix", "powershell")
#: the characters PowerShell reads as a single quote
POWERSHELL_QUOTES = frozenset("'\u2018\u2019\u201a\u201b")


def default_shell(platform: str | None = None) -> str:
    """Return the shell a user of ``platform`` (default: this one) pastes into: PowerShell on Windows."""
    return "powershell" if (platform or sys.platform) == "win32" else "posix"


def check_shell(shell: str) -> str:
    """Return ``shell`` when it is one of SHELLS."""
    if shell not in SHELLS:
        raise BadInputError(f"unknown shell {shell!r}", hint="use " + " or ".join(SHELLS))
    return shell


def powershell_quote(text: str) -> str:
    """Return ``text`` as a PowerShell single-quoted string."""
    return "'" + "".join(c + c if c in POWERSHELL_QUOTES else c for c in text) + "'"


def env_assignments(values: Iterable[tuple[str, str]], shell: str) -> str:
    """Return lines that set each environment variable in ``shell`` (``export N=…`` or ``$env:N = …``)."""
    if check_shell(shell) == "powershell":
        return "".join(f"$env:{name} = {powershell_quote(value)}\n" for name, value in values)
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in values)
