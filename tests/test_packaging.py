"""The packaging inputs that installers rely on: the committed icon set, the .desktop entry, the scripts."""

from __future__ import annotations

import configparser
import importlib.util
import shutil
import struct
import subprocess
import sys
from types import ModuleType

import pytest

from tests.conftest import REPO_ROOT

ICONS = REPO_ROOT / "resources" / "icons" / "app"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    width, height = struct.unpack(">II", data[16:24])  # IHDR comes first
    return width, height


def _make_icons() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_icons", REPO_ROOT / "packaging" / "make-icons.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ico_entries(data: bytes) -> list[tuple[int, bytes]]:
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    entries = []
    for i in range(count):
        width, _h, _c, _r, _planes, _bpp, size, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i: 22 + 16 * i])
        entries.append((width or 256, data[offset: offset + size]))
    return entries


def _icns_elements(data: bytes) -> dict[bytes, bytes]:
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    elements, pos = {}, 8
    while pos < len(data):
        kind, length = data[pos: pos + 4], struct.unpack(">I", data[pos + 4: pos + 8])[0]
        elements[kind] = data[pos + 8: pos + length]
        pos += length
    assert pos == len(data)
    return elements


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_each_committed_png_has_its_size(size: int) -> None:
    assert _png_size((ICONS / f"oktatool-{size}.png").read_bytes()) == (size, size)


def test_the_ico_holds_a_png_per_size_up_to_256() -> None:
    entries = _ico_entries((ICONS / "oktatool.ico").read_bytes())
    assert [w for w, _ in entries] == [16, 24, 32, 48, 64, 128, 256]
    for width, png in entries:
        assert _png_size(png) == (width, width)


def test_the_icns_holds_every_retina_size() -> None:
    elements = _icns_elements((ICONS / "oktatool.icns").read_bytes())
    expected = {b"icp4": 16, b"icp5": 32, b"ic11": 32, b"icp6": 64, b"ic12": 64, b"ic07": 128,
                b"ic08": 256, b"ic13": 256, b"ic09": 512, b"ic14": 512, b"ic10": 1024}
    assert {kind: _png_size(png)[0] for kind, png in elements.items()} == expected


def test_the_container_writers_round_trip() -> None:
    make_icons = _make_icons()
    fake = {16: PNG_MAGIC + b"\0\0\0\rIHDR" + struct.pack(">II", 16, 16), 256: PNG_MAGIC + b"x" * 40}
    entries = _ico_entries(make_icons.ico_bytes(fake))
    assert entries == [(16, fake[16]), (256, fake[256])]
    pngs = {size: bytes([size % 251]) * (size // 8) for _, size in make_icons.ICNS_TYPES}
    elements = _icns_elements(make_icons.icns_bytes(pngs))
    assert {kind: elements[kind] for kind, _ in make_icons.ICNS_TYPES} == {
        kind: pngs[size] for kind, size in make_icons.ICNS_TYPES
    }


def test_the_desktop_entry_launches_the_installed_command() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(REPO_ROOT / "resources" / "linux" / "oktatool.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "oktatool"  # /usr/bin/oktatool, the .deb's symlink
    assert section["Icon"] == "oktatool"  # hicolor/<size>/apps/oktatool.png from the .deb
    assert section["Terminal"] == "false"
    assert section["Categories"].endswith(";")


@pytest.mark.parametrize("script", ["build-linux.sh", "test-deb.sh", "macos/make-dmg.sh"])
def test_shell_scripts_parse(script: str) -> None:
    path = REPO_ROOT / "packaging" / script
    # the mode git records is the one every checkout gets (Windows files have no exec bit to look at)
    staged = subprocess.run(["git", "ls-files", "--stage", "--", f"packaging/{script}"], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=True).stdout
    assert staged.startswith("100755 "), f"{script} is not executable in git: {staged!r}"
    # bash by PATH: Windows' CreateProcess would look in System32 first, where bash.exe is WSL's launcher
    subprocess.run([shutil.which("bash") or "bash", "-n", str(path)], check=True)


def test_the_spec_names_files_that_exist() -> None:
    spec = (REPO_ROOT / "packaging" / "oktatool.spec").read_text(encoding="utf-8")
    for needed in ("oktatool.ico", "oktatool.icns", '"__main__.py"', '"resources"'):
        assert needed in spec
    assert (REPO_ROOT / "oktatool" / "__main__.py").is_file()
    assert (ICONS / "oktatool.ico").is_file() and (ICONS / "oktatool.icns").is_file()


def test_the_baseline_window_answers_version() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "bare_window.py"), "--version"],
        capture_output=True, text=True, timeout=60, check=True,
    )
    assert done.stdout.strip() == "bare-window 1"

