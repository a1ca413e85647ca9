"""A line break pasted into a one-line box (a name, an e-mail address, the service's address, a
rule's name) becomes a space as it arrives, or goes at either end: the box shows a line break as a
space, so "Dana⏎Smith" read "Dana Smith" while the form refused it for a line break the guardian
could not see or find. What the box shows is now what is sent. The password box is left as pasted:
a secret is never changed behind the guardian's back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from famguard.ui.signin import SignInView

from .test_flows import find


def _paste(qtbot, edit: QLineEdit, text: str) -> None:
    QApplication.clipboard().setText(text)
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_pasted_line_breaks_become_what_the_box_shows_and_the_form_takes_them(qtbot) -> None:
    view = SignInView()
    qtbot.addWidget(view)
    view.show()
    view.set_mode(create_account=True)
    name = find(view, QLineEdit, "displayNameEdit")
    _paste(qtbot, find(view, QLineEdit, "serverEdit"), "http://127.0.0.1:9\n")
    _paste(qtbot, name, "Dana\nSmith")
    qtbot.keyClicks(name, " Jr")  # typing goes on where the paste ended
    _paste(qtbot, find(view, QLineEdit, "emailEdit"), "\r\ndana@example.org\r\n")
    _paste(qtbot, find(view, QLineEdit, "passwordEdit"), "correct horse\n")
    assert name.text() == "Dana Smith Jr"
    assert find(view, QLineEdit, "emailEdit").text() == "dana@example.org"
    assert find(view, QLineEdit, "serverEdit").text() == "http://127.0.0.1:9"
    assert find(view, QLineEdit, "passwordEdit").text() == "correct horse\n"
    with qtbot.waitSignal(view.submitted, timeout=1000) as sent:
        qtbot.keyClick(name, Qt.Key.Key_Return)
    assert sent.args[0].display_name == "Dana Smith Jr"
    assert find(view, QLabel, "displayNameEditNote").text() == ""
