"""The refusal of a temporary rule over another's days, over real HTTP: it said "…end that rule
first" for a rule that had not started, which the app could not end nor remove (found by an
outside tester). It now names what to do and where: "End now…" for the rule in force, "Remove…"
for a planned one, both on the app's Phone and temporary rules page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.support.accounts import link, make_guardian, make_teen
from tests.support.http import Api, assert_error
from tests.support.servers import FakeClock


def _plan(api: Api, guardian: Any, teen: Any, name: str, start_in: int, days: int) -> Any:  # noqa: ANN401 - a response
    today = date.fromisoformat(api.call("GET", "/v1/me/usage", teen.token).json()["date"])  # the teen's day
    first = today + timedelta(days=start_in)
    body = {"name": name, "starts_on": first.isoformat(), "ends_on": (first + timedelta(days=days - 1)).isoformat(),
            "controls": {"daily_limit_minutes": 30}}  # fmt: skip
    return api.call("POST", f"/v1/teens/{teen.id}/temporary-rules", guardian.token, json=body)


def test_an_overlap_says_how_to_free_the_days_of_the_rule_in_force_and_of_a_planned_one(
    live: Api, clock: FakeClock
) -> None:
    guardian = make_guardian(live, "Alex")
    teen = make_teen(live, "Maya", 14, clock.now.date())
    link(live, guardian, teen)
    assert _plan(live, guardian, teen, "Exam weeks", 0, 5).status_code == 201  # in force from today
    assert _plan(live, guardian, teen, "Winter break", 20, 5).status_code == 201  # planned

    over_the_rule_in_force = assert_error(_plan(live, guardian, teen, "Holiday", 3, 4), 422, "validation_failed")
    said = over_the_rule_in_force["fields"]["starts_on"]
    assert "rules cannot overlap" in said
    assert said.endswith("or end that rule first (“End now…” on the Phone and temporary rules page).")

    over_the_planned_one = assert_error(_plan(live, guardian, teen, "Holiday", 18, 4), 422, "validation_failed")
    said = over_the_planned_one["fields"]["starts_on"]
    assert said.endswith("or remove that rule first (“Remove…” on the Phone and temporary rules page).")
