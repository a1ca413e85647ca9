"""The family agreement window: a preview of the document (famguard.domain.agreement) and
"Save as PDF…" (QPdfWriter, A4) and "Print…" (QPrintDialog). The PDF is rendered into memory
here; the presenter writes the bytes to disk on a worker. Pure view otherwise."""

from __future__ import annotations

import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.agreement import Agreement
from famguard.ui.common import in_documents, named, resize_within_screen, wrapping_label


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


def _a4() -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        QMarginsF(15, 15, 15, 15),
        QPageLayout.Unit.Millimeter,
    )


def render_pdf(agreement: Agreement) -> bytes:
    """The agreement as a PDF (A4, 15 mm margins, 300 dpi), in memory."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(agreement.title)
    writer.setCreator("FamGuard")
    writer.setResolution(300)
    writer.setPageLayout(_a4())
    document(agreement).print_(writer)
    del writer  # finishes the file
    buffer.close()
    return bytes(data.data())


class AgreementDialog(QDialog):
    save_requested = Signal(str, bytes)  # the path chosen and the PDF
    printed = Signal(str, bool)  # where it went (the file's path, or the printer's name) and whether a file
    print_failed = Signal(str)  # the file "Print to file" could not write

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
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.preview, 1)
        layout.addWidget(buttons)

    def _save(self) -> None:
        name = f"family-agreement-{safe_file_name(self.agreement.teen_name)}.pdf".replace(" ", "-").lower()
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save the family agreement", in_documents(name), "PDF files (*.pdf)"
        )
        if path:
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
            self.save_requested.emit(path, render_pdf(self.agreement))

    def _print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(safe_file_name(f"Family agreement - {self.agreement.teen_name}"))
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("agreementPrintDialog")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            document(self.agreement).print_(printer)
            # Said, as Save as PDF says where it saved: "Print to file" wrote into the home folder
            # without a word of where. And only when it did: a file Qt could not open was said
            # "saved" (an attacker's name too long for a file).
            to_file = bool(printer.outputFileName())
            if to_file and not os.path.exists(printer.outputFileName()):
                self.print_failed.emit(printer.outputFileName())
                return
            self.printed.emit(printer.outputFileName() if to_file else printer.printerName(), to_file)
