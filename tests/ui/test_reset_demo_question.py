""" "Reset demo" asks first: it sits beside "Teen's phone" on the demo bar, and a support person
mid-demo who pressed it lost what they had shown (changes, requests, a pairing) at once. Enter
keeps the demo; only "Reset demo" resets it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from famguard.ui.main_window import MainWindow

from .conftest import answer_next_question


def _press_reset(qtbot, answer: str | None) -> tuple[list[tuple[str, str]], list[bool]]:
    window = MainWindow()
    qtbot.addWidget(window)
    window.set_demo(True)
    window.show()
    resets: list[bool] = []
    window.reset_demo_requested.connect(lambda: resets.append(True))
    asked = answer_next_question(qtbot, answer)
    qtbot.mouseClick(window.reset_demo_button, Qt.MouseButton.LeftButton)
    return asked, resets


def test_enter_keeps_the_demo(qtbot) -> None:
    asked, resets = _press_reset(qtbot, None)
    assert [text for text, _ in asked] == ["Reset the demo to the practice family as it started?"]
    assert "undone" in asked[0][1]
    assert resets == []


def test_keep_keeps_and_reset_resets(qtbot) -> None:
    assert _press_reset(qtbot, "Keep this demo")[1] == []
    assert _press_reset(qtbot, "Reset demo")[1] == [True]
