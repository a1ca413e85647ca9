"""GET /v1/teens over real HTTP tells a linked guardian each teen's birth date (what the age
rules and the age-transition preview count from); a stranger sees no teen at all."""

from __future__ import annotations

from datetime import date

from tests.support.accounts import link, make_guardian, make_teen
from tests.support.http import Api
from tests.support.servers import FakeClock


def test_the_teen_list_carries_the_birth_date(live: Api, clock: FakeClock) -> None:
    alex, stranger = make_guardian(live, "Alex"), make_guardian(live, "Stranger")
    maya = make_teen(live, "Maya", 15, clock.now.date())
    link(live, alex, maya)
    teens = live.call("GET", "/v1/teens", alex.token).json()
    assert [(t["display_name"], t["age"]) for t in teens] == [("Maya", 15)]
    born = date.fromisoformat(teens[0]["birth_date"])
    assert (clock.now.date() - born).days // 365 == 15
    assert live.call("GET", "/v1/teens", stranger.token).json() == []
