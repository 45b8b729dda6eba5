"""Every location oktatool reads or writes, resolved in one place.

``AppPaths.resolve()`` uses platformdirs; ``OKTATOOL_HOME`` (or ``--home``) relocates all of them under
one folder, which is what tests and portable installs use. Nothing is created at import time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NamedTuple

from oktatool import APP_NAME

#: environment variable that relocates every oktatool folder
HOME_ENV = "OKTATOOL_HOME"


class AppPaths(NamedTuple):
    """The folders oktatool uses; create them with ``ensure()`` before writing."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path
    #: data that follows the user to another computer (Windows' roaming AppData); elsewhere ``data_dir``
    roaming_data_dir: Path | None = None

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> AppPaths:
        """Return the paths for ``home`` (or $OKTATOOL_HOME), else the platform's standard folders."""
        base = home if home is not None else os.environ.get(HOME_ENV)
        if base:
            root = Path(base).expanduser().resolve()
            return cls(root / "config", root / "data", root / "cache", root / "logs")
        from platformdirs import PlatformDirs

        dirs = PlatformDirs(APP_NAME, appauthor=False)
        return cls(
            Path(dirs.user_config_dir),
            Path(dirs.user_data_dir),
            Path(dirs.user_cache_dir),
            Path(dirs.user_log_dir),
            Path(PlatformDirs(APP_NAME, appauthor=False, roaming=True).user_data_dir),
        )

    @property
    def settings_file(self) -> Path:
        """Return the settings.json path."""
        return self.config_dir / "settings.json"

    @property
    def saved_requests_file(self) -> Path:
        """Return the file of the Console's saved requests (no secrets)."""
        return self.data_dir / "saved-requests.json"

    @property
    def request_tabs_file(self) -> Path:
        """Return the file of the Console's request tabs, per profile (request fields only, no secrets)."""
        return self.data_dir / "console-tabs.json"

    @property
    def variables_file(self) -> Path:
        """Return the file of the Console's per-profile ``{{name}}`` variables (no secrets)."""
        return self.data_dir / "console-variables.json"

    @property
    def sealed_dir(self) -> Path:
        """Return the folder of the keyring store's sealed files (large secrets).

        Roaming on Windows: the keyring entries that hold their keys roam with the profile (Credential Manager),
        so the files must go where the entries go.
        """
        return (self.roaming_data_dir or self.data_dir) / "sealed"

    @property
    def old_sealed_dirs(self) -> tuple[Path, ...]:
        """Return where earlier versions kept sealed files, when that is not ``sealed_dir`` (read and moved over)."""
        old = self.data_dir / "sealed"
        return (old,) if old != self.sealed_dir else ()

    @property
    def sandbox_dir(self) -> Path:
        """Return the folder where the built-in sandbox org keeps its keys and certificate."""
        return self.data_dir / "sandbox"

    def ensure(self) -> AppPaths:
        """Create the folders (owner-only where the platform supports modes) and return self."""
        from oktatool.core.files import make_private_dirs

        for folder in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            make_private_dirs(folder)
        return self


def resource_dir() -> Path:
    """Return the folder holding oktatool's resources (catalog data, icons).

    Frozen bundles carry it next to the executable's data, wheels carry it as ``oktatool/resources``,
    and a source checkout has it at the top of the repository.
    """
    frozen_root = getattr(sys, "_MEIPASS", None)
    package_root = Path(__file__).resolve().parents[2]
    candidates = []
    if frozen_root:
        candidates.append(Path(frozen_root) / "oktatool" / "resources")
    candidates += [package_root / "resources", package_root.parent / "resources"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def resource(*parts: str) -> Path:
    """Return the path of one resource file, e.g. ``resource("okta", "catalog.json")``."""
    return resource_dir().joinpath(*parts)
