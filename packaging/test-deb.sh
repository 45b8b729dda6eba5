#!/usr/bin/env bash
# Install dist/oktatool_<version>_amd64.deb into a clean Debian 12 root and run the frozen app from the
# installed files. Fails loudly on any error.
#
#   packaging/test-deb.sh [PATH.deb]
#
# Roots (OKTATOOL_TEST_ROOT):
#   debootstrap (default when run as root): `debootstrap --variant=minbase bookworm` from the mirror this
#       machine's apt uses, kept pristine as a tarball in $OKTATOOL_CACHE (default /var/cache/oktatool-ci)
#       and unpacked fresh for every run; the .deb is installed with apt, so its Depends are what
#       brings in the host libraries, and `ldd` proves nothing the bundle needs is missing.
#   dpkg: `dpkg -x` into a temporary folder and run with this machine's libraries (no root needed;
#       Depends are only checked to be installed here, not proven sufficient).
#   host: install the .deb into this machine with apt (for throwaway containers, e.g. `docker run
#       debian:12` in the release workflow).
# Commands whose code is not in this tree yet (oktatool/commands/<area>.py, app.py, gui/self_test.py) are
# reported as SKIP; OKTATOOL_TEST_STRICT=1 turns every SKIP into a failure (release builds).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

deb=${1:-$(ls -t dist/oktatool_*_amd64.deb 2>/dev/null | sed -n 1p)}
[ -n "$deb" ] && [ -f "$deb" ] || { echo "test-deb: no .deb given and none in dist/ (run packaging/build-linux.sh)" >&2; exit 1; }
deb=$(readlink -f "$deb")
mode=${OKTATOOL_TEST_ROOT:-$([ "$(id -u)" = 0 ] && echo debootstrap || echo dpkg)}
case "$mode" in debootstrap|dpkg|host) ;; *) echo "test-deb: OKTATOOL_TEST_ROOT must be debootstrap, dpkg or host" >&2; exit 2 ;; esac
cache=${OKTATOOL_CACHE:-/var/cache/oktatool-ci}
strict=${OKTATOOL_TEST_STRICT:-0}
suite=bookworm

work=$(mktemp -d /tmp/oktatool-test-deb.XXXXXX)
root=$work/root
server_pid=""
cleanup() {
  # A failed check must not leave the sandbox server running.
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if mountpoint -q "$root/proc" 2>/dev/null; then umount "$root/proc"; fi
  # --one-file-system: never follow a mount that survived into the host's folders.
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

mirror() {
  # The first Debian URI this machine's apt uses (deb822 or one-line format).
  local uri
  uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
        | grep -E 'debian(/| |$)' | sed -n 1p | sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' | awk '{print $1}')
  echo "${uri:-http://deb.debian.org/debian}"
}

root_cmd() {
  # Set ROOT_CMD to the prefix that runs a command in the root (offscreen, with a scratch OKTATOOL_HOME).
  if [ "$mode" = debootstrap ]; then
    ROOT_CMD=(chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME=/root LANG=C.UTF-8
              QT_QPA_PLATFORM=offscreen OKTATOOL_HOME=/tmp/oktatool-home)
  else
    ROOT_CMD=(env QT_QPA_PLATFORM=offscreen OKTATOOL_HOME="$work/home" LANG=C.UTF-8)
  fi
}
in_root() { root_cmd; "${ROOT_CMD[@]}" "$@"; }

bootstrap_base() {
  # Make the pristine minbase tarball once; return non-zero where debootstrap cannot run (containers).
  [ -f "$base" ] && return 0
  if ! command -v debootstrap >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null || return 1
  fi
  echo "test-deb: debootstrap --variant=minbase $suite from $(mirror) (cached in $base)"
  mkdir -p "$cache" "$work/bootstrap"
  if ! debootstrap --variant=minbase "$suite" "$work/bootstrap" "$(mirror)" >"$work/debootstrap.log" 2>&1; then
    tail -20 "$work/debootstrap.log" >&2
    return 1
  fi
  tar -C "$work/bootstrap" -cf "$base.tmp" . && mv "$base.tmp" "$base" || return 1
  rm -rf --one-file-system "$work/bootstrap"
}

start=$SECONDS
base="$cache/$suite-minbase.tar"
if [ "$mode" = debootstrap ] && ! bootstrap_base; then
  [ -n "${OKTATOOL_TEST_ROOT:-}" ] && { echo "test-deb: debootstrap failed" >&2; exit 1; }
  echo "test-deb: NOTE: debootstrap is not possible here; falling back to dpkg -x with this machine's libraries"
  mode=dpkg
fi
if [ "$mode" = debootstrap ]; then
  mkdir -p "$root"
  tar -C "$root" -xf "$base"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # Qt and Python run without /proc, but some tools in the root expect it; a container may forbid mounts.
  mount -t proc proc "$root/proc" 2>/dev/null || echo "test-deb: note: /proc could not be mounted in the root"
  cp "$deb" "$root/tmp/oktatool.deb"
  echo "test-deb: clean $suite root ready in $((SECONDS - start)) s; installing $(basename "$deb") with apt"
  in_root apt-get update -qq
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/oktatool.deb \
    >"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log" >&2; exit 1; }
  prefix=$root
elif [ "$mode" = host ]; then
  echo "test-deb: installing $(basename "$deb") into this machine with apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >"$work/apt.log" 2>&1 \
    || { tail -30 "$work/apt.log" >&2; exit 1; }
  prefix=""
else
  echo "test-deb: dpkg -x $(basename "$deb") into a temporary root; running with this machine's libraries"
  dpkg-deb -x "$deb" "$root"
  depends=$(dpkg-deb -f "$deb" Depends)
  # Each Depends item must be satisfied here by at least one of its alternatives.
  IFS=',' read -ra items <<<"$depends"
  for item in "${items[@]}"; do
    ok=0
    IFS='|' read -ra alts <<<"$item"
    for alt in "${alts[@]}"; do
      pkg=$(awk '{print $1}' <<<"$alt")
      if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then ok=1; fi
    done
    [ "$ok" = 1 ] || { echo "test-deb: Depends item '$item' is not installed on this machine" >&2; exit 1; }
  done
  prefix=$root
fi
echo "test-deb: installed in $((SECONDS - start)) s"

fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
exe="$prefix/usr/bin/oktatool"
[ -L "$exe" ] || fail "/usr/bin/oktatool is not a symlink"
[ "$(readlink "$exe")" = /opt/oktatool/oktatool ] || fail "/usr/bin/oktatool points to $(readlink "$exe")"
[ -x "$prefix/opt/oktatool/oktatool" ] || fail "/opt/oktatool/oktatool is not executable"
[ -f "$prefix/usr/share/applications/oktatool.desktop" ] || fail "no .desktop entry"
[ -f "$prefix/usr/share/icons/hicolor/256x256/apps/oktatool.png" ] || fail "no hicolor icon"
[ -d "$prefix/opt/oktatool/_internal/oktatool/resources" ] || fail "resources are not in the bundle"
if [ "$mode" != dpkg ]; then
  # The symlink resolves inside the root, where /opt/oktatool is.
  exe=/usr/bin/oktatool
  # Every bundled ELF file must find every library it needs (bundled, or from the Depends apt installed).
  report=$(in_root sh -c 'find /opt/oktatool -type f \( -name "*.so*" -o -name oktatool \) | while read -r f; do
      echo "checked $f"; LD_LIBRARY_PATH=/opt/oktatool/_internal ldd "$f" 2>/dev/null | grep "not found" | sed "s|^|$f: |"
    done')
  checked=$(grep -c '^checked ' <<<"$report" || true)
  missing=$(grep -v '^checked ' <<<"$report" | sort -u || true)
  [ "$checked" -gt 50 ] || fail "ldd checked only $checked files"
  [ -z "$missing" ] || fail "libraries missing after installing the Depends:"$'\n'"$missing"
  echo "test-deb: ldd: all $checked bundled ELF files resolve every library"
else
  # Outside a root the symlink's absolute target does not exist; run the bundle's executable directly.
  exe="$root/opt/oktatool/oktatool"
fi

run() {
  # run NAME EXPECTED_EXIT EXPECTED_PATTERN CMD... : run, print the output, fail on another exit status
  # or a missing pattern.
  local name=$1 expected=$2 pattern=$3 out rc=0
  shift 3
  local t0=$SECONDS
  out=$(in_root "$@" 2>&1) || rc=$?
  head -n 12 <<<"$out" | sed "s/^/    /"  # head reads a here-string: no SIGPIPE under pipefail
  [ "$rc" = "$expected" ] || fail "$name exited $rc, expected $expected"
  grep -qE -- "$pattern" <<<"$out" || fail "$name printed nothing matching /$pattern/"
  echo "test-deb: ok   $name ($((SECONDS - t0)) s)"
}
json_field() { grep -o "\"$1\":\"[^\"]*\"" <<<"$2" | sed -n '1s/.*:"\(.*\)"/\1/p'; }

sandbox_token() {
  # The frozen app end to end over TLS: its sandbox (joserfc) on loopback, its token client (jwcrypto,
  # requests) through the OS trust store plus the sandbox's CA; refused without that CA.
  local out="$work/sandbox.out" pid line t0=$SECONDS
  # Started as a plain command, not through a function, so $! is the server itself (chroot and env exec).
  root_cmd
  "${ROOT_CMD[@]}" "$exe" sandbox --tls --dir /tmp/oktatool-sandbox >"$out" 2>&1 &
  pid=$!
  server_pid=$pid
  for _ in $(seq 150); do
    if grep -q org_url "$out" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.2
  done
  line=$(sed -n 1p "$out")
  grep -q '"org_url"' <<<"$line" || fail "oktatool sandbox --tls did not start: $(cat "$out")"
  local org cid key ca
  org=$(json_field org_url "$line"); cid=$(json_field client_id "$line")
  key=$(json_field key_file "$line"); ca=$(json_field ca_file "$line")
  echo "test-deb: ok   oktatool sandbox --tls serving $org ($((SECONDS - t0)) s)"
  run "oktatool token (TLS, --ca-bundle)" 0 '"access_token"' \
    "$exe" token --org "$org" --client-id "$cid" --key "$key" --scopes okta.users.read --ca-bundle "$ca" --json
  run "oktatool token without the sandbox CA is refused" 1 'could not be verified' \
    "$exe" token --org "$org" --client-id "$cid" --key "$key" --scopes okta.users.read --json
  kill "$pid"
  wait "$pid" || true
  server_pid=""
}
skip() {
  [ "$strict" = 1 ] && fail "$1 is not in this tree (OKTATOOL_TEST_STRICT=1)"
  echo "test-deb: SKIP $1 (its code is not in this tree yet)"
}
has() { [ -f "$repo/oktatool/$1" ]; }

version=$(dpkg-deb -f "$deb" Version)
run "oktatool --version" 0 "^oktatool $version\$" "$exe" --version
if has commands/keys.py; then
  run "oktatool keygen --kty EC --crv P-256" 0 '"crv": *"P-256"' "$exe" keygen --kty EC --crv P-256
else skip "oktatool keygen"; fi
if has commands/scopes.py; then
  run "oktatool scopes --json" 0 'okta\.users\.read' "$exe" scopes --json
else skip "oktatool scopes --json"; fi
if has commands/sandbox.py && has commands/okta.py; then
  sandbox_token
else skip "oktatool sandbox --tls + oktatool token"; fi
if has app.py; then
  run "oktatool --smoke" 0 '' "$exe" --smoke
else skip "oktatool --smoke"; fi
if has gui/self_test.py; then
  run "oktatool --self-test" 0 'self-test passed' "$exe" --self-test
else skip "oktatool --self-test"; fi
echo "test-deb: PASS ($mode root, $((SECONDS - start)) s)"
