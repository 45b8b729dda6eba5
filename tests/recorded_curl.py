"""Run a copied or exported shell command with bash, through a ``curl`` on PATH that records its argv.

The recording ``curl`` writes the words it was started with to a file of its own (NUL-separated) and then execs
the real curl with them, so a test sees every command line that any curl invocation of the command had, the one
a local user reads in the process list, and still gets the real answer.
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


@dataclass(frozen=True)
class CurlRun:
    """What a command printed, how it ended, and the argv of every curl it started."""

    result: subprocess.CompletedProcess[str]
    argvs: list[list[str]]

    def words(self) -> list[str]:
        """Return every argv word of every curl invocation."""
        return [word for argv in self.argvs for word in argv]

    def assert_never_on_a_command_line(self, *secrets: str) -> None:
        """Fail if any secret appears in any word that any curl was started with."""
        assert self.argvs, "no curl ran"
        for secret in secrets:
            assert secret
            leaked = [word for word in self.words() if secret in word]
            assert not leaked, f"a secret is on curl's command line: {leaked}"


def run_recorded(command: str, env: dict[str, str], where: Path) -> CurlRun:
    """Run ``command`` with ``bash -c`` and ``env`` (plus PATH), curl's argv recorded under ``where``."""
    assert REAL_CURL is not None and BASH is not None
    bin_dir, argv_dir = where / "bin", where / "argv"
    bin_dir.mkdir(parents=True, exist_ok=True)
    argv_dir.mkdir(parents=True, exist_ok=True)
    fake = bin_dir / "curl"
    fake.write_text(f'#!{BASH}\nf=$(mktemp "$CURL_ARGV_DIR/argv.XXXXXX")\nprintf \'%s\\0\' "$@" > "$f"\n'
                    f'exec {REAL_CURL} "$@"\n', encoding="utf-8")
    fake.chmod(0o700)
    path = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    result = subprocess.run([BASH, "-c", command], capture_output=True, text=True, timeout=60, check=False,
                            env={**os.environ, **env, "PATH": path, "CURL_ARGV_DIR": str(argv_dir)})
    argvs = [file.read_bytes().decode("utf-8").split("\0")[:-1] for file in sorted(argv_dir.iterdir())]
    return CurlRun(result, argvs)


def http_answer(stdout: str) -> tuple[int, str]:
    """Return the status and body of ``curl --include`` output (the last answer's)."""
    head, _, body = stdout.replace("\r\n", "\n").partition("\n\n")
    return int(head.split()[1]), body
