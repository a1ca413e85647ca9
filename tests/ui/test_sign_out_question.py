"""The sign-out question (famguard.ui.dialogs.confirm_sign_out) as the guardian reads and answers it:
the number of unsent changes and the words after it agree, the changes are named by teen and
setting, and Enter keeps the guardian signed in."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from famguard.domain.sync import UnsentSummary
from famguard.ui.dialogs import confirm_sign_out

from .conftest import answer_next_question


def _ask(qtbot, unsent: UnsentSummary) -> tuple[str, str, bool]:
    parent = QWidget()
    qtbot.addWidget(parent)
    asked = answer_next_question(qtbot)  # Enter
    signed_out = confirm_sign_out(parent, unsent)
    (words,) = asked
    return *words, signed_out


@pytest.mark.parametrize(
    ("unsent", "text", "informative"),
    [
        (
            UnsentSummary(1, (("Maya", ("search_enabled",)),)),
            "1 change has not reached the service yet: Maya's “Search”.",
            "If you sign out now it will be lost. Sign out anyway?",
        ),
        (
            UnsentSummary(3, (("Maya", ("daily_limit_minutes", "comments")), ("Leo", ("time_away",)))),
            "3 changes have not reached the service yet: Maya's “Daily screen-time limit” and “Comments on "
            "your teen's videos”; Leo's “Time away”.",
            "If you sign out now they will be lost. Sign out anyway?",
        ),
        (UnsentSummary(), "Sign out of FamGuard on this computer?", ""),
    ],
)
def test_the_question_agrees_with_its_count_and_enter_stays_signed_in(qtbot, unsent, text, informative) -> None:
    assert _ask(qtbot, unsent) == (text, informative, False)


def test_in_the_demo_the_question_says_signing_out_ends_the_demo(qtbot) -> None:
    """Found by a support agent: "Sign out of FamGuard on this computer?" and the practice family
    was gone, the welcome screen in its place."""
    parent = QWidget()
    qtbot.addWidget(parent)
    asked = answer_next_question(qtbot)  # Enter
    assert confirm_sign_out(parent, UnsentSummary(), demo=True) is False  # Enter stays in the demo
    ((text, informative),) = asked
    assert text == "Sign out and end the demo?"
    assert informative.startswith("The practice family and everything done with it go.")
