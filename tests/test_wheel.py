"""The wheel carries the resources, and an installed oktatool finds them outside the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

PROBE = """
import json, oktatool
from oktatool.core.store.paths import resource, resource_dir
print(json.dumps({"package": oktatool.__file__, "resources": str(resource_dir()),
                  "icon": resource("icons", "oktatool.svg").is_file(),
                  "catalog": resource("okta", "catalog.json").is_file()}))
"""


@pytest.mark.slow
def test_installed_wheel_loads_its_resources(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO_ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(wheels.glob("oktatool-*.whl"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, env=env, capture_output=True, text=True,
                           check=True, timeout=60)
    found = json.loads(probe.stdout)
    assert found["package"].startswith(str(site))
    assert found["resources"].startswith(str(site))
    assert found["icon"]
    if (REPO_ROOT / "resources" / "okta" / "catalog.json").is_file():
        assert found["catalog"]
