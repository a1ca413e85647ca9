"""The family screen at 150 % scale on a 1024 × 768 screen (683 px wide to Qt), as support staff
showed the demo on a laptop with large text: the window's minimum was 713 px, so its right edge —
the phone's "Enter code", every setting's end — ran off the screen, and a guardian without the
demo met the same with the list of teens beside the controls. Now the window fits, and so does
every page: the controls page scrolled sideways by ~30 px there (a long title beside its "Learn
more"), and the custom limit's "Set" was cut off beside the demo's phone. In a process of its own
(tests/ui/scaled_screen.py): Qt's scale is set when it starts, and this process's Qt started at
100 % on an 800 × 600 screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREEN = {"name": "laptop", "x": 0, "y": 0, "width": 1024, "height": 768, "logicalDpi": 96, "logicalBaseDpi": 96}


def _seen(who: str, tmp_path: Path, screen: dict[str, object] = SCREEN) -> dict[str, object]:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [screen | {"dpr": 1}]}))
    env = os.environ | {"QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": "1.5"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.scaled_screen", who],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("who", ["demo", "guardian"])
def test_the_window_and_its_pages_fit_a_683_pixel_screen(who, tmp_path) -> None:
    seen = _seen(who, tmp_path)
    assert seen["screen"] == 683  # the scaled screen, or this proves nothing
    assert seen["window_minimum"] <= 683 and seen["window"] <= 683, seen
    if who == "demo":
        assert seen["phone_shown"] and not seen["list_shown"], seen  # the list folds for the phone, as at 800 px
        # "Teen's phone" sat in the demo bar's » overflow (the 150 % tester): the bar's line is short here.
        assert seen["phone_toggle_in_bar"] and seen["demo_words"] == "Practice family, not real.", seen
    else:
        assert seen["list_shown"], seen  # a guardian's teens stay in sight
    assert seen["home_button_whole"], seen
    assert seen["controls_window"] <= 683 and seen["controls_page_whole"], seen  # "Unlink…" and all
    # No sideways scrolling (outside testers at 150 %): "Duet and Stitch with your teen's videos"
    # and its "Learn more" needed ~30 px more than there is, and the whole page scrolled sideways;
    # "Learn more" goes under a title it does not fit beside. No control a Tab reaches is cut off
    # at the right: the custom limit's range and "Set" go to the next line ("Set" was cut off
    # beside the demo's phone).
    assert not seen["settings_scroll_sideways"] and seen["rows_right_end_scrolled_into_view"], seen
    assert seen["controls_cut_at_the_right"] == [], seen
    # Beside the demo's phone the screen-time page scrolled sideways, its summary cut at the right
    # (an outside tester): the chart asked for 420 px of ~400. A week's dates all stay under the bars.
    assert not seen["screen_time_scroll_sideways"] and seen["screen_time_summary_whole"], seen
    assert seen["screen_time_dates_under_bars"] == 7, seen
    # The requests inbox opened 720 px wide, Close cut in half (an outside tester); the wizard too.
    assert seen["inbox_width"] <= 683 and seen["wizard_width"] <= 683, seen
    # A rule in force and the line that changes apply at once wrapped in a column between "← Home"
    # and "Unlink…", and left the settings about half the page here (a quarter with a notice under
    # it, an outside tester); across the page, they leave the settings ~two thirds.
    assert seen["settings_share_of_the_page_with_a_rule"] >= 0.55, seen


def test_on_a_wider_screen_at_150_percent_the_list_stays_beside_the_demos_phone_on_every_page(tmp_path) -> None:
    """Found by a support agent at a projector (1366 × 860 at 150 %, 911 px to Qt): opening Screen
    time folded the list of teens away for every page after, "Requests inbox" and "Add a teen"
    with it — its period choices and buttons in one row made the page ~560 px wide at least."""
    seen = _seen("demo", tmp_path, SCREEN | {"width": 1366, "height": 860})
    assert seen["screen"] == 911, seen
    assert seen["phone_shown"] and seen["list_shown"], seen
    assert seen["list_shown_on_screen_time"] and not seen["screen_time_scroll_sideways"], seen
