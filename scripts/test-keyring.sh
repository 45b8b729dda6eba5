#!/usr/bin/env bash
# Run tests/keyring against a real Secret Service: a throwaway D-Bus session with gnome-keyring, its
# keyring files in a temporary folder (never the user's own), unlocked with a throwaway password.
# Needs Debian's gnome-keyring and dbus (dbus-run-session). No display: the unlock prompt cannot show,
# so a locked keyring is refused at once, which is what the locked-keyring tests expect.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
mkdir -m 700 "$keyring_home/data" "$keyring_home/run"
status=0
env -u DISPLAY -u WAYLAND_DISPLAY XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run" \
  OKTATOOL_TEST_KEYRING=1 OKTATOOL_TEST_KEYRING_PASSWORD="ci-$RANDOM$RANDOM" PYTHON="$python" \
  dbus-run-session -- sh -c 'printf %s "$OKTATOOL_TEST_KEYRING_PASSWORD" |
      gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
    exec "$PYTHON" -m pytest -q -rsx -p no:cacheprovider tests/keyring "$@"' sh "$@" \
  2>"$keyring_home/session.log" || status=$?
if [ "$status" -ne 0 ]; then
  echo "keyring session log (dbus-daemon, gnome-keyring):" >&2
  cat "$keyring_home/session.log" >&2
fi
exit "$status"
