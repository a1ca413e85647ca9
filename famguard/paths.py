"""Where FamGuard keeps files: the one module that knows appdirs (frozen since 2020, kept behind
this seam). `FAMGUARD_DATA_DIR` overrides the location, which tests and the demo use so they
never touch the user's real data directory."""

from __future__ import annotations

import os
from pathlib import Path

from famguard.identity import APP_NAME
from famguard.identity import ORGANISATION as APP_AUTHOR


def user_data_dir() -> Path:
    override = os.environ.get("FAMGUARD_DATA_DIR")
    if override:
        return Path(override)
    import appdirs  # imported here: nothing on the path to the first paint needs it

    return Path(appdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def settings_file() -> Path:
    """The app's preferences (famguard.ui.settings), which signing in writes."""
    return user_data_dir() / "settings.ini"


def ensure_private_dir(path: Path) -> Path:
    """Create `path` readable by the owner only (it holds cached family data), and each folder
    above it that has to be made with it: `mkdir(parents=True)` made those with the umask's mode,
    so the data folder holding `accounts/` and the settings came out readable by every user."""
    missing, folder = [], path
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=0o700, exist_ok=True)
    return path


def private_file(path: Path) -> bool:
    """Create `path`, empty, readable and writable by its owner only, unless it exists; whether it
    was made. A SQLite database made so keeps that mode, and its -wal and -shm files take it. An
    OSError (no such folder, no permission) is left to whoever opens the file next, in its words."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:  # FileExistsError among them
        return False
    return True
