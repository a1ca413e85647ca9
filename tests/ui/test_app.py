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


def test_python_dash_m_famguard_is_the_famguard_command() -> None:
    """Testers and support staff typed `python -m famguard --demo`: "No module named
    famguard.__main__". A real process, as they ran it."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "famguard", "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"FamGuard {__version__}"), done.stderr


def test_a_server_address_without_a_scheme_is_refused_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--server", "famguard.example.org"])
    assert exit_info.value.code == 2
    assert "--server must start with http:// or https://" in capsys.readouterr().err
    assert parse_args(["--demo", "--server", "http://127.0.0.1:8000"]).demo is True


def test_no_arguments_mean_every_options_default() -> None:
    """`famguard` alone starts as the parser would read it: the usual start skips building it."""
    from famguard.app import build_parser

    assert parse_args([]) == build_parser().parse_args([])
    assert parse_args(["--demo"]).demo is True


def test_pyside_still_tells_a_qt_module_from_the_layers_and_the_standard_library_without_qt() -> None:
    """PySide's import hook decides from the answer which modules its `__feature__` switches apply
    to: a module saying "PySide6" still counts as one using it; the layers the layer rules keep
    free of Qt and Python's own modules are answered without reading their sources."""
    code = """
import builtins, json, sys
import PySide6
import famguard.app as app
app.cheaper_pyside_source_check()
feature = sys.modules["PySide6.support.feature"]
opened = []
real_open = builtins.open
def counting_open(file, *args, **kwargs):
    opened.append(str(file))
    return real_open(file, *args, **kwargs)
builtins.open = counting_open
import famguard.ui.welcome as welcome, famguard.domain.models as models, famguard.store.db as db
import json.decoder as decoder
answers = {m.__name__: feature._mod_uses_pyside(m) for m in (welcome, models, db, decoder)}
builtins.open = real_open
free = [models.__file__, db.__file__, decoder.__file__, sys.modules["famguard.domain.errors"].__file__]
print(json.dumps([answers, [f for f in opened if f in free]]))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    import json

    answers, read = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers == {
        "famguard.ui.welcome": True,
        "famguard.domain.models": False,
        "famguard.store.db": False,
        "json.decoder": False,
    }
    assert read == []  # the Qt-free ones were answered without reading them


@pytest.mark.parametrize("argv", [[], ["--demo"]])
def test_the_usual_command_lines_mean_what_the_parser_says(argv: list[str]) -> None:
    """`famguard` and `famguard --demo` skip building the parser (famguard.app.parse_args): the
    answer is the parser's own."""
    from famguard.app import build_parser

    assert parse_args(argv) == build_parser().parse_args(argv)
