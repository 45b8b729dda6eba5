#!/usr/bin/env bash
# Build the Linux bundle and its two artifacts in dist/:
#   dist/oktatool/                              the PyInstaller one-folder bundle
#   dist/oktatool_<version>_amd64.deb           bundle under /opt/oktatool, /usr/bin/oktatool symlink,
#                                               .desktop entry, hicolor icons, computed Depends
#   dist/oktatool-<version>-linux-x86_64.tar.xz the portable bundle
#
# Environment:
#   PYTHON               interpreter with oktatool's dependencies and PyInstaller (default: .venv/bin/python,
#                        else python3)
#   OKTATOOL_XZ_LEVEL    xz level 0-9 for both artifacts (default 6; CI uses 1)
#   OKTATOOL_DEB_BUDGET  largest acceptable .deb in bytes (default 45 MB); at xz level 6 or more the build
#                        fails above it (fast CI levels only warn: they make bigger files by design)
#   OKTATOOL_SKIP_APT=1  never call apt-get (the caller has installed the build tools)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
level=${OKTATOOL_XZ_LEVEL:-6}
budget=${OKTATOOL_DEB_BUDGET:-$((45 * 1000 * 1000))}
case "$level" in [0-9]) ;; *) echo "build-linux: OKTATOOL_XZ_LEVEL must be 0-9, got '$level'" >&2; exit 2 ;; esac

# Build tools, and the xcb libraries the Qt xcb plugin needs, so PyInstaller can bundle them
# (feasibility.md §2b: icccm and keysyms are the two a stock image lacks). Installed only when missing.
need=(binutils dpkg xz-utils libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-randr0
      libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1)
missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "${OKTATOOL_SKIP_APT:-0}" = 1 ]; then
    echo "build-linux: missing ${missing[*]} (OKTATOOL_SKIP_APT=1, not installing)" >&2; exit 1
  fi
  echo "build-linux: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PyInstaller bundles libpython; Debian's own python3 keeps it in the separate libpython3.X package.
pyver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
if ! "$PYTHON" -c 'import sysconfig, sys; sys.exit(0 if sysconfig.get_config_var("Py_ENABLE_SHARED") else 1)' \
   && ! ldconfig -p | grep -q "libpython$pyver.so.1.0"; then
  [ "${OKTATOOL_SKIP_APT:-0}" = 1 ] && { echo "build-linux: libpython$pyver is missing" >&2; exit 1; }
  echo "build-linux: installing libpython$pyver"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "libpython$pyver" >/dev/null
fi

version=$("$PYTHON" -c 'import oktatool; print(oktatool.__version__)')
bundle=dist/oktatool
deb=dist/oktatool_${version}_amd64.deb
tarball=dist/oktatool-${version}-linux-x86_64.tar.xz
echo "build-linux: oktatool $version, xz level $level, python $PYTHON"

# 1. The bundle.
start=$SECONDS
PYTHONDONTWRITEBYTECODE=1 "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/oktatool.spec
echo "build-linux: bundle $(du -sm "$bundle" | cut -f1) MB in $((SECONDS - start)) s"
QT_QPA_PLATFORM=offscreen "$bundle/oktatool" --version

# 2. Depends: every shared library that a bundled ELF file needs and the bundle does not carry comes
# from the host; map each to its Debian package on this (build) host, and require the newest glibc
# symbol version any bundled file uses.
elves=()
while IFS= read -r -d '' f; do
  if [ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then elves+=("$f"); fi
done < <(find "$bundle" -type f -print0)
declare -A bundled=()
while IFS= read -r -d '' f; do bundled[$(basename "$f")]=1; done < <(find "$bundle" \( -type f -o -type l \) -print0)
declare -A host_sonames=()
glibc=2.17
for f in "${elves[@]}"; do
  dump=$(objdump -p "$f" 2>/dev/null || true)
  while read -r soname; do
    if [ -n "$soname" ] && [ -z "${bundled[$soname]:-}" ]; then host_sonames[$soname]=1; fi
  done < <(awk '$1 == "NEEDED" {print $2}' <<<"$dump")
  while read -r v; do
    if [ -n "$v" ]; then glibc=$(printf '%s\n%s\n' "$glibc" "$v" | sort -V | tail -1); fi
  done < <(awk '$1 ~ /0x/ && $NF ~ /^GLIBC_[0-9.]+$/ {sub("GLIBC_", "", $NF); print $NF}' <<<"$dump" | sort -uV)
done
declare -A packages=()
# Read whole outputs into variables: a reader that stops early would SIGPIPE the writer under pipefail.
ldcache=$(ldconfig -p)
for soname in "${!host_sonames[@]}"; do
  path=$(awk -v s="$soname" '$1 == s && /x86-64/ && !found {print $NF; found = 1}' <<<"$ldcache")
  if [ -z "$path" ]; then echo "build-linux: $soname is needed but neither bundled nor on this host" >&2; exit 1; fi
  # Debian 12 registers libc6's files under /lib, most others under /usr/lib: try the resolved path first.
  owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null) || owner=$(dpkg -S "$path")
  pkg=$(sed -n '1s/:.*//p' <<<"$owner")
  packages[$pkg]=1
done
unset 'packages[libc6]'
# The bundled fontconfig reads /etc/fonts (from libfontconfig1's fontconfig-config) and needs a font.
depends="libc6 (>= $glibc)"
for pkg in $(printf '%s\n' "${!packages[@]}" libfontconfig1 | sort -u); do depends+=", $pkg"; done
depends+=", fonts-dejavu-core | fonts-liberation2 | fonts-freefont-ttf"
echo "build-linux: host libraries: $(printf '%s ' "${!host_sonames[@]}" | tr ' ' '\n' | sort | tr '\n' ' ')"
echo "build-linux: Depends: $depends"

# 3. The .deb.
stage=build/debroot
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
  "$stage/usr/share/doc/oktatool" "$stage/usr/share/icons/hicolor/scalable/apps"
cp -a "$bundle" "$stage/opt/oktatool"
ln -s /opt/oktatool/oktatool "$stage/usr/bin/oktatool"
install -m 0644 resources/linux/oktatool.desktop "$stage/usr/share/applications/oktatool.desktop"
install -m 0644 resources/icons/oktatool.svg "$stage/usr/share/icons/hicolor/scalable/apps/oktatool.svg"
for png in resources/icons/app/oktatool-*.png; do
  size=${png##*-}; size=${size%.png}
  install -D -m 0644 "$png" "$stage/usr/share/icons/hicolor/${size}x${size}/apps/oktatool.png"
done
cat > "$stage/usr/share/doc/oktatool/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: oktatool
License: Apache-2.0
Comment: The bundle under /opt/oktatool also carries Python, Qt (LGPLv3, via PySide6) and the Python
 packages oktatool depends on, each under its own license.
EOF
cat > "$stage/DEBIAN/control" <<EOF
Package: oktatool
Version: $version
Architecture: amd64
Maintainer: oktatool developers <oktatool@users.noreply.github.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends
Section: utils
Priority: optional
Homepage: https://github.com/oktatool/oktatool
Description: offline desktop and command-line toolkit for Okta admins
 Keys (JWK, JWKS, PEM), client-assertion JWTs, scoped access tokens (Bearer and DPoP) and
 Okta API calls, with a local sandbox org. The window opens with "oktatool"; the same
 executable scripts every step from the command line.
EOF
find "$stage" -type d -exec chmod 0755 {} +
start=$SECONDS
dpkg-deb --root-owner-group -Zxz "-z$level" --build "$stage" "$deb" >/dev/null
echo "build-linux: $deb $(stat -c %s "$deb") bytes in $((SECONDS - start)) s"

# 4. The portable tarball: the bundle in a versioned folder.
start=$SECONDS
rm -f "$tarball"
tar -C dist --transform "s,^oktatool,oktatool-$version," --owner=0 --group=0 --numeric-owner -cf - oktatool \
  | xz -T0 "-$level" > "$tarball"
echo "build-linux: $tarball $(stat -c %s "$tarball") bytes in $((SECONDS - start)) s"

size=$(stat -c %s "$deb")
if [ "$size" -gt "$budget" ]; then
  if [ "$level" -ge 6 ]; then
    echo "build-linux: $deb is $size bytes, over the budget of $budget" >&2
    exit 1
  fi
  echo "build-linux: warning: $deb is $size bytes at xz level $level, over the budget of $budget (checked at level 6+)"
fi
echo "build-linux: done ($repo/dist)"
