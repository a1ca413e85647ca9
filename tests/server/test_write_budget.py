"""Each account's write budget (famguard/server/write_budget.py), over real HTTP against the real
server. Found from outside before it: one account posting in a loop (a phone's usage reports from
four connections, ~300 a second) grew the database by an event per guardian each time and shared
the one writer with every family. Now an account's writes beyond WRITES_PER_MINUTE in its minute
are refused with 429 and Retry-After, saving nothing; a minute later it may write again.

The controls change (both paths, SQLite and PostgreSQL) is part of the parity scenario in
test_controls_write_paths / test_postgres_paths. Here: a phone's usage reports, what does not
count (refused and unchanged writes), every kind of write drawing on one budget per account, and
the budget held across two server processes on one database (it lives in the database)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from famguard.server.write_budget import WRITES_PER_MINUTE
from tests.support.accounts import Person, link, make_guardian, make_teen
from tests.support.http import Api, assert_error
from tests.support.servers import FakeClock, LocalServer


def _report(api: Api, teen: Person, minutes: int, day: date) -> requests.Response:
    response: requests.Response = api.call(
        "POST", "/v1/me/usage", teen.token, json={"date": day.isoformat(), "minutes": minutes}
    )
    return response


def _change(api: Api, guardian: Person, teen: Person, minutes: int) -> requests.Response:
    etag = api.call("GET", f"/v1/teens/{teen.id}/controls", guardian.token).headers["ETag"]
    response: requests.Response = api.call(
        "PATCH",
        f"/v1/teens/{teen.id}/controls",
        guardian.token,
        json={"daily_limit_minutes": minutes},
        headers={"If-Match": etag},
    )
    return response


def _usage_events(api: Api, guardian: Person, teen: Person, cursor: str) -> list[dict[str, Any]]:
    """The teen's usage reports in the guardian's event feed after `cursor`, page by page."""
    found: list[dict[str, Any]] = []
    while True:
        page = api.call("GET", "/v1/events", guardian.token, params={"after": cursor}).json()
        found += [e for e in page["events"] if e["type"] == "usage_reported" and e["teen_id"] == teen.id]
        if not page["events"]:
            return found
        cursor = page["cursor"]


def _refused_for_the_budget(response: requests.Response) -> int:
    """The budget's refusal, and its Retry-After in seconds."""
    message = assert_error(response, 429, "rate_limited")["message"]
    assert "a minute at most" in message and "Nothing was saved" in message
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 60
    return wait


def long_rule(api: Api, teen: Person) -> Callable[[int], dict[str, Any]]:
    """The body of a one-day temporary rule ten days ahead for `teen`, by turn: its keywords one
    of two lists of 200 × 50 characters, emoji (escaped in JSON: ~112 KB a list)."""
    day = date.fromisoformat(api.call("GET", "/v1/me/usage", teen.token).json()["date"]) + timedelta(days=10)
    lists = [[f"{side}{n:03d}".ljust(50, "\U0001f600") for n in range(200)] for side in ("a", "b")]

    def rule(turn: int) -> dict[str, Any]:
        return {"name": "r", "starts_on": day.isoformat(), "ends_on": day.isoformat(),
                "controls": {"keyword_filters": lists[turn % 2]}}  # fmt: skip

    return rule


def _family(api: Api) -> tuple[Person, Person, Person]:
    """Alex, with Maya and Leo linked; then a minute passes, so the pairing's writes (the code,
    the redeem, the accept, the confirmation) are in a window of their own."""
    alex = make_guardian(api, "Alex")
    maya, leo = make_teen(api, "Maya", 14), make_teen(api, "Leo", 15)
    link(api, alex, maya)
    link(api, alex, leo)
    return alex, maya, leo


def test_a_phone_posting_in_a_loop_is_refused_past_its_budget_and_saves_nothing(
    clocked_server: str, clock: FakeClock
) -> None:
    with requests.Session() as session:
        api = Api(session, clocked_server)
        alex, maya, leo = _family(api)
        clock.advance(minutes=1)
        today = date.fromisoformat(api.call("GET", "/v1/me/usage", maya.token).json()["date"])
        cursor = api.call("GET", "/v1/events", alex.token).json()["cursor"]
        answers = [_report(api, maya, minutes, today).status_code for minutes in range(1, WRITES_PER_MINUTE + 1)]
        assert answers == [200] * WRITES_PER_MINUTE
        assert _refused_for_the_budget(_report(api, maya, 999, today)) == 60  # the server's clock stood still
        kept = api.call("GET", f"/v1/teens/{maya.id}/usage", alex.token, params={"from": str(today), "to": str(today)})
        assert kept.json()["days"][0]["minutes"] == WRITES_PER_MINUTE  # the last report saved, not 999
        assert len(_usage_events(api, alex, maya, cursor)) == WRITES_PER_MINUTE  # and no event for the refused one
        # Another account has its own budget: Leo's phone and Alex are not held back by Maya's.
        assert _report(api, leo, 5, today).status_code == 200
        assert _change(api, alex, maya, 45).status_code == 200
        clock.advance(seconds=59)
        _refused_for_the_budget(_report(api, maya, 999, today))
        clock.advance(seconds=1)  # Maya's minute is over
        assert _report(api, maya, 130, today).status_code == 200
        assert len(_usage_events(api, alex, maya, cursor)) == WRITES_PER_MINUTE + 1


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"], indirect=True)
def test_refused_and_unchanged_changes_spend_nothing(clocked_server: str, clock: FakeClock) -> None:
    with requests.Session() as session:
        api = Api(session, clocked_server)
        alex, maya, _leo = _family(api)
        clock.advance(minutes=1)
        etag = api.call("GET", f"/v1/teens/{maya.id}/controls", alex.token).headers["ETag"]
        path = f"/v1/teens/{maya.id}/controls"
        for _ in range(WRITES_PER_MINUTE + 10):
            stale = api.call("PATCH", path, alex.token, json={"daily_limit_minutes": 45}, headers={"If-Match": '"0"'})
            assert stale.status_code == 412
            invalid = api.call("PATCH", path, alex.token, json={"daily_limit_minutes": -1}, headers={"If-Match": etag})
            assert invalid.status_code == 422
            same = api.call("PATCH", path, alex.token, json={"daily_limit_minutes": 60}, headers={"If-Match": etag})
            assert same.status_code == 200 and same.headers["ETag"] == etag  # the default: nothing changed
        assert _change(api, alex, maya, 45).status_code == 200


def test_every_kind_of_write_draws_on_the_one_budget_of_its_account(clocked_server: str, clock: FakeClock) -> None:
    with requests.Session() as session:
        api = Api(session, clocked_server)
        alex, maya, leo = _family(api)
        clock.advance(minutes=1)
        rule = {"name": "Exams", "starts_on": str(clock.now.date()), "ends_on": str(clock.now.date()),
                "controls": {"daily_limit_minutes": 30}}  # fmt: skip
        made = api.call("POST", f"/v1/teens/{maya.id}/temporary-rules", alex.token, json=rule)
        assert made.status_code == 201, made.text
        removed = api.call("DELETE", f"/v1/teens/{maya.id}/temporary-rules/{made.json()['id']}", alex.token)
        assert removed.status_code == 204
        asked = api.call("POST", "/v1/me/time-requests", leo.token, json={"minutes": 15, "reason": "homework"})
        assert asked.status_code == 201, asked.text
        for minutes in range(WRITES_PER_MINUTE - 3):  # with the rule made and removed: one short
            assert _change(api, alex, maya, 100 + minutes).status_code == 200
        decided = api.call("POST", f"/v1/time-requests/{asked.json()['id']}/decision", alex.token,
                           json={"approve": True})  # fmt: skip
        assert decided.status_code == 200, decided.text  # the budget's last write
        _refused_for_the_budget(api.call("POST", "/v1/pairings", alex.token))
        _refused_for_the_budget(_change(api, alex, leo, 45))
        rule_again = api.call("POST", f"/v1/teens/{maya.id}/temporary-rules", alex.token, json=rule)
        _refused_for_the_budget(rule_again)
        assert api.call("GET", f"/v1/teens/{maya.id}/temporary-rules", alex.token).json() == []
        # Signing out is never refused: a guardian over the budget can still leave.
        assert api.call("POST", "/v1/auth/logout", alex.token).status_code == 204


def test_the_budget_holds_across_two_server_processes_on_one_database(database_url: str) -> None:
    """One server in this process, one in its own: the count is in the database they share."""
    with (
        LocalServer(database_url) as here,
        LocalServer(database_url, own_process=True) as there,
        requests.Session() as session,
    ):
        near, far = Api(session, here.url), Api(session, there.url)
        alex = make_guardian(near, "Alex")
        maya = make_teen(near, "Maya", 14)
        link(near, alex, maya)  # two of Alex's writes
        today = date.fromisoformat(near.call("GET", "/v1/me/usage", maya.token).json()["date"])
        answers = [_report(near if n % 2 else far, maya, n, today).status_code for n in range(WRITES_PER_MINUTE)]
        # Maya's pairing spent two (the redeem, the accept) in the minute that began with it,
        # half her reports went to each process, and the whole of it takes a few seconds.
        assert answers == [200] * (WRITES_PER_MINUTE - 2) + [429, 429]
        _refused_for_the_budget(_report(near, maya, 999, today))
        _refused_for_the_budget(_report(far, maya, 999, today))


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"], indirect=True)
def test_an_unchanged_change_under_a_new_idempotency_key_spends_as_its_kept_answer_is_a_write(
    clocked_server: str, clock: FakeClock
) -> None:
    """Found from outside: the same values PATCHed with a new Idempotency-Key each time answered
    200 without end, each storing its answer for 24 hours (300 keys from one guardian in a few
    seconds, the budget untouched). A kept answer is a write: it spends like one; a replay of
    a kept key writes nothing and is answered whatever the budget."""
    with requests.Session() as session:
        api = Api(session, clocked_server)
        alex, maya, _leo = _family(api)
        clock.advance(minutes=1)
        path = f"/v1/teens/{maya.id}/controls"
        etag = api.call("GET", path, alex.token).headers["ETag"]

        def same_values(key: str | None) -> requests.Response:
            headers = {"If-Match": etag} | ({"Idempotency-Key": key} if key else {})
            response: requests.Response = api.call(
                "PATCH", path, alex.token, json={"daily_limit_minutes": 60}, headers=headers
            )
            return response

        for n in range(WRITES_PER_MINUTE):
            kept = same_values(f"same-values-{n}")
            assert kept.status_code == 200 and kept.headers["ETag"] == etag, kept.text  # the default: unchanged
        _refused_for_the_budget(same_values("one-key-too-many"))
        replayed = same_values("same-values-0")
        assert replayed.status_code == 200 and replayed.headers["ETag"] == etag
        assert same_values(None).status_code == 200  # no key, nothing kept: spends nothing, as before
        clock.advance(minutes=1)
        assert same_values("one-key-too-many").status_code == 200  # refused, so it was not kept


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"], indirect=True)
def test_a_change_to_a_long_list_costs_as_much_as_the_history_it_leaves(clocked_server: str, clock: FakeClock) -> None:
    """Found by an attacker: a self-made family swapping two keyword lists of 200 × 50
    characters within the budget added ~2.5 MB of history a minute (~3.5 GB a day), each entry
    keeping both whole lists. A change now costs a write per KiB of history it leaves: the
    history a minute can grow by is about the same whatever is changed, and a person's changes
    (a few bytes) still cost one each."""
    with requests.Session() as session:
        api = Api(session, clocked_server)
        alex, maya, _leo = _family(api)
        clock.advance(minutes=1)
        lists = [[f"{side}{n:03d}".ljust(50, "x") for n in range(200)] for side in ("a", "b")]
        path = f"/v1/teens/{maya.id}/controls"
        answers = []
        for turn in range(40):
            etag = api.call("GET", path, alex.token).headers["ETag"]
            body = {"keyword_filters": lists[turn % 2]}
            sent = api.call("PATCH", path, alex.token, json=body, headers={"If-Match": etag})
            answers.append(sent.status_code)
            if sent.status_code == 429:
                _refused_for_the_budget(sent)
                assert "long list" in sent.json()["error"]["message"]
                break
        accepted = answers.count(200)
        assert answers == [200] * accepted + [429]
        # The first swap sets one list (the default has none), each later one replaces it: ~21 KiB kept.
        assert 4 <= accepted <= 8, answers
        history = api.call("GET", f"/v1/teens/{maya.id}/activity", alex.token, params={"limit": 500}).json()
        kept = sum(len(str(e["before"])) + len(str(e["after"])) for e in history if e["field"] == "keyword_filters")
        assert kept <= (WRITES_PER_MINUTE + 30) * 1024, kept  # not the ~2.5 MB of before
        clock.advance(minutes=1)  # a new minute: a person's small change goes at once
        assert _change(api, alex, maya, 45).status_code == 200


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "full-route"], indirect=True)
def test_an_unchanged_long_list_under_new_keys_costs_as_much_as_the_answers_it_keeps(
    clocked_server: str, clock: FakeClock
) -> None:
    """Found by an attacker: the same 200-keyword list PATCHed again under a new Idempotency-Key
    each time cost one write apiece while each key kept its 121 KB answer for 24 hours (~21 GB a
    day from one account). A kept answer costs what a history entry of its size would."""
    with requests.Session() as session:
        api = Api(session, clocked_server)
        alex, maya, _leo = _family(api)
        clock.advance(minutes=1)
        path = f"/v1/teens/{maya.id}/controls"
        long_list = [f"k{n:03d}".ljust(50, "x") for n in range(200)]
        etag = api.call("GET", path, alex.token).headers["ETag"]
        assert api.call("PATCH", path, alex.token, json={"keyword_filters": long_list},
                        headers={"If-Match": etag}).status_code == 200  # fmt: skip
        clock.advance(minutes=1)
        etag = api.call("GET", path, alex.token).headers["ETag"]
        answers = []
        for n in range(40):
            sent = api.call("PATCH", path, alex.token, json={"keyword_filters": long_list},
                            headers={"If-Match": etag, "Idempotency-Key": f"again-{n}"})  # fmt: skip
            answers.append(sent.status_code)
            if sent.status_code == 429:
                _refused_for_the_budget(sent)
                break
        accepted = answers.count(200)
        assert answers == [200] * accepted + [429]
        assert 4 <= accepted <= 12, answers  # ~11 KiB kept each: ~11 writes apiece (before: 120 a minute)


def test_a_temporary_rule_with_a_long_list_costs_as_much_as_the_history_it_leaves(
    clocked_server: str, clock: FakeClock
) -> None:
    """Found by an attacker: a rule planned ten days ahead changed back and forth between two
    lists of 200 long keywords went in at 120 changes a minute, each history entry keeping the
    whole rule before and after (240 KB with emoji) for good — ~40 GB a day, and a read of the
    history then held gigabytes. A rule's change costs what a controls change of that history
    costs; the largest allowed still goes, once a minute."""
    with requests.Session() as session:
        api = Api(session, clocked_server)
        alex, maya, _leo = _family(api)
        clock.advance(minutes=1)
        rule = long_rule(api, maya)
        rules = f"/v1/teens/{maya.id}/temporary-rules"
        made = api.call("POST", rules, alex.token, json=rule(0))
        assert made.status_code == 201, made.text
        clock.advance(minutes=1)
        answers = [api.call("PUT", f"{rules}/{made.json()['id']}", alex.token, json=rule(turn)).status_code
                   for turn in range(1, 5)]  # fmt: skip
        assert answers == [200, 429, 429, 429]  # the largest change allowed: a minute's budget
        _refused_for_the_budget(api.call("PUT", f"{rules}/{made.json()['id']}", alex.token, json=rule(2)))
        clock.advance(minutes=1)
        assert _change(api, alex, maya, 45).status_code == 200  # a new minute: a person's small change goes
