"""The demo's practice service as the app starts it (famguard.app.DemoEnvironment), on its own:
what it made while starting is kept out of the garbage collector's passes, and the collector's
thresholds are the app's again afterwards — also when the start fails — so the app never runs
on without collections. PySide's check of what each import says, skipped for the demo's own
imports on its thread, is PySide's own again afterwards."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest
import requests

from famguard.app import DemoEnvironment


def test_the_demo_serves_its_family_and_leaves_the_collector_as_it_found_it(data_dir: Path) -> None:
    import PySide6.QtCore  # noqa: F401 - the app has Qt imported when the demo starts

    feature = sys.modules.get("PySide6.support.feature")
    pyside_check = getattr(feature, "_mod_uses_pyside", None)
    thresholds = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    env = DemoEnvironment()
    assert getattr(feature, "_mod_uses_pyside", None) is pyside_check
    try:
        assert gc.get_threshold() == thresholds
        assert gc.get_freeze_count() > frozen_before  # the server stack and the service: frozen
        assert requests.get(f"{env.base_url}/v1/health", timeout=10).json() == {"status": "ok"}
        session = env.sessions.sign_in(env.base_url, env.guardian_email, env.guardian_password, remember=False)
        try:
            assert {teen.display_name for teen in session.family.refresh_teens()} == {"Maya", "Sam"}
        finally:
            session.close()
        assert env.teen is not None and env.teen.controls() is not None  # the phone is signed in
    finally:
        env.stop()
    assert gc.get_threshold() == thresholds


def test_a_failed_start_gives_the_collector_back_its_thresholds(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A start that fails cannot be made with the real server at will: its start is replaced by
    # one that raises, as a port that cannot be bound or a full disk would.
    from famguard.server import runner

    def refuse(self: runner.ServerThread, timeout: float = 30.0) -> str:
        raise RuntimeError("the FamGuard server did not start")

    monkeypatch.setattr(runner.ServerThread, "start", refuse)
    thresholds = gc.get_threshold()
    with pytest.raises(RuntimeError, match="did not start"):
        DemoEnvironment()
    assert gc.get_threshold() == thresholds
