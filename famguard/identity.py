"""Who the app is, declared once: its name, organisation, reverse-DNS id and URL scheme. Qt's
application identity (famguard.app), the desktop file, the AppStream metainfo, the Flatpak
manifest, the macOS bundle id, the Windows installer and the single-instance channel all use
these values; tests/release checks the files under packaging/ agree with them.

No imports: this module is on the path to the first paint."""

from __future__ import annotations

APP_NAME = "FamGuard"
ORGANISATION = "FamGuard"
ORGANISATION_DOMAIN = "famguard.org"
# The reverse-DNS id: the desktop file's name (and so the Wayland app id), the AppStream id, the
# Flatpak id, the icon's name in the hicolor theme and the macOS bundle identifier.
APP_ID = "org.famguard.FamGuard"
# famguard://pair?code=K7MQ2XRT is the pairing QR's link (famguard/server/API.md).
URL_SCHEME = "famguard"
