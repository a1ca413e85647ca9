"""The family agreement during exam weeks: the teen's phone counts against the temporary rule's
30 minutes, so an agreement that lists only the usual "1 h a day" tells the teen something other
than what applies today. The document (the dialog and the saved PDF, read back with pdftotext)
names the rule in force and when it ends, in the words the teen's own view uses."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from famguard.domain import teen_view
from tests.support.accounts import pair

from .test_agreement import words
from .test_flows import WAIT, find, sign_in, wait_teen_page

pytestmark = pytest.mark.slow


@pytest.mark.usefixtures("real_keyring")
def test_the_agreement_names_the_temporary_rule_in_force(
    qtbot, launch, live_server, guardian, teen, tmp_path, monkeypatch
):
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils (.ci/run does)")
    teen_id = pair(guardian.api, teen.api)
    today = teen.api.my_usage().date
    controls = {"daily_limit_minutes": 30, "daily_limit_overrides": {}}
    rule = guardian.api.create_temporary_rule(teen_id, "Exam weeks", today, today + timedelta(days=9), controls)
    phone = teen.api.my_usage()
    assert phone.limit_minutes == 30  # what the phone counts against today
    said = teen_view.rule_in_words(rule, today)  # "Exam weeks (set by Sam Guardian): … 30 min — until …"

    controller = launch()
    sign_in(qtbot, controller, live_server, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    qtbot.waitUntil(lambda: bool(controller.family.session.trust.cached_rules(teen_id)), timeout=WAIT)
    controller.window.agreement_action.trigger()
    presenter = controller.family.agreement
    qtbot.waitUntil(lambda: presenter.dialog is not None and presenter.dialog.isVisible(), timeout=WAIT)
    dialog = presenter.dialog
    assert words(said) in words(dialog.preview.toPlainText())
    # Its heading claims no more than its words: a rule planned for next week is not "for now".
    assert "Temporary rules, in force or planned" in dialog.preview.toPlainText()

    target = tmp_path / "agreement.pdf"
    monkeypatch.setattr("famguard.ui.agreement.ask_where_to_save", lambda *a, **k: str(target))
    qtbot.mouseClick(find(dialog, QPushButton, "savePdfButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved the family agreement" in controller.window.notice.text(), timeout=WAIT)
    text = words(subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout)
    assert words(said) in text
