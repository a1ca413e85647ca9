"""famguard://pair links: parsed strictly, and opened in the running app where they make sense —
in the demo, the code lands in the Teen's phone panel (and pairs for real when entered); in a
guardian's own app, a notice says where the code goes. The window comes to the front either way."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget

from famguard.links import LinkError, PairLink, parse_link
from famguard.ui.link_handler import LinkHandler
from famguard.ui.main_window import MainWindow

from .test_flows import WAIT, add_a_teen, find, wait_family


@pytest.mark.parametrize(
    "text",
    ["famguard://pair?code=K7MQ2XRT", "FAMGUARD://PAIR?code=k7mq-2xrt", "famguard://pair/?code=K7MQ 2XRT&x=1"],
)
def test_a_pairing_link_gives_its_code(text: str) -> None:
    link = parse_link(text)
    assert link == PairLink("K7MQ2XRT")
    assert "K7MQ" not in str(link) and "K7MQ" not in repr(link)  # a secret: never in a log line


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("https://evil.example/pair?code=K7MQ2XRT", "Only famguard:// links"),
        ("famguard://settings?reset=1", "only pairing links"),
        ("famguard://pair", "no code"),
        ("famguard://pair?code=A&code=B", "no code"),
        ("famguard://pair?code=<script>", "not a pairing code"),
        ("famguard://pair?code=" + "A" * 300, "much shorter"),
    ],
)
def test_anything_else_is_refused_with_the_reason(text: str, says: str) -> None:
    with pytest.raises(LinkError) as refused:
        parse_link(text)
    assert says in refused.value.message


def test_the_command_line_refuses_a_bad_link_before_any_window(capsys: pytest.CaptureFixture[str]) -> None:
    from famguard.app import parse_args

    assert parse_args(["famguard://pair?code=K7MQ2XRT"]).link == "famguard://pair?code=K7MQ2XRT"
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["famguard://wipe"])
    assert exit_info.value.code == 2 and "only pairing links" in capsys.readouterr().err


def test_a_guardians_app_raises_its_window_and_says_where_the_code_goes(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.showMinimized()
    handler = LinkHandler(window)
    handler.open("famguard://pair?code=k7mq2xrt")
    assert not window.isMinimized() and window.isVisible()
    assert window.notice.isVisible()
    assert "for your teen's phone" in window.notice.text() and "K7MQ-2XRT" in window.notice.text()


def test_a_link_that_is_not_ours_gets_a_notice_and_nothing_else(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    LinkHandler(window).open("famguard://reset-everything")
    assert "cannot be opened" in window.notice.text() and "only pairing links" in window.notice.text()


def test_macos_open_url_events_become_links_of_famguards_application() -> None:
    """In a fresh process: the app's own QApplication class (the tests' is pytest-qt's)."""
    code = (
        "import sys; from PySide6.QtCore import QCoreApplication, QUrl; from PySide6.QtGui import QFileOpenEvent; "
        "from famguard.ui.link_handler import Application; app = Application(sys.argv[:1]); "
        "app.url_opened.connect(lambda url: print('opened', url)); "
        "QCoreApplication.sendEvent(app, QFileOpenEvent(QUrl('famguard://pair?code=K7MQ2XRT'))); "
        "QCoreApplication.sendEvent(app, QFileOpenEvent(QUrl('file:///tmp/not-a-link.txt')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "opened famguard://pair?code=K7MQ2XRT\n"


def test_in_the_demo_a_link_fills_the_teens_phone_and_pairs_for_real(qtbot, launch) -> None:
    controller = launch(demo=True)
    window = controller.window
    handler = LinkHandler(window)
    handler.open("famguard://pair?code=K7MQ2XRT")  # while the demo is still starting: kept until its panel exists
    qtbot.waitUntil(lambda: window.teen_phone is not None, timeout=WAIT)
    panel = window.teen_phone
    code_edit = find(panel, QLineEdit, "teenCodeEdit")
    qtbot.waitUntil(lambda: code_edit.text() == "K7MQ-2XRT", timeout=WAIT)
    assert "Teen's phone panel" in window.notice.text()

    # A real code from the guardian's pairing, handed over as the QR's link.
    wait_family(qtbot, controller)
    add_a_teen(qtbot, window)
    pairing = controller.family.pairing
    qtbot.waitUntil(lambda: pairing.wizard is not None and pairing.wizard.state == "waiting", timeout=WAIT)
    code = find(pairing.wizard, QWidget, "pairingCode").text()
    handler.open(pairing.wizard.qr.data)
    assert code_edit.text() == code and pairing.wizard.qr.data == f"famguard://pair?code={code.replace('-', '')}"
    qtbot.mouseClick(find(panel, QPushButton, "teenRedeemButton"), Qt.MouseButton.LeftButton)  # nothing sent before
    qtbot.waitUntil(find(panel, QPushButton, "teenAcceptButton").isVisible, timeout=WAIT)
    assert "wants to link" in find(panel, QWidget, "teenPairingMessage").text()
    pairing.wizard.reject()
