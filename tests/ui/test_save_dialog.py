"""Where a file is saved (the screen-time CSV, the family agreement's PDF): the dialog offers the
name in the Documents folder (the home folder when there is none), answers with the path chosen,
and never freezes the app — Qt's own file dialog drew each file's icon from its contents, and
"/proc/x.csv" typed in it read files there that never end: the app froze for good (an outside
tester). These drive the real dialog, as a person would, from inside its own event loop."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QWidget

from famguard.ui.common import ask_where_to_save


def _when_the_dialog_is_up(act: Callable[[QFileDialog], None]) -> None:
    """`act` on the save dialog once it is on screen (its exec() runs its own event loop)."""

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog) and dialog.isVisible():
            act(dialog)
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)


def test_the_name_is_offered_in_documents_and_the_path_typed_is_the_answer(qtbot, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    offered: dict[str, str] = {}

    def choose(dialog: QFileDialog) -> None:
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        offered["folder"], offered["name"] = dialog.directory().absolutePath(), edit.text()
        edit.setText(str(tmp_path / "week.csv"))
        dialog.accept()

    _when_the_dialog_is_up(choose)
    chosen = ask_where_to_save(parent, "Export screen time", "screen-time-maya.csv", "CSV files (*.csv)")
    documents = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
    assert offered == {
        "folder": str(documents if documents.is_dir() else Path.home()),
        "name": "screen-time-maya.csv",
    }
    assert chosen == str(tmp_path / "week.csv")

    _when_the_dialog_is_up(lambda dialog: dialog.reject())  # Cancel
    assert ask_where_to_save(parent, "Export screen time", "screen-time-maya.csv", "CSV files (*.csv)") == ""


def test_a_name_typed_without_its_ending_gets_the_files_ending(qtbot, tmp_path: Path) -> None:
    """ "my report" was saved as a file without an ending, which a spreadsheet does not open with a
    double click (an outside tester): it is "my report.csv"; a name typed with an ending keeps it."""
    parent = QWidget()
    qtbot.addWidget(parent)

    def typed(name: str) -> Callable[[QFileDialog], None]:
        def choose(dialog: QFileDialog) -> None:
            dialog.findChild(QLineEdit, "fileNameEdit").setText(str(tmp_path / name))
            dialog.accept()

        return choose

    _when_the_dialog_is_up(typed("my report"))
    assert ask_where_to_save(parent, "Export screen time", "screen-time.csv", "CSV files (*.csv)") == str(
        tmp_path / "my report.csv"
    )
    _when_the_dialog_is_up(typed("figures.txt"))
    assert ask_where_to_save(parent, "Export screen time", "screen-time.csv", "CSV files (*.csv)") == str(
        tmp_path / "figures.txt"
    )
    _when_the_dialog_is_up(typed("agreement"))
    assert ask_where_to_save(parent, "Save the family agreement", "agreement.pdf", "PDF files (*.pdf)") == str(
        tmp_path / "agreement.pdf"
    )


def test_a_folder_of_files_that_never_end_typed_in_the_dialog_never_freezes_the_app(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    beats: list[float] = []
    typed: dict[str, str] = {}

    def type_proc_then_cancel(dialog: QFileDialog) -> None:
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        edit.setFocus()
        edit.selectAll()
        heartbeat = QTimer(dialog)
        heartbeat.timeout.connect(lambda: beats.append(time.monotonic()))
        heartbeat.start(20)
        qtbot.keyClicks(edit, "/proc/x.csv")  # the completer lists /proc as it is typed
        qtbot.wait(1500)  # what the listing draws, drawn: the old dialog never came back from it
        typed["name"] = edit.text()
        dialog.reject()

    _when_the_dialog_is_up(type_proc_then_cancel)
    assert ask_where_to_save(parent, "Export screen time", "screen-time.csv", "CSV files (*.csv)") == ""
    assert typed == {"name": "/proc/x.csv"}
    assert len(beats) > 10  # the window kept answering while /proc was listed
