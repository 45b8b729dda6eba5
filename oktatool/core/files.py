"""Reading inputs and writing files: size-capped reads, atomic writes, owner-only private files.

Every write goes through ``write_atomic`` (a temp file beside the target, fsync, rename), so a crash or
a full disk never leaves a half-written key or settings file, and a private file is created with mode
0600 from the start instead of being tightened afterwards (``os.fchmod`` is missing on Windows Python
before 3.13). A target that exists and is not a regular file (``/dev/stdout``, a FIFO) is written in
place: renaming over it would replace the device itself.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from oktatool.core.errors import BadInputError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

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


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and every missing parent owner-only (0700), whatever the umask."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for level in reversed(missing):
        try:
            level.mkdir(mode=0o700)
        except FileExistsError:
            continue
        if os.name != "nt":
            os.chmod(level, 0o700)  # mkdir's mode is filtered by the umask


def keep_corrupt(path: Path, now: datetime | None = None) -> Path:
    """Move an unreadable file aside as ``NAME.corrupt-<UTC time>`` (never over another); return where it went."""
    from datetime import UTC, datetime

    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while kept.exists():
        counter += 1
        kept = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    os.replace(path, kept)
    return kept


def write_atomic(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` all or nothing: a temp file beside it, fsync, rename over it (raises OSError)."""
    make_private_dirs(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        # a leftover temp file (a crash, a reused pid) would keep its old mode through O_CREAT: start afresh
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    _sweep_stale_temps(path)


def _sweep_stale_temps(path: Path) -> None:
    """Remove the temp files that killed writers left beside ``path`` (never one a live process still fills)."""
    import glob  # for escape() only: imported when a file is written, not on every start-up

    prefix = f".{path.name}."
    for leftover in path.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        pid_text = leftover.name[len(prefix):].split(".", 1)[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not _process_alive(int(pid_text)):
            leftover.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    """Say whether process ``pid`` may still run (True when it cannot be told: nothing is removed then)."""
    if os.name == "nt":
        return True  # os.kill(pid, 0) would end the process there, not probe it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


@contextlib.contextmanager
def exclusive_lock(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (made owner-only if missing) while the block runs; raises OSError.

    The lock is taken by every process and thread that opens the same file (flock on POSIX, a locked byte
    with msvcrt on Windows), and the system drops it when its holder dies, so a crash never leaves it held.
    """
    make_private_dirs(lock_file.parent)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    try:
        _lock(fd)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


if sys.platform == "win32":
    import errno
    import msvcrt

    def _lock(fd: int) -> None:
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # byte 0: the file was just opened
                return
            except OSError as exc:
                if exc.errno != errno.EDEADLOCK:  # LK_LOCK gave up after ten one-second tries: wait on
                    raise

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries to disk (a rename is durable only then); a no-op where folders can't be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes, *, private: bool) -> None:
    """Save a user's output file: atomic, owner-only (0600) when ``private``; raises BadInputError."""
    try:
        existing = path.stat()
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise BadInputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        if existing is not None and stat.S_ISDIR(existing.st_mode):
            raise BadInputError(f"cannot write {path}: it is a folder", hint="give a file name")
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            with path.open("wb") as handle:  # a device or pipe: never rename over it
                handle.write(data)
            return
        if not path.parent.is_dir():
            raise BadInputError(f"cannot write {path}: the folder {path.parent} does not exist",
                                hint="create the folder first, or choose another one")
        write_atomic(path, data, mode=0o600 if private else 0o644)
    except OSError as exc:
        raise BadInputError(f"cannot write {path}: {exc.strerror}") from None
