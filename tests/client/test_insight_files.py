"""Files the guardian asks for (CSV, PDF) are written whole or not at all, and a place that
cannot be written gives a plain "could not save" error of kind local, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from famguard.domain.errors import ErrorKind
from famguard.services.insight import ExportFailed, InsightService


def service() -> InsightService:
    # save_file and export_csv touch only the disk: no server, store or sync engine is involved.
    return InsightService(None, None, None, None)  # type: ignore[arg-type]


def test_a_csv_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "week.csv"
    service().export_csv(str(target), [("date", "minutes_used"), ("2026-12-03", "42")])
    assert target.read_text(encoding="utf-8").splitlines() == ["date,minutes_used", "2026-12-03,42"]
    assert list(tmp_path.iterdir()) == [target]


def test_a_folder_that_cannot_be_written_says_so_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "agreement.pdf"
    with pytest.raises(ExportFailed) as raised:
        service().save_file(str(target), b"%PDF-1.4")
    assert raised.value.kind is ErrorKind.LOCAL
    assert raised.value.message.startswith("Could not save agreement.pdf:")
    assert not (tmp_path / "missing-folder").exists()
