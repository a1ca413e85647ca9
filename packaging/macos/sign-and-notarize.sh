#!/usr/bin/env bash
# Sign dist/FamGuard.app with a Developer ID and the hardened runtime, notarise it with Apple,
# staple the ticket, and pack a signed, notarised .dmg. Run on a Mac after `python packaging/build.py`.
#
#   export CODESIGN_IDENTITY="Developer ID Application: Example Ltd (TEAMID1234)"
#   export NOTARY_PROFILE=famguard-notary   # once: xcrun notarytool store-credentials famguard-notary \
#                                           #   --apple-id you@example.org --team-id TEAMID1234
#   packaging/macos/sign-and-notarize.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${CODESIGN_IDENTITY:?set CODESIGN_IDENTITY to your 'Developer ID Application: ...' identity}"
: "${NOTARY_PROFILE:?set NOTARY_PROFILE to a profile stored with xcrun notarytool store-credentials}"
APP=dist/FamGuard.app
ENTITLEMENTS=packaging/macos/entitlements.plist
VERSION=$(python -c 'import famguard; print(famguard.__version__)')
DMG="dist/famguard-${VERSION}-macos-$(uname -m).dmg"
[ -d "$APP" ] || { echo "$APP is missing: run python packaging/build.py first" >&2; exit 1; }

sign() { codesign --force --timestamp --options runtime --entitlements "$ENTITLEMENTS" --sign "$CODESIGN_IDENTITY" "$@"; }

# Inside out: every library and executable first, then the bundle itself (no --deep: it signs
# in the wrong order and hides what failed).
find "$APP/Contents" -type f \( -name '*.so' -o -name '*.dylib' -o -perm -u+x \) -print0 |
  while IFS= read -r -d '' file; do
    if file -b "$file" | grep -q 'Mach-O'; then sign "$file"; fi
  done
find "$APP/Contents" -type d -name '*.framework' -print0 | while IFS= read -r -d '' framework; do sign "$framework"; done
sign "$APP"
codesign --verify --strict --deep --verbose=2 "$APP"

# Notarise the app (zipped), staple, then the same for the disk image.
ditto -c -k --keepParent "$APP" dist/FamGuard-notarize.zip
xcrun notarytool submit dist/FamGuard-notarize.zip --keychain-profile "$NOTARY_PROFILE" --wait
xcrun stapler staple "$APP"
rm -f dist/FamGuard-notarize.zip

rm -f "$DMG"
hdiutil create -volname FamGuard -srcfolder "$APP" -ov -format UDZO "$DMG"
codesign --force --timestamp --sign "$CODESIGN_IDENTITY" "$DMG"
xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
xcrun stapler staple "$DMG"
spctl --assess --type execute --verbose "$APP"
echo "Signed and notarised: $DMG"
