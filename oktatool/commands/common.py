"""Input and output helpers every CLI handler shares: files, stdin, passphrases, private writes."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oktatool.core.errors import BadInputError, PassphraseError, SecretStoreError
from oktatool.core.files import read_input, read_text_input, write_file

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from oktatool.core.keys.key import Key
    from oktatool.core.okta.setup import Step
    from oktatool.core.store.file_store import EncryptedFileStore

#: characters a terminal acts on or that reorder what it shows: C0 (but newline), DEL, C1, bidi and
#: zero-width marks; a token or key set from elsewhere may carry them to rewrite the screen or spoof text
_TERMINAL_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

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


#: environment variable naming the file whose first line is the encrypted secret store's passphrase
STORE_PASSPHRASE_ENV = "OKTATOOL_STORE_PASSPHRASE_FILE"  # noqa: S105 - a variable name, not a passphrase
#: passphrase prompts on a terminal before giving up
_PROMPT_TRIES = 3


def store_unlocker(args: argparse.Namespace) -> Callable[[EncryptedFileStore], None]:
    """Return how a command unlocks the encrypted secret store when it needs it.

    The passphrase comes from ``--store-passphrase-file``, else the file ``OKTATOOL_STORE_PASSPHRASE_FILE``
    names, else a prompt when stdin is a terminal; otherwise the command stops with bad input (exit 2), which
    happens before it has changed anything remotely. A wrong passphrase is bad input too; the passphrase is
    never repeated in any message.
    """
    import os

    path = getattr(args, "store_passphrase_file", None) or os.environ.get(STORE_PASSPHRASE_ENV, "").strip() or None
    source = (f"the file given with --store-passphrase-file ({path})" if getattr(args, "store_passphrase_file", None)
              else f"the file {STORE_PASSPHRASE_ENV} names ({path})")

    def unlock(store: EncryptedFileStore) -> None:
        if path is not None:
            passphrase = read_password_file(path)
            assert passphrase is not None
            _unlock_with(store, passphrase, hint=f"check {source}")
            return
        if not sys.stdin.isatty():
            raise BadInputError(
                f"the encrypted secret store {store.path} is locked and no passphrase was given",
                hint=f"pass --store-passphrase-file FILE or set {STORE_PASSPHRASE_ENV}=FILE (the passphrase on the "
                     "file's first line), or run the command in a terminal to be asked")
        _prompt(store)

    return unlock


def _prompt(store: EncryptedFileStore) -> None:
    """Ask for the store's passphrase on the terminal (twice for a new store), up to three times."""
    import getpass

    new = not store.exists
    for attempt in range(1, _PROMPT_TRIES + 1):
        what = "Choose a passphrase for the new" if new else "Passphrase of the"
        passphrase = getpass.getpass(f"{what} encrypted secret store ({store.path}): ").encode("utf-8")
        if new and getpass.getpass("Repeat it: ").encode("utf-8") != passphrase:
            print("the two passphrases differ; type them again", file=sys.stderr)
            continue
        try:
            _unlock_with(store, passphrase, hint="type it again (it is case-sensitive)")
            return
        except BadInputError as exc:
            if attempt == _PROMPT_TRIES:
                raise
            print(f"error: {exc.description}", file=sys.stderr)
    raise BadInputError("the encrypted secret store stayed locked", hint="type the same passphrase twice")


def _unlock_with(store: EncryptedFileStore, passphrase: bytes, *, hint: str) -> None:
    """Unlock ``store``; a wrong, empty or (new store) weak passphrase is bad input (exit 2)."""
    try:
        store.unlock(passphrase)
    except SecretStoreError as exc:
        if exc.code in ("wrong_passphrase", "weak_passphrase"):
            raise BadInputError(exc.description, hint=exc.hint if exc.code == "weak_passphrase" else hint,
                                code=exc.code) from None
        raise


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
    write_file(Path(output), text.encode("utf-8"), private=private)


def print_json(value: Any) -> None:
    """Print JSON pretty on stdout."""
    from oktatool.core.encoding import dumps_pretty

    write_output(dumps_pretty(value), None, private=False)


def load_key_arg(source: str | None, *, kid: str | None, password_file: str | None,
                 recompute_kid: bool = False) -> tuple[Key, tuple[str, ...]]:
    """Load the key in a file (or stdin for ``-``) and list every kid the input holds.

    ``kid`` picks the key from a set; on an input with a single key that has another kid (or none), it
    names that key instead, which is how a PEM gets the kid registered in Okta.
    """
    from oktatool.core.keys.key import load_key, load_keys

    data = read_input(source, what="key")
    passphrase = read_password_file(password_file)
    keys = load_keys(data, passphrase=passphrase)
    kids = tuple(k.kid for k in keys if k.kid)
    relabel = kid is not None and len({k.thumbprint() for k in keys}) == 1 and \
        all(k.kid != kid and k.thumbprint() != kid for k in keys)
    key = load_key(data, kid=None if relabel else kid, passphrase=passphrase, recompute_kid=recompute_kid)
    return (key.with_kid(kid) if relabel else key), kids


_MARKS = {"done": "ok", "failed": "FAILED", "pending": "--", "running": ".."}


def step_dict(step: Step) -> dict[str, Any]:
    """Return a flow step as `--json` prints it."""
    return {"id": step.id, "title": step.title, "status": step.status, "calls": list(step.calls),
            "result": step.result, "error": step.error, "hint": step.hint}


def print_step(step: Step) -> None:
    """Print a finished flow step on stderr: its mark, title, result or error, calls and fix."""
    if step.status == "running":
        return
    lines = [f"[{_MARKS.get(step.status, step.status)}] {step.title}: {step.result or step.error}"]
    lines += [f"       {c}" for c in step.calls]
    if step.hint:
        lines.append(f"       fix: {step.hint}")
    print(terminal_text("\n".join(lines)), file=sys.stderr)
