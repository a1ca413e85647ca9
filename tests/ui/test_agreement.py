"""The family agreement against the real server: "Family agreement…" builds the document of the
selected teen's current rules; the saved PDF (QPdfWriter), read back with pdftotext, contains
every current value in the declaration's words, the names of the teen and each of her guardians
(who sign it) and the date."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from famguard.domain.controls import CONTROLS
from tests.support.accounts import member, pair

from .test_flows import WAIT, click, find, sign_in, wait_teen_page


def words(text: str) -> str:
    """Whitespace collapsed, ligatures ("ﬀ" in "Oﬀ") back to letters (NFKC), as a reader sees it."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


@pytest.mark.usefixtures("real_keyring")
def test_the_agreement_pdf_contains_every_current_value(
    qtbot, launch, live_server, proxy, guardian, teen, tmp_path, monkeypatch
):
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils (.ci/run does)")
    teen_id = pair(guardian.api, teen.api)
    # Found from outside: a teen's second guardian was left out of the agreement (its title and
    # its signatures named the guardian printing it only), although they set the rules too.
    alex = member(live_server, "guardian", "Alex Rivera")
    pair(alex.api, teen.api, approver=guardian.api)
    etag = guardian.api.get_controls(teen_id).etag
    changes = {
        "daily_limit_minutes": 75,
        "daily_limit_overrides": {"sat": 150},
        "keyword_filters": ["#challenge", "diet"],
        "quiet_hours": {"start": "20:30", "end": "07:15"},
        "time_away": [{"days": ["mon", "tue"], "start": "21:45", "end": "06:30"}],
        "restricted_mode": True,
        "timezone": "Europe/Dublin",
    }
    guardian.api.patch_controls(teen_id, changes, if_match=etag)
    controls = guardian.api.get_controls(teen_id).controls

    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_teen_page(qtbot, controller, "Maya")
    controller.window.agreement_action.trigger()
    presenter = controller.family.agreement
    qtbot.waitUntil(lambda: presenter.dialog is not None and presenter.dialog.isVisible(), timeout=WAIT)
    dialog = presenter.dialog
    assert "1 h 15 min" in dialog.preview.toPlainText()

    target = tmp_path / "agreement"
    monkeypatch.setattr("famguard.ui.agreement.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(find(dialog, QPushButton, "savePdfButton"), Qt.MouseButton.LeftButton)
    pdf = tmp_path / "agreement.pdf"  # ".pdf" added when the name has none
    qtbot.waitUntil(pdf.exists, timeout=WAIT)
    qtbot.waitUntil(lambda: "Saved the family agreement" in controller.window.notice.text(), timeout=WAIT)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = words(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)

    for spec in CONTROLS:
        # The teen signs it too: the parents' "your teen" is her name there ("Only Maya").
        value = words(spec.describe(getattr(controls, spec.name)).replace("your teen", "Maya"))
        assert value in text, f"{spec.name}: {value!r} is not in the PDF"
    assert "Who can see liked videos: Only Maya" in text and "your teen" not in text.lower()
    for expected in ("Our family agreement: Maya, Sam Guardian and Alex Rivera", "What Maya asks in return"):
        assert expected in text
    signed = text[text.index("Signed") :]
    assert all(name in signed for name in ("Maya", "Sam Guardian", "Alex Rivera")), signed
    today = date.today()
    assert f"Date: {today.day} {today:%B %Y}" in text
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+[12]\n", pages), pages  # one or two pages

    proxy.set_offline(True)  # the guardians as last said: the agreement still opens, signed by all
    dialog.close()
    controller.window.agreement_action.trigger()
    qtbot.waitUntil(lambda: presenter.dialog is not dialog and presenter.dialog.isVisible(), timeout=WAIT)
    assert "Our family agreement: Maya, Sam Guardian and Alex Rivera" in presenter.dialog.preview.toPlainText()
    proxy.set_offline(False)


@pytest.mark.usefixtures("real_keyring")
def test_without_a_selected_teen_it_says_to_select_one(qtbot, launch, proxy, guardian) -> None:
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    qtbot.waitUntil(lambda: controller.family is not None, timeout=WAIT)
    controller.window.agreement_action.trigger()
    qtbot.waitUntil(lambda: "Select a teen first" in controller.window.notice.text(), timeout=WAIT)
    assert controller.family.agreement.dialog is None


def test_print_goes_through_the_print_dialog_to_the_chosen_printer(qtbot, tmp_path, monkeypatch) -> None:
    """The print dialog is the one stand-in (no printer here): the guardian "chooses" a PDF
    printer in it, and what Qt prints there has the rules."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    from famguard.domain.agreement import build_agreement
    from famguard.domain.controls import defaults_for_age
    from famguard.ui.agreement import AgreementDialog

    out = tmp_path / "printed.pdf"
    shown: list[str] = []

    def choose_pdf_printer(dialog: QPrintDialog) -> int:
        shown.append(dialog.objectName())
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        return 1  # Accepted

    monkeypatch.setattr(QPrintDialog, "exec", choose_pdf_printer)
    agreement = build_agreement("Maya", ["Sam"], defaults_for_age(14).replace(daily_limit_minutes=95), date.today())
    dialog = AgreementDialog(agreement)
    qtbot.addWidget(dialog)
    dialog.show()  # a person clicks "Print…" on the dialog they see
    click(qtbot, find(dialog, QPushButton, "printAgreementButton"))
    assert shown == ["agreementPrintDialog"] and out.exists()
    text = words(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout)
    assert "Daily screen-time limit: 1 h 35 min" in text
