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
    """Create `path` readable by the owner only (it holds cached family data)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
