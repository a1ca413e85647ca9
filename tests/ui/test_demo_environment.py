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
    try:
        drawn = env.session()  # from the store, before the service
        try:
            env.start_service(drawn)
            assert env.live
        finally:
            drawn.close()
        assert getattr(feature, "_mod_uses_pyside", None) is pyside_check
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
    from famguard.services.demo import DemoUnavailable

    def refuse(self: runner.ServerThread, timeout: float = 30.0) -> str:
        raise RuntimeError("the FamGuard server did not start")

    monkeypatch.setattr(runner.ServerThread, "start", refuse)
    thresholds = gc.get_threshold()
    env = DemoEnvironment()
    session = env.session()
    try:
        with pytest.raises(DemoUnavailable, match=r"could not start \(the FamGuard server did not start\)"):
            env.start_service(session)
    finally:
        session.close()
        env.stop()
    assert gc.get_threshold() == thresholds


def test_the_demo_store_holds_what_the_practice_service_then_answers_for_every_teen(data_dir: Path) -> None:
    """The app's store for the demo and the service's seeding come from the one definition
    (famguard.domain.demo_family): what the family is drawn from before the service exists is
    what the service answers once it does — teens, controls with their ETag, usage, requests."""
    env = DemoEnvironment()
    try:
        drawn = env.session()
        try:
            store = drawn.store
            teens = store.teens()
            cached = {t.id: (store.controls(t.id), store.usage(t.id), store.time_requests(t.id)) for t in teens}
            assert sorted(t.display_name for t in teens) == ["Maya", "Sam"]
            env.start_service(drawn)
        finally:
            drawn.close()
        # The service's own answers, to a separate sign-in of the same guardian.
        live = env.sessions.sign_in(env.base_url, env.guardian_email, env.guardian_password, remember=False)
        try:
            assert live.family.refresh_teens() == teens
            for teen in teens:
                answered = live.api.get_controls(teen.id)
                assert answered is not None
                from famguard.domain.controls import controls_to_json

                controls_json, etag = cached[teen.id][0] or ({}, "")
                assert (controls_json, etag) == (controls_to_json(answered.controls), answered.etag)
                assert live.api.usage(teen.id) == cached[teen.id][1]
                assert live.api.time_requests(teen.id) == cached[teen.id][2]
        finally:
            live.close()
    finally:
        env.stop()
