#!/bin/sh
# Install FamGuard for this user from the unpacked tarball: the bundle goes to
# ~/.local/lib/famguard, `famguard` to ~/.local/bin, the desktop file, the AppStream metainfo and
# the icons to ~/.local/share, and famguard:// links are handed to FamGuard.
#   ./install.sh              install (or update)
#   ./install.sh --uninstall  remove all of it again
# XDG_DATA_HOME and FAMGUARD_PREFIX (default ~/.local) choose other places; nothing needs root.
set -eu

APP_ID=org.famguard.FamGuard
HERE=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
PREFIX=${FAMGUARD_PREFIX:-$HOME/.local}
DATA=${XDG_DATA_HOME:-$PREFIX/share}
LIB=$PREFIX/lib/famguard
BIN=$PREFIX/bin

refresh_caches() {
    # Optional helpers: menus and icon caches pick the changes up without them, only later.
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA/applications" || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$LIB"
    rm -f "$BIN/famguard" "$DATA/applications/$APP_ID.desktop" "$DATA/metainfo/$APP_ID.metainfo.xml"
    find "$DATA/icons/hicolor" -name "$APP_ID.*" -type f -exec rm -f {} + 2>/dev/null || true
    refresh_caches
    echo "FamGuard was removed. Your family data stays in your data folder; remove it from there if you wish."
    exit 0
fi

if [ ! -x "$HERE/famguard" ] || [ ! -d "$HERE/share/icons/hicolor" ]; then
    echo "install.sh must be run from the unpacked FamGuard folder (famguard and share/ beside it)." >&2
    exit 1
fi

# The bundle itself (copied unless the tarball was unpacked right there).
if [ "$HERE" != "$LIB" ]; then
    rm -rf "$LIB.new"
    mkdir -p "$(dirname "$LIB")"
    cp -R "$HERE" "$LIB.new"
    rm -rf "$LIB"
    mv "$LIB.new" "$LIB"
fi
mkdir -p "$BIN" "$DATA/applications" "$DATA/metainfo"
ln -sf "$LIB/famguard" "$BIN/famguard"

# The desktop file runs the installed copy by its full path (~/.local/bin is not always on PATH).
sed "s|^Exec=famguard |Exec=\"$LIB/famguard\" |" "$HERE/share/applications/$APP_ID.desktop" \
    > "$DATA/applications/$APP_ID.desktop"
cp "$HERE/share/metainfo/$APP_ID.metainfo.xml" "$DATA/metainfo/"
( cd "$HERE/share/icons" && find hicolor -name "$APP_ID.*" -type f ) | while read -r icon; do
    mkdir -p "$DATA/icons/$(dirname "$icon")"
    cp "$HERE/share/icons/$icon" "$DATA/icons/$icon"
done
refresh_caches
command -v xdg-mime >/dev/null 2>&1 && xdg-mime default "$APP_ID.desktop" x-scheme-handler/famguard || true

echo "FamGuard is installed: find it in your applications menu, or run $BIN/famguard."
