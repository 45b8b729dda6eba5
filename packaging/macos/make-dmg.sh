#!/usr/bin/env bash
# Wrap dist/oktatool.app (built by `pyinstaller packaging/oktatool.spec` on macOS; its Info.plist comes
# from the spec's BUNDLE) into dist/oktatool-<version>-macos-<arch>.dmg with an Applications link, so
# users drag the app into /Applications. Runs only on macOS (hdiutil); the release workflow calls it.
#   packaging/macos/make-dmg.sh VERSION
set -euo pipefail
cd "$(dirname "$0")/../.."
version=${1:?usage: make-dmg.sh VERSION}
app=dist/oktatool.app
[ -d "$app" ] || { echo "make-dmg: $app not found; build it with pyinstaller packaging/oktatool.spec" >&2; exit 1; }
plist_version=$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$app/Contents/Info.plist")
[ "$plist_version" = "$version" ] || { echo "make-dmg: Info.plist says $plist_version, expected $version" >&2; exit 1; }

# PyInstaller signs the bundle ad hoc (no Developer ID: Gatekeeper asks on first open, right-click >
# Open, as packaging/README.md says); say so if that signature does not hold.
codesign --verify --deep --strict "$app" || echo "make-dmg: warning: $app's ad-hoc signature does not verify" >&2

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
dmg="dist/oktatool-$version-macos-$(uname -m).dmg"
rm -f "$dmg"
hdiutil create -volname "oktatool $version" -srcfolder "$stage" -fs HFS+ -format UDZO -imagekey zlib-level=9 -ov "$dmg"
hdiutil verify "$dmg"
echo "make-dmg: $dmg $(stat -f %z "$dmg") bytes"
