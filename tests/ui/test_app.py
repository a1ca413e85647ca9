"""The composition root: the command line, and a first paint that needs none of the slow imports."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from famguard import __version__
from famguard.app import parse_args

SLOW_MODULES = ("requests", "keyring", "fastapi", "uvicorn", "sqlalchemy", "segno", "famguard.server", "sqlite3")


def test_first_paint_needs_none_of_the_slow_imports() -> None:
    """Runs the real `main()` in a fresh interpreter up to the first painted window."""
    code = (
        f"import sys, famguard.app as app; app.main([]); print(sorted(m for m in {SLOW_MODULES!r} if m in sys.modules))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FAMGUARD_EXIT_AFTER_FIRST_PAINT": "1"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("first-paint ")
    assert lines[-1] == "[]"


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as version:
        parse_args(["--version"])
    assert version.value.code == 0
    assert capsys.readouterr().out.strip() == f"FamGuard {__version__}"
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    help_text = capsys.readouterr().out
    assert "--demo" in help_text and "--server URL" in help_text


def test_a_server_address_without_a_scheme_is_refused_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--server", "famguard.example.org"])
    assert exit_info.value.code == 2
    assert "--server must start with http:// or https://" in capsys.readouterr().err
    assert parse_args(["--demo", "--server", "http://127.0.0.1:8000"]).demo is True
