"""The time zone of this computer as an IANA name (Europe/London), so that a newly linked teen's
day starts in the guardian's zone rather than UTC: TZ, then /etc/timezone, then where
/etc/localtime points. None when none of them names a zone FamGuard knows (then nothing is
changed). UTC under another name (Etc/UTC, the zone of most Linux images and containers; Zulu;
GMT) is the service's own "UTC": the same day, so linking a teen there changes nothing, where it
had written a "UTC → Etc/UTC" change into every history."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from famguard.domain.values import DEFAULT_TIMEZONE

# Names of UTC itself (tzdata links to it) and of the GMT zone, which never differs from it.
_UTC_NAMES = frozenset(
    {
        "UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu",
        "GMT", "Etc/GMT", "GMT0", "Etc/GMT0", "GMT+0", "Etc/GMT+0", "GMT-0", "Etc/GMT-0", "Greenwich", "Etc/Greenwich",
    }
)  # fmt: skip


def _known(name: str) -> str | None:
    name = name.strip().lstrip(":")
    if not name or name.startswith("/") or ".." in name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return DEFAULT_TIMEZONE if name in _UTC_NAMES else name  # the service's own name of UTC


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
