"""Compare the frozen oktatool with a frozen bare PySide6 four-tab window: compressed size and --smoke start-up.

Both are frozen in this run by packaging/oktatool.spec with the same options (the baseline through
OKTATOOL_BUNDLE_ENTRY=benchmarks/bare_window.py), packed the same way (.tar.xz, and a .deb with the
bundle under /opt), and started interleaved offscreen until their first paint. Goals: size at most
1.15x, start at most 1.3x. The machine is noisy and shared: compare only figures from one run.

    python benchmarks/bundle.py [--runs 15] [--xz-level 6] [--python PYTHON] [--reuse]

Needs PyInstaller in PYTHON (default: this interpreter), xz and dpkg-deb. Works in build/bundle-bench/.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "build" / "bundle-bench"
APP, BARE = "oktatool", "bare-window"


def freeze(python: str, name: str, entry: str | None) -> Path:
    """Freeze oktatool (entry None) or the baseline script with packaging/oktatool.spec; return the bundle."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", OKTATOOL_BUNDLE_NAME=name)
    if entry:
        env["OKTATOOL_BUNDLE_ENTRY"] = entry
    subprocess.run(
        [python, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR", "--distpath", str(WORK / "dist"),
         "--workpath", str(WORK / "build" / name), str(REPO / "packaging" / "oktatool.spec")],
        cwd=REPO, env=env, check=True,
    )
    return WORK / "dist" / name


def folder_size(path: Path) -> int:
    """Return the bytes of every regular file under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def tar_xz(bundle: Path, level: int) -> int:
    """Pack the bundle like build-linux.sh's tarball; return its size."""
    out = WORK / f"{bundle.name}.tar.xz"
    with out.open("wb") as sink:
        tar = subprocess.Popen(["tar", "-C", str(bundle.parent), "-cf", "-", bundle.name], stdout=subprocess.PIPE)
        subprocess.run(["xz", "-T0", f"-{level}"], stdin=tar.stdout, stdout=sink, check=True)
        if tar.wait() != 0:
            raise SystemExit(f"tar of {bundle} failed")
    return out.stat().st_size


def deb(bundle: Path, level: int) -> int:
    """Pack the bundle under /opt/<name> into a minimal .deb like build-linux.sh's; return its size."""
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        root = Path(tmp) / "root"
        shutil.copytree(bundle, root / "opt" / bundle.name, symlinks=True)
        (root / "DEBIAN").mkdir()
        (root / "DEBIAN" / "control").write_text(
            f"Package: {bundle.name}\nVersion: 0\nArchitecture: amd64\nMaintainer: bench <bench@localhost>\n"
            f"Description: size benchmark\n",
            encoding="utf-8",
        )
        out = WORK / f"{bundle.name}.deb"
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", f"-z{level}", "--build", str(root), str(out)],
                       check=True, stdout=subprocess.DEVNULL)
        return out.stat().st_size


def time_smoke(executable: Path, env: dict[str, str]) -> float:
    """Return the wall time of ``executable --smoke`` (it exits on its window's first paint)."""
    started = time.perf_counter()
    done = subprocess.run([str(executable), "--smoke"], env=env, capture_output=True, timeout=120)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{executable} --smoke exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    return elapsed


def main() -> int:
    """Freeze both, measure, print the figures and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="start-ups of each, interleaved (default 15)")
    parser.add_argument("--xz-level", type=int, default=6, help="xz level for both archives (default 6)")
    parser.add_argument("--python", default=sys.executable, help="interpreter with PyInstaller and oktatool's deps")
    parser.add_argument("--reuse", action="store_true", help="reuse the bundles of an earlier run if present")
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    bundles = {}
    for name, entry in ((APP, None), (BARE, "benchmarks/bare_window.py")):
        existing = WORK / "dist" / name
        if args.reuse and existing.is_dir():
            bundles[name] = existing
            continue
        started = time.perf_counter()
        bundles[name] = freeze(args.python, name, entry)
        print(f"froze {name} in {time.perf_counter() - started:.0f} s")

    sizes = {}
    for name, bundle in bundles.items():
        sizes[name] = (folder_size(bundle), tar_xz(bundle, args.xz_level), deb(bundle, args.xz_level))

    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OKTATOOL_HOME=home)
        exes = {APP: bundles[APP] / APP, BARE: bundles[BARE] / BARE}
        for exe in exes.values():  # warm the page cache once
            time_smoke(exe, env)
        times: dict[str, list[float]] = {APP: [], BARE: []}
        for _ in range(args.runs):
            for name, exe in exes.items():
                times[name].append(time_smoke(exe, env))

    mb = 1_000_000
    print(f"\nbundles frozen by packaging/oktatool.spec, xz level {args.xz_level}, {args.runs} interleaved runs")
    print(f"{'':14}{'folder MB':>11}{'tar.xz MB':>11}{'deb MB':>9}{'smoke median ms':>17}{'min ms':>8}")
    for name in (APP, BARE):
        folder, txz, pkg = sizes[name]
        med, low = statistics.median(times[name]) * 1000, min(times[name]) * 1000
        print(f"{name:14}{folder / mb:11.1f}{txz / mb:11.1f}{pkg / mb:9.1f}{med:17.0f}{low:8.0f}")
    ratio = [sizes[APP][i] / sizes[BARE][i] for i in range(3)]
    start_ratio = statistics.median(times[APP]) / statistics.median(times[BARE])
    print(f"{'ratio':14}{ratio[0]:10.2f}x{ratio[1]:10.2f}x{ratio[2]:8.2f}x{start_ratio:16.2f}x")
    print("goals: compressed size <= 1.15x, start <= 1.3x (noisy shared machine: compare within this run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
