"""packaging/oktatool.spec as PyInstaller runs it on each OS: the macOS Info.plist, the hidden imports, the
trims against each PySide6 wheel's layout.

The spec is executed here with stand-ins for PyInstaller's spec globals (Analysis, EXE, COLLECT, BUNDLE)
that record what they are given; sys.platform is faked because the spec reads nothing else of the OS.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import REPO_ROOT

SPEC = REPO_ROOT / "packaging" / "oktatool.spec"


class _Recorded:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs


class _Analysis(_Recorded):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.binaries: list[tuple[str, str, str]] = []
        self.datas: list[tuple[str, str, str]] = []
        self.pure: list[Any] = []
        self.scripts: list[Any] = []


class _Exe(_Recorded):
    @property
    def console(self) -> bool:
        return bool(self.kwargs.get("console", True))


class _Collect(_Recorded):
    @property
    def console(self) -> bool:
        """COLLECT takes the console flag of the last EXE it is given (PyInstaller's building/api.py)."""
        exes = [arg for arg in self.args if isinstance(arg, _Exe)]
        return exes[-1].console if exes else True


def info_plist(bundle: _Recorded) -> dict[str, Any]:
    """The Info.plist BUNDLE writes (PyInstaller 6 building/osx.py): its minimal keys, LSBackgroundOnly=True
    when the EXE or COLLECT it bundles is a console one, then the spec's info_plist merged over them."""
    console = next(arg.console for arg in bundle.args if isinstance(arg, _Exe | _Collect))
    plist: dict[str, Any] = {"CFBundlePackageType": "APPL"}
    if console:
        plist["LSBackgroundOnly"] = True
    else:
        plist["NSHighResolutionCapable"] = True
    plist.update(bundle.kwargs.get("info_plist") or {})
    return plist


def run_spec(platform: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Execute the spec as PyInstaller would on ``platform``; return its globals."""
    for name in ("OKTATOOL_BUNDLE_ENTRY", "OKTATOOL_BUNDLE_NAME", "OKTATOOL_BUNDLE_TRIM"):
        monkeypatch.delenv(name, raising=False)
    hooks = ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package: [package]  # type: ignore[attr-defined]
    for name, module in (("PyInstaller", ModuleType("PyInstaller")), ("PyInstaller.utils", ModuleType("x")),
                         ("PyInstaller.utils.hooks", hooks)):
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the spec puts the repository first
    monkeypatch.setattr(sys, "platform", platform)
    namespace: dict[str, Any] = {
        "SPECPATH": str(SPEC.parent), "Analysis": _Analysis, "PYZ": _Recorded, "EXE": _Exe,
        "COLLECT": _Collect, "BUNDLE": _Recorded, "__file__": str(SPEC),
    }
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)  # noqa: S102 - our own spec
    return namespace


def test_the_macos_app_is_a_foreground_app_with_a_dock_icon_and_menu_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = run_spec("darwin", monkeypatch)
    plist = info_plist(spec["app"])
    assert plist.get("LSBackgroundOnly", False) is False  # True: no Dock icon, no menu bar, no focus
    assert plist.get("LSUIElement", False) is False  # True: an agent app, no Dock icon, no menu bar
    assert plist["CFBundlePackageType"] == "APPL" and plist["NSHighResolutionCapable"] is True
    assert spec["exe"].console  # the same executable is still the CLI in a terminal


def test_linux_and_windows_make_no_app_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "app" not in run_spec("linux", monkeypatch)
    windows = run_spec("win32", monkeypatch)
    assert "app" not in windows
    names = {exe.kwargs["name"]: exe.console for exe in windows["executables"]}
    assert names == {"oktatool": True, "oktatoolw": False}  # the Start menu's windowed twin


@pytest.mark.parametrize(("platform", "wanted"), [("linux", True), ("win32", False), ("darwin", False)])
def test_secretstorage_and_jeepney_are_bundled_on_linux_only(monkeypatch: pytest.MonkeyPatch, platform: str,
                                                              wanted: bool) -> None:
    hidden = run_spec(platform, monkeypatch)["hiddenimports"]
    assert {"truststore", "platformdirs", "qasync"} <= set(hidden)
    assert {"secretstorage" in hidden, "jeepney" in hidden, "jeepney.io.blocking" in hidden} == {wanted}


# Bundle paths as PyInstaller lays out each OS's PySide6 wheel: PySide6/Qt/{lib,plugins,translations} on
# Linux and macOS (Qt libraries as .so.6 files or .framework folders), PySide6/{plugins,translations} and
# the Qt6*.dll files in PySide6/ itself on Windows.
KEPT = {
    "linux": ["PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "PySide6/Qt/lib/libQt6DBus.so.6",
              "PySide6/Qt/lib/libQt6Widgets.so.6", "PySide6/Qt/lib/libQt6XcbQpa.so.6",
              "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
              "PySide6/Qt/plugins/imageformats/libqsvg.so", "PySide6/Qt/plugins/imageformats/libqico.so",
              "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
              "PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so"],
    "win32": ["PySide6/Qt6Core.dll", "PySide6/Qt6Gui.dll", "PySide6/Qt6Widgets.dll", "PySide6/Qt6Svg.dll",
              "PySide6/pyside6.abi3.dll", "PySide6/plugins/platforms/qwindows.dll",
              "PySide6/plugins/platforms/qoffscreen.dll", "PySide6/plugins/styles/qmodernwindowsstyle.dll",
              "PySide6/plugins/imageformats/qsvg.dll", "PySide6/plugins/imageformats/qico.dll",
              "PySide6/plugins/iconengines/qsvgicon.dll"],
    "darwin": ["PySide6/Qt/lib/QtCore.framework/Versions/A/QtCore", "PySide6/Qt/lib/QtGui.framework/Versions/A/QtGui",
               "PySide6/Qt/lib/QtWidgets.framework/Versions/A/QtWidgets",
               "PySide6/Qt/lib/QtDBus.framework/Versions/A/QtDBus",
               "PySide6/Qt/plugins/platforms/libqcocoa.dylib", "PySide6/Qt/plugins/platforms/libqoffscreen.dylib",
               "PySide6/Qt/plugins/styles/libqmacstyle.dylib", "PySide6/Qt/plugins/imageformats/libqsvg.dylib",
               "PySide6/Qt/plugins/iconengines/libqsvgicon.dylib"],
}
DROPPED = {
    "linux": ["PySide6/Qt/translations/qt_de.qm", "PySide6/Qt/lib/libQt6Network.so.6",
              "PySide6/Qt/lib/libQt6Qml.so.6", "PySide6/Qt/plugins/platforms/libqwayland.so",
              "PySide6/Qt/plugins/platforms/libqeglfs.so", "PySide6/Qt/plugins/platforms/libqminimal.so",
              "PySide6/Qt/plugins/imageformats/libqjpeg.so", "PySide6/Qt/plugins/tls/libqopensslbackend.so",
              "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
              "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
              "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "libgtk-3.so.0"],
    "win32": ["PySide6/translations/qtbase_de.qm", "PySide6/Qt6Network.dll", "PySide6/Qt6Qml.dll",
              "PySide6/Qt6OpenGL.dll", "PySide6/Qt6Pdf.dll", "PySide6/Qt6VirtualKeyboard.dll",
              "PySide6/plugins/platforms/qminimal.dll", "PySide6/plugins/platforms/qdirect2d.dll",
              "PySide6/plugins/imageformats/qjpeg.dll", "PySide6/plugins/imageformats/qwebp.dll",
              "PySide6/plugins/tls/qschannelbackend.dll", "PySide6/plugins/networkinformation/qnetworklistmanager.dll",
              "PySide6/plugins/generic/qtuiotouchplugin.dll", "PySide6/plugins/printsupport/windowsprintersupport.dll",
              "PySide6/plugins/platforminputcontexts/qtvirtualkeyboardplugin.dll"],
    "darwin": ["PySide6/Qt/translations/qt_fr.qm", "PySide6/Qt/lib/QtNetwork.framework/Versions/A/QtNetwork",
               "PySide6/Qt/lib/QtQml.framework/Versions/A/QtQml",
               "PySide6/Qt/lib/QtPdf.framework/Resources/Info.plist",
               "PySide6/Qt/plugins/platforms/libqminimal.dylib", "PySide6/Qt/plugins/imageformats/libqjpeg.dylib",
               "PySide6/Qt/plugins/imageformats/libqicns.dylib",
               "PySide6/Qt/plugins/tls/libqsecuretransportbackend.dylib",
               "PySide6/Qt/plugins/printsupport/libcocoaprintersupport.dylib"],
}


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_the_trims_fit_each_wheel_layout(monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    keep = run_spec(platform, monkeypatch)["_keep"]
    separator = "\\" if platform == "win32" else "/"  # PyInstaller's destination names use the OS's separator
    assert [path for path in KEPT[platform] if not keep((path.replace("/", separator), "", "BINARY"))] == []
    assert [path for path in DROPPED[platform] if keep((path.replace("/", separator), "", "BINARY"))] == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the installed Linux wheel's plugin files")
def test_the_trims_keep_every_platform_plugin_linux_needs_from_this_wheel(monkeypatch: pytest.MonkeyPatch) -> None:
    import PySide6

    keep = run_spec("linux", monkeypatch)["_keep"]
    platforms = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms"
    kept = sorted(p.name for p in platforms.iterdir() if keep((f"PySide6/Qt/plugins/platforms/{p.name}", "", "")))
    assert kept == ["libqoffscreen.so", "libqxcb.so"]
