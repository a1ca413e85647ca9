"""A crash leaves a record, and the next start says where it is. Found by an outside tester: the
app's window vanished once (a segfault in Qt's binding, in the system log alone) and could not be
made to again; nothing said what it was doing. Real processes: one that dies of a segfault after
arming the record as the app does, then the real main() in a fresh interpreter."""

from __future__ import annotations

import stat

from famguard.crash_log import CRASH_FILE

from .test_cached_start import _run_main, run_script

CRASHES = """
import ctypes
from famguard import crash_log
crash_log.arm()
crash_log.record_from_now()  # as the app does once its first screen is up
def reading_what_is_not_there():
    ctypes.string_at(0)  # a segfault, as in Qt's binding
reading_what_is_not_there()
"""

LOOKS_FOR_THE_WINDOW = """
import faulthandler, sys, time
import famguard.app as app
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
until = time.monotonic() + SECONDS
def look():
    found = [w for w in QApplication.topLevelWidgets() if w.objectName() == "crashDialog" and w.isVisible()]
    if not found and time.monotonic() < until:
        QTimer.singleShot(50, look)
        return
    for box in found:
        print("window", box.windowTitle(), "|", box.informativeText(), "|", box.detailedText().splitlines()[0])
    print("recording", faulthandler.is_enabled())
    QApplication.instance().quit()
QTimer.singleShot(0, look)
sys.exit(app.main([]))
"""


def test_a_crash_is_recorded_and_the_next_start_says_where(data_dir) -> None:
    crashed = run_script(CRASHES, data_dir)
    assert crashed.returncode != 0
    record = data_dir / CRASH_FILE
    text = record.read_text(encoding="utf-8")
    assert "Segmentation fault" in text and "reading_what_is_not_there" in text  # where it was
    assert stat.S_IMODE(record.stat().st_mode) == 0o600  # the owner's alone

    started = _run_main(LOOKS_FOR_THE_WINDOW.replace("SECONDS", "30"), data_dir)
    kept = sorted(data_dir.glob("crash-*.log"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == text
    # A window of its own: in the notice bar, the start's next notice (a keyring's) took its place.
    told = next(line for line in started.stdout.splitlines() if line.startswith("window "))
    title, words, details = told.removeprefix("window ").split(" | ")
    assert title == "FamGuard — FamGuard closed unexpectedly"
    assert words.startswith("It closed unexpectedly the last time it ran (")
    assert str(kept[0]) in words and "Please send it to support" in words
    assert details == text.splitlines()[0]  # the record itself, to copy
    # That start ended normally: its own record is empty, and the one after says nothing.
    assert (data_dir / CRASH_FILE).read_text(encoding="utf-8") == ""
    again = _run_main(LOOKS_FOR_THE_WINDOW.replace("SECONDS", "3"), data_dir)
    assert "window " not in again.stdout
    assert "recording True" in again.stdout  # from the first screen on (not before: ~10 ms of the start)
    assert len(sorted(data_dir.glob("crash-*.log"))) == 1
