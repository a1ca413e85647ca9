"""The time zone of this computer as an IANA name (Europe/London), so that a newly linked teen's
day starts in the guardian's zone rather than UTC: TZ, then /etc/timezone, then where
/etc/localtime points. None when none of them names a zone FamGuard knows (then nothing is
changed)."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _known(name: str) -> str | None:
    name = name.strip().lstrip(":")
    if not name or name.startswith("/") or ".." in name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def local_timezone(etc: Path = Path("/etc")) -> str | None:
    """This computer's zone (blocking: reads a file or two; call from a worker)."""
    candidates = [os.environ.get("TZ", "")]
    try:
        candidates.append((etc / "timezone").read_text(encoding="utf-8").splitlines()[0])
    except (OSError, IndexError, UnicodeDecodeError):
        pass
    try:
        target = os.readlink(etc / "localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for candidate in candidates:
        zone = _known(candidate)
        if zone is not None:
            return zone
    return None
