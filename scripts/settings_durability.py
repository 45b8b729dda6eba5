"""Kill -9 a process in the middle of 1,000 settings saves, again and again; count files that do not survive.

Run from the repository root: ``python scripts/settings_durability.py [--kills N] [--saves N]``.
Each round starts a child that saves settings.json ``--saves`` times (window.x counts the saves, window.y
names the round) and reports every save it finished on stdout; the parent SIGKILLs it at a random moment
of the run. After each kill the file must load without a notice, and hold either the last save the
child reported, the one it was finishing, or (killed before its first save) what the previous round
left. ``--unsafe`` writes in place instead of write_atomic, to watch the check catch torn files.
Printed: kills, files that parsed, torn or lost files, and stray temp files left beside the settings.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oktatool.core.store.settings import load_settings  # noqa: E402

CHILD = r"""
import sys
from pathlib import Path
from oktatool.core.store.settings import Profile, Settings, WindowState, save_settings, settings_to_dict
import json

path, round_no, saves, unsafe = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
# twenty profiles make a file of a few KB, so that a write in place would be caught half done
profiles = tuple(Profile(name=f"org {i}", org_url=f"https://org{i}.okta.com", client_id=f"0oa{i:017d}",
                         scopes=("okta.users.read", "okta.groups.manage", "okta.apps.read")) for i in range(20))
print("ready", flush=True)
for count in range(saves):
    settings = Settings(profiles=profiles, active_profile="org 0", window=WindowState(x=count, y=round_no))
    if unsafe:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(settings_to_dict(settings), indent=2))
            handle.flush()
    else:
        save_settings(path, settings)
    print(count, flush=True)
"""


@dataclass
class Outcome:
    kills: int = 0
    parsed: int = 0
    torn: int = 0  # the file did not load cleanly
    lost: int = 0  # it loaded, but held neither the newest save nor the previous state
    stray_temp_files: int = 0
    saves_per_second: float = 0.0

    def figure(self, saves: int) -> str:
        return (f"{self.kills} kill -9 during {saves:,}-save runs: {self.parsed} files parsed, {self.torn} torn, "
                f"{self.lost} lost; {self.stray_temp_files} stray temp files left beside settings.json "
                f"({self.saves_per_second:,.0f} saves/s)")


def _state(path: Path) -> tuple[int, int] | None:
    """Return (round, count) of the settings file, or None when it does not load cleanly."""
    result = load_settings(path, keep_aside=False)
    if result.notice is not None or result.first_run:
        return None
    window = result.settings.window
    if window.x is None or window.y is None:
        return None
    return window.y, window.x


def _child(path: Path, round_no: int, saves: int, unsafe: bool) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    args = [sys.executable, "-c", CHILD, str(path), str(round_no), str(saves), "1" if unsafe else "0"]
    child = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    return child


def run(kills: int, saves: int = 1000, *, unsafe: bool = False, seed: int | None = None) -> Outcome:
    rng = random.Random(seed)  # noqa: S311 - when to kill, not a secret
    outcome = Outcome()
    with tempfile.TemporaryDirectory(prefix="oktatool-durability-") as folder:
        path = Path(folder) / "settings.json"
        # round 0 runs to the end: it measures how long a run takes, so that kills land inside runs
        started = time.monotonic()
        calibration = _child(path, 0, saves, unsafe)
        calibration.communicate()
        duration = time.monotonic() - started
        outcome.saves_per_second = saves / duration
        previous = _state(path)
        for round_no in range(1, kills + 1):
            child = _child(path, round_no, saves, unsafe)
            time.sleep(rng.uniform(0, duration))
            child.kill()  # SIGKILL (TerminateProcess on Windows): no handler, no cleanup
            rest, _ = child.communicate()
            outcome.kills += 1
            reported = [int(line) for line in rest.split() if line.isdigit()]
            state = _state(path)
            if state is None:
                outcome.torn += 1
                continue
            outcome.parsed += 1
            last = reported[-1] if reported else None
            newest = {(round_no, last), (round_no, last + 1)} if last is not None else {(round_no, 0)}
            if state not in newest and state != previous:
                outcome.lost += 1
            previous = state
        outcome.stray_temp_files = sum(1 for name in os.listdir(folder) if name.endswith(".tmp"))
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--saves", type=int, default=1000)
    parser.add_argument("--unsafe", action="store_true", help="write in place (to see the check fail)")
    args = parser.parse_args()
    outcome = run(args.kills, args.saves, unsafe=args.unsafe)
    print(json.dumps(outcome.__dict__))
    print(outcome.figure(args.saves))
    sys.exit(1 if outcome.torn or outcome.lost else 0)


if __name__ == "__main__":
    main()
