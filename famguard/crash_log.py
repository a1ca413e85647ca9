"""The record of a crash: when the app dies of a fatal signal (a segfault in Qt's binding, seen
once by an outside tester and not reproduced since), Python's fault handler writes every thread's
stack to `crash.log` in the data folder, and the next start keeps that record under a name with
its time and tells the guardian where it is. Without it a crash left nothing behind but the
system log's one line. The record holds code locations only (file, line and function of each
frame): no value, so no password, token or name; the folder and the file are the owner's alone.

No Qt: the window that tells it is famguard.ui.dialogs.show_crash_record's."""

from __future__ import annotations

import faulthandler
import logging
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from famguard.paths import ensure_private_dir, private_file, user_data_dir

if TYPE_CHECKING:
    from datetime import datetime

log = logging.getLogger(__name__)

CRASH_FILE = "crash.log"  # this run's; empty unless it crashed
KEPT_RECORDS = 5  # the newest crash-*.log records kept; older ones are removed
MAX_SHOWN_CHARS = 100_000  # of a record, in its window's details (a record is a few KiB)

_armed: TextIO | None = None  # open for the fault handler for as long as the app runs


class CrashRecord:
    """The record of a run that crashed, as kept. A plain class: this module is imported at every
    start, where a NamedTuple's or a frozen dataclass's making costs ~0.3-0.6 ms of CPU."""

    __slots__ = ("at", "path", "text")

    def __init__(self, path: Path, text: str, at: datetime) -> None:
        self.path = path
        self.text = text  # every thread's stack at the crash
        self.at = at  # when it was written (the crash)


def arm() -> CrashRecord | None:
    """Make this run's record ready, and give the record of the run before when that one
    crashed (kept as crash-YYYY-MM-DD-HHMMSS.log), else None. Once per process, before the event
    loop runs (a stat, and a read after a crash only), after it has claimed the app's single
    instance: a second launch, which hands over and exits, must not empty the running app's
    record. A folder that cannot be written leaves the app unrecorded. The record is written from
    `record_from_now` on."""
    global _armed
    try:
        folder = ensure_private_dir(user_data_dir())
        current = folder / CRASH_FILE
        previous = _keep_record(current)
        private_file(current)
        _armed = open(current, "w", encoding="utf-8")  # noqa: SIM115 - open for the whole run
    except OSError as exc:
        log.warning("No crash record for this run: %s", exc)
        return None
    return previous


def record_from_now() -> None:
    """A crash from now on is recorded (after `arm`). Called once the first screen is up: enabled
    before it, the fault handler cost a returning guardian's start ~10-17 ms of CPU to the family's
    paint (tests/benchmarks/bench_startup.py, A/B), for a crash in the first quarter second."""
    if _armed is not None and not faulthandler.is_enabled():
        faulthandler.enable(file=_armed, all_threads=True)


def _keep_record(current: Path) -> CrashRecord | None:
    try:
        stat = current.stat()
    except FileNotFoundError:
        return None
    if stat.st_size == 0:
        return None
    from datetime import datetime  # after a crash only: not on every start's way

    at = datetime.fromtimestamp(stat.st_mtime)
    text = current.read_text(encoding="utf-8", errors="replace")[:MAX_SHOWN_CHARS]
    kept = current.with_name(f"crash-{at:%Y-%m-%d-%H%M%S}.log")
    current.replace(kept)
    for old in sorted(current.parent.glob("crash-*.log"))[:-KEPT_RECORDS]:
        old.unlink(missing_ok=True)
    return CrashRecord(kept, text, at)


def disarm() -> None:
    """The app ends normally: no record, and the file stays empty."""
    global _armed
    if _armed is not None:
        faulthandler.disable()
        _armed.close()
        _armed = None


def crash_words(record: CrashRecord) -> str:
    """What the guardian is told at the start after a crash (its window's text)."""
    return (
        f"It closed unexpectedly the last time it ran ({record.at:%a %d %b, %H:%M}). A record of what it "
        f"was doing — code locations only, no personal data — is kept in {record.path}. Please send it to "
        "support, with a word on what you were doing."
    )
