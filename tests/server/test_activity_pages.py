"""A page of a teen's history holds at most ~1 MiB of values. Found by an attacker: a temporary
rule changed between two lists of long keywords left 240 KB entries (the rule before and after),
500 of them made a 39 MB answer, and 20 such reads at once took the service to 3.5 GB. A page cut
short says so (`Link: <…?before=ID>; rel="next"`), and the app's client reads it as more to come,
not as the history's end. The real server over HTTP, and the app's own client."""

from __future__ import annotations

import requests

from famguard.api import ApiClient, make_session
from famguard.server.routes_family import ACTIVITY_PAGE_BYTES
from tests.support.accounts import link, make_guardian, make_teen
from tests.support.http import Api
from tests.support.servers import FakeClock

from .test_write_budget import long_rule


def test_a_history_of_large_entries_comes_in_pages_of_at_most_a_mebibyte(clocked_server: str, clock: FakeClock) -> None:
    with requests.Session() as session:
        api = Api(session, clocked_server)
        alex, maya = make_guardian(api, "Alex"), make_teen(api, "Maya", 14)
        link(api, alex, maya)
        rule = long_rule(api, maya)
        rules = f"/v1/teens/{maya.id}/temporary-rules"
        clock.advance(minutes=1)
        rule_id = api.call("POST", rules, alex.token, json=rule(0)).json()["id"]
        for turn in range(1, 7):  # one a minute: each costs a minute's write budget
            clock.advance(minutes=1)
            assert api.call("PUT", f"{rules}/{rule_id}", alex.token, json=rule(turn)).status_code == 200
        path = f"/v1/teens/{maya.id}/activity"
        everything = [e["id"] for e in api.call("GET", path, alex.token, params={"limit": 500, "kind": "link"}).json()]

        pages, before = [], None
        while True:
            answer = api.call("GET", path, alex.token, params={"limit": 500, "before": before})
            assert answer.status_code == 200
            page = answer.json()
            pages.append(page)
            assert len(answer.content) < 2 * ACTIVITY_PAGE_BYTES + 300_000  # values, and their JSON
            if 'rel="next"' not in answer.headers.get("Link", ""):
                break
            before = page[-1]["id"]
            assert answer.headers["Link"] == f'<?before={before}>; rel="next"'
        assert len(pages) > 1  # cut short: 7 entries of ~224 KB each
        ids = [entry["id"] for page in pages for entry in page]
        assert ids == sorted(ids, reverse=True) and len(ids) == len(set(ids))  # every entry once, newest first
        assert set(everything) <= set(ids) and len([i for i in ids if i not in everything]) >= 7

        client = ApiClient(clocked_server, make_session("FamGuard-test"))
        client.sign_in(alex.email, alex.password)
        first, more = client.activity_page(maya.id, 100)
        assert more and len(first) == len(pages[0])  # fewer than asked, and more to come
        last, more = client.activity_page(maya.id, 100, pages[-2][-1]["id"])
        assert not more and [e.id for e in last] == [e["id"] for e in pages[-1]]
