"""Input and output helpers every CLI handler shares: files, stdin, passphrases, private writes."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from oktatool.core.errors import BadInputError, PassphraseError

#: characters a terminal acts on or that reorder what it shows: C0 (but newline), DEL, C1, bidi and
#: zero-width marks; a token or key set from elsewhere may carry them to rewrite the screen or spoof text
_TERMINAL_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

#: refuse inputs larger than this before parsing them (a key or token is never close)
MAX_INPUT_BYTES = 4 * 1024 * 1024


def read_input(source: str | None, *, what: str = "input") -> bytes:
    """Read a file path, or stdin for ``-``/None, refusing huge or missing inputs with a clear error."""
    if source in (None, "-"):
        if sys.stdin is None or sys.stdin.closed:
            raise BadInputError(f"no {what} given", hint=f"pass the {what} as a file, or pipe it on stdin")
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        label = "standard input"
    else:
        path = Path(source)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except FileNotFoundError:
            raise BadInputError(f"{what} file not found: {source}") from None
        except IsADirectoryError:
            raise BadInputError(f"{what} is a folder, not a file: {source}") from None
        except PermissionError:
            raise BadInputError(f"cannot read {what} file (permission denied): {source}") from None
        except OSError as exc:
            raise BadInputError(f"cannot read {what} file {source}: {exc.strerror}") from None
        label = source
    if len(data) > MAX_INPUT_BYTES:
        raise BadInputError(f"{what} from {label} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB; "
                            f"that is not a key or a token")
    if not data.strip():
        raise BadInputError(f"{what} from {label} is empty")
    return data


def read_text_input(source: str | None, *, what: str = "input") -> str:
    """Read like ``read_input`` and decode UTF-8 (BOM tolerated), with a clear error for binary data."""
    data = read_input(source, what=what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInputError(f"{what} is binary data, not text",
                            hint="give a PEM, JWK or JWT as text") from None


def read_password_file(path: str | None) -> bytes | None:
    """Return the first line of a passphrase file without its line ending, or None when no file is given."""
    if path is None:
        return None
    try:
        raw = Path(path).read_bytes()
    except OSError:
        raise PassphraseError(f"cannot read the passphrase file: {path}") from None
    line = raw.splitlines()[0] if raw else b""
    if not line:
        raise PassphraseError(f"the passphrase file is empty: {path}",
                              hint="put the passphrase on the first line of the file")
    return line


def json_or_file(value: str, *, what: str) -> Any:
    """Parse a JSON argument, or the JSON in @FILE, strictly; report line and column of a syntax error."""
    from oktatool.core.encoding import loads_strict

    text = read_text_input(value[1:], what=what) if value.startswith("@") else value
    try:
        return loads_strict(text)
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{what} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except ValueError as exc:
        raise BadInputError(f"{what} {exc}") from None


def terminal_text(text: str) -> str:
    """Return ``text`` with control and bidi characters written as \\uXXXX (inside JSON strings: the same JSON)."""
    return _TERMINAL_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_output(text: str, output: str | None, *, private: bool) -> None:
    """Print ``text`` (with a final newline) or write it to ``output``; private files get mode 0600."""
    if not text.endswith("\n"):
        text += "\n"
    if output is None or output == "-":
        sys.stdout.write(terminal_text(text))
        sys.stdout.flush()
        return
    path = Path(output)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    mode = 0o600 if private else 0o644
    try:
        fd = os.open(path, flags, mode)
        if private:
            os.fchmod(fd, 0o600)  # an existing file keeps its old mode through O_CREAT: tighten it before writing
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise BadInputError(f"cannot write {output}: {exc.strerror}") from None


def print_json(value: Any) -> None:
    """Print JSON pretty on stdout."""
    from oktatool.core.encoding import dumps_pretty

    write_output(dumps_pretty(value), None, private=False)
