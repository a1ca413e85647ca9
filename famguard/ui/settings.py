"""The desktop app's few preferences (the server address and the last email used), each with its
default declared once here. Kept with QSettings in an INI file inside the data directory, so
FAMGUARD_DATA_DIR (tests, the demo) isolates it like everything else. Nothing secret goes here."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSettings

from famguard import paths

DEFAULTS: dict[str, str] = {
    "server_url": "",  # no default service: the guardian types it once, or passes --server
    "last_email": "",
}


@dataclass
class Settings:
    path: Path
    server_url: str = DEFAULTS["server_url"]
    last_email: str = DEFAULTS["last_email"]
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read the preferences (a small file: still called from a worker, like all disk access)."""
        path = path or paths.user_data_dir() / "settings.ini"
        store = QSettings(str(path), QSettings.Format.IniFormat)
        return cls(
            path=path,
            server_url=str(store.value("server_url", DEFAULTS["server_url"])),
            last_email=str(store.value("last_email", DEFAULTS["last_email"])),
        )

    def remember(self, *, server_url: str, last_email: str) -> None:
        with self._lock:
            self.server_url, self.last_email = server_url, last_email
            paths.ensure_private_dir(self.path.parent)
            store = QSettings(str(self.path), QSettings.Format.IniFormat)
            store.setValue("server_url", server_url)
            store.setValue("last_email", last_email)
            store.sync()
