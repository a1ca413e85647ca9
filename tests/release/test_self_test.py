"""The self-test as a person at a terminal runs it from an installed checkout (the bundle's is
run by .ci/run): both ways of starting the app pass it, with the demo service, the sign-in and
the demo family read for real."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "famguard.app", "--self-test"],
        ["-c", "import famguard.app as a; raise SystemExit(a.main(['--self-test']))"],
    ],
    ids=["python -m famguard.app", "the console script's main"],
)
def test_the_self_test_passes_however_the_app_is_started(command: list[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`python -m famguard.app --self-test` failed: run as __main__, the module was a second
    copy of famguard.app beside the one the app imports, and the self-test found "the demo is a
    DemoEnvironment, not the app's own"."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FAMGUARD_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, *command], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    said = done.stdout + done.stderr
    assert done.returncode == 0, said[-2000:]
    assert "self-test: passed" in said and "FAILED" not in said
    assert "self-test: ok   demo family read: Maya (14), Sam (17)" in said
