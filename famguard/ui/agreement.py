"""The family agreement window: a preview of the document (famguard.domain.agreement) and
"Save as PDF…" (QPdfWriter, A4) and "Print…" (QPrintDialog), and the two renderings they ask
for (`render_pdf`, `print_document`), which the presenter runs on a worker: Qt paints a
QTextDocument onto a QPdfWriter or a QPrinter outside the GUI thread, and a print waits on the
disk ("Print to file") or the print system. Pure view otherwise."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.agreement import Agreement
from famguard.ui.common import (
    KeyboardParking,
    ask_where_to_save,
    named,
    resize_within_screen,
    show_words,
    wrapping_label,
)


def document(agreement: Agreement) -> QTextDocument:
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setHtml(agreement.html())
    return doc


def safe_file_name(words: str) -> str:
    """`words` as a file name on every system: no path separators, no characters Windows refuses
    (the print dialog's "Print to file" had offered "Our family agreement: Maya….pdf")."""
    kept = "".join(c for c in words if c not in '\\/:*?"<>|' and c.isprintable())
    name = " ".join(kept.split()).strip(" .") or "family agreement"
    # At most 60 characters and 150 bytes: a name of 80 emoji made a 341-byte file name, which
    # no file system takes (255 bytes), and the save failed (an attacker's display name).
    name = name[:60]
    while len(name.encode()) > 150:
        name = name[:-1]
    return name.rstrip(" .") or "family agreement"


@dataclass(frozen=True)
class Printed:
    """Where a print went: the file "Print to file" wrote (`to_file`), or the printer's name;
    `written` False when Qt could not open that file (it says nothing itself)."""

    where: str
    to_file: bool
    written: bool = True


def _a4() -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        QMarginsF(15, 15, 15, 15),
        QPageLayout.Unit.Millimeter,
    )


def render_pdf(agreement: Agreement, layout: QPageLayout | None = None) -> bytes:
    """The agreement as a PDF (A4 with 15 mm margins unless `layout` says, 300 dpi), in memory."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(agreement.title)
    writer.setCreator("FamGuard")
    writer.setResolution(300)
    writer.setPageLayout(layout or _a4())
    document(agreement).print_(writer)
    del writer  # finishes the file
    buffer.close()
    return bytes(data.data())


def print_document(agreement: Agreement, printer: QPrinter, save_file: Callable[[str, bytes], None]) -> Printed:
    """Print `agreement` on the printer the print dialog set up (blocking: on a worker). "Print
    to file" as a PDF is rendered in memory on the page the dialog set and written whole or not at
    all by `save_file` (which raises what went wrong): Qt's own writer, on a full disk, left a PDF
    cut off at what fitted and said nothing, and it was said "saved"."""
    path = printer.outputFileName()
    if path and printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        save_file(path, render_pdf(agreement, printer.pageLayout()))
        return Printed(path, True)
    document(agreement).print_(printer)
    # "Print to file" wrote into the home folder without a word of where, and a file Qt could
    # not open was said "saved" (an attacker's name too long for a file): both are said as they are.
    if path:
        return Printed(path, True, os.path.exists(path))
    return Printed(printer.printerName(), False)


class AgreementDialog(QDialog):
    save_requested = Signal(str)  # the path chosen for the PDF
    print_requested = Signal(object)  # the QPrinter the print dialog set up

    def __init__(self, agreement: Agreement, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.agreement = agreement
        self.setObjectName("agreementDialog")
        self.setWindowTitle(f"Family agreement — {agreement.teen_name}")
        self.setAccessibleName("Family agreement")
        resize_within_screen(self, 760, 720)
        intro = wrapping_label(
            "Talk these rules through with your teen, write down what they ask in return, and sign it "
            "together. Save it as a PDF or print it.",
            "agreementIntro",
        )
        self.preview = named(QTextBrowser(), "agreementPreview", "The agreement")
        self.preview.setHtml(agreement.html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = named(QPushButton("&Save as PDF…"), "savePdfButton", "Save the agreement as a PDF")
        self.print_button = named(QPushButton("&Print…"), "printAgreementButton", "Print the agreement")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        named(close, "agreementCloseButton", "Close the agreement")
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self._save)
        self.print_button.clicked.connect(self._print)
        # What a save or a print is doing, then what it did: the window's notice is behind this one.
        self.status = named(wrapping_label("", "agreementStatus"), "agreementStatus", "Saving and printing")
        self.status.hide()
        self._parking = KeyboardParking((self.save_button, self.print_button), self.preview)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    def set_agreement(self, agreement: Agreement) -> None:
        """The agreement as the teen's rules are now, where the reader had scrolled to."""
        self.agreement = agreement
        scrolled = self.preview.verticalScrollBar().value()
        self.preview.setHtml(agreement.html())
        self.preview.verticalScrollBar().setValue(scrolled)

    def set_working(self, words: str) -> None:
        """While a save or a print runs: said, and neither button starts a second one. The
        keyboard waits on the preview meanwhile (KeyboardParking) and goes back to the button."""
        self._parking.waiting(bool(words))
        if words:
            self.show_status(words)

    def show_status(self, words: str) -> None:
        show_words(self.status, words)
        self.status.setVisible(bool(words))

    def _file_stem(self) -> str:
        """What Save and "Print to file" both offer as the file's name (before: two different ones)."""
        return f"family-agreement-{safe_file_name(self.agreement.teen_name)}".replace(" ", "-").lower()

    def _save(self) -> None:
        self.show_status("")  # a result said before is not this one's (nor a cancelled one's)
        path = ask_where_to_save(self, "Save the family agreement", f"{self._file_stem()}.pdf", "PDF files (*.pdf)")
        self._back_in_front()
        if not path:
            return
        name = os.path.basename(path)
        if not (name[:-4] if name.lower().endswith(".pdf") else name).strip(" ."):
            # A second Space of a double press replaced the offered name, and " .pdf" was saved.
            self.show_status("✗ That file name is blank. Choose Save as PDF… again and type a name.")
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.save_requested.emit(path)

    def _back_in_front(self) -> None:
        """After the file or print dialog: this window is active again, with its keyboard (a
        window manager left the keyboard on no window after a save into an existing file)."""
        self.activateWindow()
        self.raise_()

    def _print(self) -> None:
        self.show_status("")
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._file_stem())
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("agreementPrintDialog")
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()  # it points at `printer`, which goes with the print
        self._back_in_front()
        if accepted:
            self.print_requested.emit(printer)
