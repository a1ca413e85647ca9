"""Today's app against a newer service (one more control, in its own process, over real HTTP):
the app reads, shows and changes the controls it knows, ignores the newer one, and never sends
it back, so the newer guardian's choice for it survives the older app's edits."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from famguard import teen_cli
from famguard.domain.controls import CONTROL_FIELDS, controls_to_json
from famguard.services import SessionService
from tests.support.accounts import FAST, PASSWORD, guardian, pair, teen

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def newer_server(database_url: str) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.client.newer_server", database_url],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), "the newer server did not start"
        yield url
    finally:
        if process.stdin is not None:
            process.stdin.close()
        process.wait(timeout=20)


def test_todays_app_works_against_a_service_with_one_more_control(newer_server: str) -> None:
    url = newer_server
    g, address = guardian(url)
    t = teen(url, age=16)
    teen_id = pair(g, t)
    controls_url = f"{url}/v1/teens/{teen_id}/controls"
    auth = {"Authorization": f"Bearer {g.tokens.access_token}"}
    # The newer service has live_gifts, and a newer app turned it off (its default at 16 is on).
    served = requests.get(controls_url, headers=auth, timeout=5)
    assert served.json()["live_gifts"] is True
    newer_edit = requests.patch(
        controls_url, json={"live_gifts": False}, headers={**auth, "If-Match": served.headers["ETag"]}, timeout=5
    )
    assert newer_edit.status_code == 200

    sent_bodies: list[bytes] = []

    def api_factory(base_url, session, tokens=None):  # noqa: ANN001, ANN202 - SessionService's factory signature
        from famguard.api import ApiClient

        session.hooks["response"].append(lambda r, *_a, **_k: sent_bodies.append(r.request.body or b""))
        return ApiClient(base_url, session, tokens=tokens, retry=FAST)

    app = SessionService(None, api_factory=api_factory).sign_in(url, address, PASSWORD, remember=False)
    try:
        app.family.refresh_teens()
        shown = app.sync.refresh_controls(teen_id)  # no protocol error: the unknown field is ignored
        assert set(controls_to_json(shown)) == set(CONTROL_FIELDS)
        assert app.store.controls(teen_id) is not None
        assert "live_gifts" not in app.store.controls(teen_id)[0]  # not cached either

        app.sync.queue_change(teen_id, age=16, downloads=True)
        assert app.sync.send_pending() == 1
        assert app.sync.field_states(teen_id)["downloads"].state == "saved"
    finally:
        app.close()

    assert sent_bodies and not any(b"live_gifts" in body for body in sent_bodies)
    after = requests.get(controls_url, headers=auth, timeout=5).json()
    assert after["downloads"] is True and after["live_gifts"] is False  # the newer choice survived
    assert teen_cli.effective_controls(t).downloads is True  # the teen's (today's) app reads it too


def test_a_cache_written_by_an_older_app_reads_the_new_controls_and_fetches_them_whole(live_server: str) -> None:
    g, address = guardian(live_server)
    teen_id = pair(g, teen(live_server, age=16))
    current = g.get_controls(teen_id)
    g.patch_controls(teen_id, {"duet_stitch": "everyone"}, if_match=current.etag)
    app = SessionService(None).sign_in(live_server, address, PASSWORD, remember=False)
    try:
        app.family.refresh_teens()
        fresh = g.get_controls(teen_id)
        older = controls_to_json(fresh.controls)
        del older["downloads"], older["duet_stitch"]  # what an app from before these controls cached
        app.store.save_controls(teen_id, older, fresh.etag)
        shown = app.sync.displayed_controls(teen_id)
        assert shown is not None and shown.duet_stitch.value == "friends"  # the default at 16, at once
        # the same ETag must not keep the incomplete copy: the whole body is fetched again
        assert app.sync.refresh_controls(teen_id).duet_stitch.value == "everyone"
        assert app.store.controls(teen_id)[0]["duet_stitch"] == "everyone"
    finally:
        app.close()
