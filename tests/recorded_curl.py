"""Paste a copied or exported shell command into bash or zsh, through a ``curl`` on PATH that records its argv.

The command goes to an interactive shell's standard input, as if pasted at its prompt (zsh with its default
options: a ``#`` line is then a command, not a comment). The recording ``curl`` writes the words it was started
with to a file of its own (NUL-separated) and then execs the real curl with them, so a test sees every command
line that any curl invocation had, the one a local user reads in the process list, and still gets the answer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REAL_CURL = shutil.which("curl")
BASH = shutil.which("bash")
needs_curl_and_bash = pytest.mark.skipif(REAL_CURL is None or BASH is None, reason="needs curl and bash")
#: each shell a copied curl command is written for, started interactive with no start-up files, reading stdin
PASTE_INTO = {"bash": ["--norc", "--noprofile", "-i"], "zsh": ["-f", "-i"]}
#: what a shell says when pasted text does not run as meant
_SHELL_ERRORS = ("not found", "syntax error", "parse error", "bad substitution", "no such file", "unmatched")


@dataclass(frozen=True)
class CurlRun:
    """What a command printed, how it ended, and the argv of every curl it started."""

    result: subprocess.CompletedProcess[str]
    argvs: list[list[str]]

    def words(self) -> list[str]:
        """Return every argv word of every curl invocation."""
        return [word for argv in self.argvs for word in argv]

    def shell_errors(self) -> list[str]:
        """Return the lines of the shell's standard error that say something did not run as meant."""
        return [line for line in self.result.stderr.splitlines() if any(e in line.lower() for e in _SHELL_ERRORS)]

    def assert_never_on_a_command_line(self, *secrets: str) -> None:
        """Fail if any secret appears in any word that any curl was started with."""
        assert self.argvs, "no curl ran"
        for secret in secrets:
            assert secret
            leaked = [word for word in self.words() if secret in word]
            assert not leaked, f"a secret is on curl's command line: {leaked}"


def run_recorded(command: str, env: dict[str, str], where: Path, shell: str = "bash") -> CurlRun:
    """Paste ``command`` into ``shell`` (bash or zsh) with ``env``, curl's argv recorded under ``where``."""
    program = shutil.which(shell)
    if program is None:
        pytest.skip(f"needs {shell}")
    assert REAL_CURL is not None and BASH is not None
    bin_dir, argv_dir = where / "bin", where / "argv"
    bin_dir.mkdir(parents=True, exist_ok=True)
    argv_dir.mkdir(parents=True, exist_ok=True)
    fake = bin_dir / "curl"
    fake.write_text(f'#!{BASH}\nf=$(mktemp "$CURL_ARGV_DIR/argv.XXXXXX")\nprintf \'%s\\0\' "$@" > "$f"\n'
                    f'exec {REAL_CURL} "$@"\n', encoding="utf-8")
    fake.chmod(0o700)
    path = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    result = subprocess.run([program, *PASTE_INTO[shell]], input=command.rstrip("\n") + "\nexit\n",
                            capture_output=True, text=True, timeout=60, check=False,
                            env={**os.environ, **env, "PATH": path, "CURL_ARGV_DIR": str(argv_dir),
                                 "HISTFILE": str(where / "history")})  # an interactive bash saves its history
    argvs = [file.read_bytes().decode("utf-8").split("\0")[:-1] for file in sorted(argv_dir.iterdir())]
    return CurlRun(result, argvs)


def http_answer(stdout: str) -> tuple[int, str]:
    """Return the status and body of ``curl --include`` output (the last answer's)."""
    head, _, body = stdout.replace("\r\n", "\n").partition("\n\n")
    return int(head.split()[1]), body
