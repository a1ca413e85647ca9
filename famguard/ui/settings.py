"""The desktop app's preferences — the service address, the last email used, which desktop
notifications to show, whether closing the window keeps FamGuard in the tray, and the country
whose hotline the Safety Centre shows — each with its default declared once here. Kept with
QSettings in an INI file inside the data directory, so FAMGUARD_DATA_DIR (tests, the demo)
isolates it like everything else. Nothing secret goes here."""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSettings

from famguard import paths

DEFAULTS: dict[str, str] = {
    "server_url": "",  # no default service: the guardian types it once, or passes --server
    "last_email": "",
    "hotline_country": "",  # none chosen yet: the Safety Centre goes by the system locale
}
# Desktop notifications, each switchable (kind -> what Preferences calls it); all on by default.
NOTIFY_KINDS: dict[str, str] = {
    "request": "A teen asks for more time",
    "unlinked": "A teen, or another guardian, is no longer linked",
    "changed": "Another guardian changed a teen's controls",
    "near_limit": "A teen reaches 90 % of today's limit",
    "guardian_joined": "Someone asks to join a teen's guardians, or answers your request",
}
CLOSE_TO_TRAY_DEFAULT = False  # closing the window quits, as a desktop app usually does


def _flag(value: object, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return default


@dataclass
class Settings:
    """This computer's settings of the app (the remembered guardian, notifications, the tray)."""

    path: Path
    server_url: str = DEFAULTS["server_url"]
    last_email: str = DEFAULTS["last_email"]
    notify: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(NOTIFY_KINDS, True))
    close_to_tray: bool = CLOSE_TO_TRAY_DEFAULT
    hotline_country: str = DEFAULTS["hotline_country"]
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read the preferences (a small file: still called from a worker, like all disk access)."""
        path = path or paths.settings_file()
        store = QSettings(str(path), QSettings.Format.IniFormat)
        return cls(
            path=path,
            server_url=str(store.value("server_url", DEFAULTS["server_url"])),
            last_email=str(store.value("last_email", DEFAULTS["last_email"])),
            notify={kind: _flag(store.value(f"notify/{kind}", True), True) for kind in NOTIFY_KINDS},
            close_to_tray=_flag(store.value("close_to_tray", CLOSE_TO_TRAY_DEFAULT), CLOSE_TO_TRAY_DEFAULT),
            hotline_country=str(store.value("hotline_country", DEFAULTS["hotline_country"])),
        )

    def _write(self, values: dict[str, object]) -> None:
        paths.ensure_private_dir(self.path.parent)
        store = QSettings(str(self.path), QSettings.Format.IniFormat)
        for key, value in values.items():
            store.setValue(key, value)
        store.sync()
        # The remembered guardian's address and service: its owner's only (QSettings writes a new
        # file each time, with the umask's mode).
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)

    def remember(self, *, server_url: str, last_email: str) -> None:
        with self._lock:
            self.server_url, self.last_email = server_url, last_email
            self._write({"server_url": server_url, "last_email": last_email})

    def save_preferences(self, *, server_url: str, notify: dict[str, bool], close_to_tray: bool) -> None:
        """What the Preferences dialog set (call from a worker)."""
        with self._lock:
            self.server_url = server_url
            self.notify = {kind: bool(notify.get(kind, True)) for kind in NOTIFY_KINDS}
            self.close_to_tray = close_to_tray
            values: dict[str, object] = {"server_url": server_url, "close_to_tray": close_to_tray}
            values.update({f"notify/{kind}": on for kind, on in self.notify.items()})
            self._write(values)

    def remember_hotline_country(self, country: str) -> None:
        """The country the guardian chose in the Safety Centre (call from a worker)."""
        with self._lock:
            self.hotline_country = country
            self._write({"hotline_country": country})
