"""The shells that copied and exported commands are written for: POSIX shells and PowerShell.

POSIX text is quoted with ``shlex.quote``. PowerShell text goes in single-quoted strings, where nothing is
special but the quote itself: ``$`` and backticks stay as they are, and a quote is doubled. PowerShell reads
four typographic quotes (U+2018 to U+201B) as single quotes too, so each of those is doubled as well, as
PowerShell's own ``CodeGeneration.EscapeSingleQuotedStringContent`` does. The same text then runs in Windows
PowerShell 5.1 and PowerShell 7.

A curl command reads every header and body from a pipe, never from its command line, which any local user reads in
the process list while it runs: ``--header @<(printf '%s\\n' …)``. ``printf`` is a builtin of bash and zsh and a
process substitution forks without exec, so the token that ``"$OKTA_ACCESS_TOKEN"`` expands to reaches no
process's argv. curl reads ``@FILE`` headers since 7.55.
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


def posix_expanding(text: str) -> str:
    """Return ``text`` as a POSIX double-quoted string, leaving its ``$NAME`` variables to expand."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`") + '"'


def curl_reads(option: str, words: Iterable[str], *, lines: bool = True) -> str:
    """Return ``OPTION @<(printf …)``: curl reads the text of ``words`` (shell words) through a pipe, one per line.

    With ``lines=False`` the words are written as they are, no line end added (an exact request body).
    """
    template = "'%s\\n'" if lines else "'%s'"
    return f"{option} @<(printf {template} {' '.join(words)})"


def env_assignments(values: Iterable[tuple[str, str]], shell: str) -> str:
    """Return lines that set each environment variable in ``shell`` (``export N=…`` or ``$env:N = …``)."""
    if check_shell(shell) == "powershell":
        return "".join(f"$env:{name} = {powershell_quote(value)}\n" for name, value in values)
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in values)
