"""Reading inputs and writing files: size-capped reads, atomic writes, owner-only private files, safe names.

Every write goes through ``write_atomic`` (a temp file beside the target, fsync, rename), so a crash or
a full disk never leaves a half-written key or settings file, and a private file is created with mode
0600 from the start instead of being tightened afterwards (``os.fchmod`` is missing on Windows Python
before 3.13). On Windows, where modes only set the read-only flag, a private file and a private folder get
an access list that lets only the current user in (inherited permissions removed) before anything is
written into it. A target that exists and is not a regular file (``/dev/stdout``, a FIFO) is written in
place: renaming over it would replace the device itself.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from oktatool.core.errors import BadInputError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

#: refuse inputs larger than this before parsing them (a key or token is never close)
MAX_INPUT_BYTES = 4 * 1024 * 1024
#: how long a rename over a file that another process holds open is retried on Windows (antivirus, the
#: indexer, OneDrive and a second oktatool open files for a moment without sharing delete access)
REPLACE_RETRY_SECONDS = 1.0
#: a temp file of write_atomic older than this was left by a writer that died: any writer sweeps it away
STALE_TEMP_SECONDS = 600
#: characters no Windows file name may hold (macOS and Linux refuse only "/" and NUL)
_FORBIDDEN_NAME_CHARS = frozenset('<>:"/\\|?*') | frozenset(map(chr, range(32)))
#: Windows device names: "NUL.json" or "com1.private.pem" opens a device, not a file
_RESERVED_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                             *(f"{port}{n}" for port in ("COM", "LPT") for n in (*"123456789", "\u00b9", "\u00b2",
                                                                                  "\u00b3"))})
#: the longest suggested name, in characters (every file system takes 255)
MAX_NAME_CHARS = 120


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
        if sys.platform == "win32":
            restrict_to_owner(level, folder=True)
        else:
            os.chmod(level, 0o700)  # mkdir's mode is filtered by the umask


def restrict_to_owner(path: Path, *, folder: bool = False) -> None:
    """On Windows, let only the current user into ``path``: inherited permissions removed, full control granted.

    A file saved into a shared or synced folder would otherwise take that folder's permissions. icacls is run
    from System32 with an argument list (no shell); the user is named by SID, which no renaming changes. For a
    folder the grant is inherited by what is created in it. Raises OSError when it cannot be done.
    """
    import subprocess

    icacls = _system_program("icacls.exe")
    grant = f"*{_current_user_sid()}:" + ("(OI)(CI)F" if folder else "F")
    result = subprocess.run([str(icacls), str(path), "/inheritance:r", "/grant:r", grant, "/q"],
                            capture_output=True, text=True, check=False,
                            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    if result.returncode != 0:
        said = " ".join((result.stderr or result.stdout or "").split()) or f"exit status {result.returncode}"
        raise PermissionError(errno.EACCES, f"cannot make it owner-only ({said})", str(path))


def _system_program(name: str) -> Path:
    """Return the path of a program in Windows' System32 (never one found first on PATH)."""
    return Path(os.environ.get("SYSTEMROOT", r"C:\Windows")) / "System32" / name


_user_sid: str | None = None


def _current_user_sid() -> str:
    """Return the SID of the user running oktatool (``whoami /user``, asked once per process)."""
    import subprocess

    global _user_sid
    if _user_sid is None:
        whoami = _system_program("whoami.exe")
        result = subprocess.run([str(whoami), "/user", "/fo", "csv", "/nh"], capture_output=True, text=True,
                                check=False, creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        sid = result.stdout.strip().rsplit(",", 1)[-1].strip().strip('"')
        if result.returncode != 0 or not sid.startswith("S-1-"):
            raise PermissionError(errno.EACCES, "cannot make it owner-only: whoami /user did not tell the "
                                                "current user's SID")
        _user_sid = sid
    return _user_sid


def is_link(path: Path) -> bool:
    """Say whether ``path`` itself is a symlink or, on Windows, another reparse point (a junction); False if absent."""
    try:
        facts = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISLNK(facts.st_mode) or bool(getattr(facts, "st_file_attributes", 0)
                                               & stat.FILE_ATTRIBUTE_REPARSE_POINT)


def safe_file_name(name: str, *, fallback: str = "oktatool-output") -> str:
    """Return ``name`` made into a file name every OS accepts (a save dialog's suggestion).

    Characters Windows refuses (``<>:"/\\|?*``, control characters) become ``-``, trailing dots and spaces go
    (Windows drops them), a device name (CON, NUL, COM1… before the first dot) gets a ``_`` in front, and a
    name too long is shortened before its last suffix. An empty result is ``fallback``.
    """
    cleaned = "".join("-" if char in _FORBIDDEN_NAME_CHARS else char for char in name).strip(" ").rstrip(". ")
    if len(cleaned) > MAX_NAME_CHARS:
        stem, dot, suffix = cleaned.rpartition(".")
        keep = suffix if dot and stem and len(suffix) < 20 else ""
        cleaned = cleaned[:MAX_NAME_CHARS - len(keep) - 1].rstrip(". ") + ("." + keep if keep else "")
    if not cleaned.strip("."):
        return fallback
    if cleaned.split(".", 1)[0].rstrip(" ").upper() in _RESERVED_NAMES:
        cleaned = "_" + cleaned
    return cleaned


def keep_corrupt(path: Path, now: datetime | None = None) -> Path:
    """Move an unreadable file aside as ``NAME.corrupt-<UTC time>`` (never over another); return where it went."""
    from datetime import UTC, datetime

    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while kept.exists():
        counter += 1
        kept = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    replace_retrying(path, kept)
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
            if sys.platform == "win32" and not mode & 0o077:
                restrict_to_owner(tmp)  # before the data: the rename keeps this access list
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        replace_retrying(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    _sweep_stale_temps(path)


def replace_retrying(source: Path, target: Path, *, replace: Callable[[Path, Path], None] | None = None) -> None:
    """Rename ``source`` over ``target``; on Windows retry a PermissionError with a short backoff for about a second.

    Windows refuses the rename while another process has ``target`` open without delete sharing (antivirus,
    the search indexer, OneDrive, a second oktatool reading it): that lasts milliseconds, so waiting works
    where failing the save would not. Elsewhere a PermissionError is final and raised at once.
    """
    deadline = time.monotonic() + REPLACE_RETRY_SECONDS
    delay = 0.01
    while True:
        try:
            (replace or os.replace)(source, target)
            return
        except PermissionError:
            if sys.platform != "win32" or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def _sweep_stale_temps(path: Path) -> None:
    """Remove the temp files that killed writers left beside ``path``: those older than STALE_TEMP_SECONDS,
    and where a process can be probed (POSIX), those whose writer is gone; never one a live writer still fills."""
    import glob  # for escape() only: imported when a file is written, not on every start-up

    prefix = f".{path.name}."
    now = time.time()
    for leftover in path.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        pid_text = leftover.name[len(prefix):].split(".", 1)[0]
        if not pid_text.isdigit():
            continue
        try:
            old = now - leftover.stat().st_mtime > STALE_TEMP_SECONDS
        except OSError:
            continue
        # an old one is stale even under this pid: Windows reuses pids soon, and no write takes minutes
        if old or (int(pid_text) != os.getpid() and not _process_alive(int(pid_text))):
            with contextlib.suppress(OSError):  # another writer swept it first, or it is held open (Windows)
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
