"""The window, frame included, fits a small screen. Found from outside (Xvfb 800 × 600 with
openbox): the window sized its inside to the screen and the window manager's title bar pushed its
bottom ~20 px off the screen, "Add a teen" and the notice bar among them.

A real X server (Xvfb) and a real window manager (openbox) — offscreen Qt has no frame to measure;
the app is the installed `famguard` command with a fresh profile; the frame is read with xwininfo.
The tools are installed by .ci/run (FAMGUARD_REQUIRE_DESKTOP_TOOLS=1 there: missing, they fail)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.release.support import tool

SCREEN = (800, 600)
TOOLS = {"Xvfb": "xvfb", "openbox": "openbox", "xdotool": "xdotool", "xwininfo": "x11-utils"}


def _tools() -> None:
    for name, package in TOOLS.items():
        tool(name, package, required_by="FAMGUARD_REQUIRE_DESKTOP_TOOLS")


@contextmanager
def _desktop(width: int, height: int) -> Iterator[dict[str, str]]:
    """An X server of that size with openbox on it; the environment to run a program there."""
    for number in range(120, 160):  # a display number nobody uses
        if not os.path.exists(f"/tmp/.X11-unix/X{number}") and not os.path.exists(f"/tmp/.X{number}-lock"):
            break
    display = f":{number}"
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    home = tempfile.mkdtemp(prefix="famguard-frame-")
    env = {
        **{k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"},
        "DISPLAY": display,
        "HOME": home,
        "XDG_CONFIG_HOME": f"{home}/config",
        "XDG_DATA_HOME": f"{home}/data",
        "XDG_CACHE_HOME": f"{home}/cache",
    }
    manager = None
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(f"/tmp/.X11-unix/X{number}"):
            assert time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.05)
        manager = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)  # openbox takes the screen before the window maps
        yield env
    finally:
        for process in (manager, server):
            if process is not None:
                process.terminate()
                process.wait(10)
        shutil.rmtree(home, ignore_errors=True)


def _frame(env: dict[str, str], window: str) -> tuple[int, int, int, int]:
    """x, y, width, height of the window with its frame (title bar and borders)."""
    info = subprocess.run(["xwininfo", "-frame", "-id", window], env=env, capture_output=True, text=True, check=True)

    def value(label: str) -> int:
        found = re.search(rf"{label}:\s+(-?\d+)", info.stdout)
        assert found, info.stdout
        return int(found.group(1))

    return value("Absolute upper-left X"), value("Absolute upper-left Y"), value("Width"), value("Height")


def test_the_framed_window_fits_a_small_screen() -> None:
    _tools()
    width, height = SCREEN
    with _desktop(width, height) as env:
        app = subprocess.Popen(
            [sys.executable, "-c", "import famguard.app as app; raise SystemExit(app.main([]))"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            found = subprocess.run(
                ["xdotool", "search", "--sync", "--onlyvisible", "--name", "FamGuard"],
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
            )
            window = found.stdout.split()[0]
            deadline = time.monotonic() + 10
            while True:
                x, y, framed_width, framed_height = _frame(env, window)
                inside = x >= 0 and y >= 0 and x + framed_width <= width and y + framed_height <= height
                if inside or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert framed_height > height - 100, "the window uses the screen's height"
            assert inside, (
                f"the framed window ({framed_width}x{framed_height} at {x},{y}) leaves the {width}x{height} screen"
            )
        finally:
            app.terminate()
            app.wait(10)


# The demo's window as screens.py builds it (family, controls page, Teen's phone), then the pairing
# wizard placed beside the phone as the pairing presenter places it; what a person would see is
# printed once the window manager has framed both (global coordinates, frames included).
_DEMO_PROBE = """
import json, sys
from PySide6.QtCore import QPoint, QRect, QTimer
from PySide6.QtWidgets import QApplication
from famguard.ui.main_window import MainWindow
from famguard.ui.pairing import PairingWizard
from tests.ui import screens

app = QApplication(sys.argv[:1])
window = MainWindow()
window.show()
screens.build("demo", window)
state = {}

def rect(r):
    return [r.x(), r.y(), r.width(), r.height()]

def wizard():
    state["wizard"] = PairingWizard(window)
    room = window.room_beside_teen_phone()
    state["wizard"].place_within(room, window.frame_size())
    state["wizard"].show()
    QTimer.singleShot(1500, report)

def report():
    phone = window.teen_phone
    code = phone.code_edit
    print(json.dumps({
        "window": rect(window.frameGeometry()),
        "list_shown": window.teen_list.isVisible(),
        "phone_width": phone.width(),
        "code": rect(QRect(code.mapToGlobal(QPoint(0, 0)), code.size())),
        "code_whole": code.visibleRegion().boundingRect() == code.rect(),
        "wizard": rect(state["wizard"].frameGeometry()),
    }))
    app.quit()

QTimer.singleShot(1500, wizard)
app.exec()
"""


def _probe_demo(width: int, height: int) -> dict[str, object]:
    import json

    from tests.release.support import ROOT

    with _desktop(width, height) as env:
        result = subprocess.run(
            [sys.executable, "-c", _DEMO_PROBE], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _inside(inner: list[int], outer: tuple[int, int]) -> bool:
    x, y, w, h = inner
    return x >= 0 and y >= 0 and x + w <= outer[0] and y + h <= outer[1]


def _overlap(a: list[int], b: list[int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_the_demo_on_800x600_keeps_the_phone_readable_and_the_wizard_off_its_code_field() -> None:
    """Under a real window manager, whose frames the placement must count: the phone's code field
    whole beside the teen's page (the list of teens folded away), the wizard beside the phone."""
    _tools()
    seen = _probe_demo(*SCREEN)
    assert _inside(seen["window"], SCREEN) and _inside(seen["wizard"], SCREEN), seen
    assert seen["code_whole"] and seen["phone_width"] >= 240 and not seen["list_shown"], seen
    assert not _overlap(seen["wizard"], seen["code"]), seen


def test_the_demo_on_1280x800_is_as_before_and_the_wizard_leaves_the_code_field_in_view() -> None:
    """With room for both: the list of teens, the page and the phone at its usual width, side by side."""
    _tools()
    size = (1280, 800)
    seen = _probe_demo(*size)
    assert _inside(seen["window"], size) and _inside(seen["wizard"], size), seen
    assert seen["list_shown"] and seen["code_whole"] and seen["phone_width"] >= 320, seen
    assert not _overlap(seen["wizard"], seen["code"]), seen
