"""The Safety Centre's content: the shipped hotline table (GB is the IWF), the country of a
locale, a damaged table refused, and recommendations derived from the control declarations."""

from __future__ import annotations

import json

import pytest

from famguard import resources
from famguard.domain.controls import CONTROLS, SPECS, Audience
from famguard.domain.hotlines import HotlineTableError, country_of_locale, parse_hotlines
from famguard.domain.safety_guides import GUIDES, recommendations


def test_the_shipped_table_names_the_iwf_for_the_uk_and_inhope_for_other_countries() -> None:
    table = parse_hotlines(resources.text(resources.HOTLINES))
    uk = table.for_country("gb")
    assert (uk.organisation, uk.url) == ("Internet Watch Foundation (IWF)", "https://report.iwf.org.uk/")
    assert table.for_country("IE").organisation == "Hotline.ie"
    assert table.for_country("XX") == table.fallback == table.for_country(None)
    assert "inhope.org" in table.fallback.url
    assert all(h.url.startswith("https://") for h in table.hotlines)
    names = [h.country_name for h in table.countries()]
    assert names[:-1] == sorted(names[:-1]) and names[-1] == "Another country"
    assert len({h.country for h in table.hotlines}) == len(table.hotlines)  # one per country
    assert table.checked == "2026-12-03" and "inhope.org" in table.source  # where and when it was checked
    assert table.knows("IE") and table.knows("other") and not table.knows("XX") and not table.knows("")


@pytest.mark.parametrize(
    ("locale", "country"),
    [("en_GB", "GB"), ("de-AT.UTF-8", "AT"), ("fr_FR@euro", "FR"), ("C", None), ("en", None), ("", None)],
)
def test_the_country_comes_from_the_locale_name(locale: str, country: str | None) -> None:
    assert country_of_locale(locale) == country


def test_a_damaged_table_is_refused_with_the_reason() -> None:
    good = json.loads(resources.text(resources.HOTLINES))
    good["hotlines"][0]["url"] = "http://example.org/"
    with pytest.raises(HotlineTableError, match="not an https address"):
        parse_hotlines(json.dumps(good))
    with pytest.raises(HotlineTableError, match="Not JSON"):
        parse_hotlines("{")
    undated = {**json.loads(resources.text(resources.HOTLINES)), "checked": "last week"}
    with pytest.raises(HotlineTableError, match="not a date"):
        parse_hotlines(json.dumps(undated))


def test_recommendations_come_from_the_declarations() -> None:
    recs = {r.field: r for r in recommendations()}
    assert set(recs) == {spec.name for spec in CONTROLS} - {"timezone"}
    dms = recs["direct_messages"]
    assert (dms.younger, dms.older) == ("No one", "No one")
    assert dms.younger_rule == "Under 16, direct messages are turned off."
    duet = recs["duet_stitch"]
    assert (duet.younger, duet.older) == (SPECS["duet_stitch"].describe(Audience.NO_ONE), "Friends")
    assert recs["quiet_hours"].younger == "21:00–08:00" and recs["quiet_hours"].older == "22:00–08:00"
    assert SPECS["comments"].details in recs["comments"].why
    assert {g.key for g in GUIDES} >= {"pairing", "controls", "talk", "report-platform", "report-illegal"}


def test_a_time_zone_names_its_country_by_tzdatas_own_table() -> None:
    import pkgutil

    from famguard.domain.hotlines import country_of_zone

    table = (pkgutil.get_data("tzdata", "zoneinfo/zone.tab") or b"").decode()
    assert country_of_zone("Europe/London", table) == "GB"
    assert country_of_zone("Europe/Dublin", table) == "IE"
    assert country_of_zone("UTC", table) is None  # no one country's
    assert country_of_zone(None, table) is None and country_of_zone("Mars/Olympus", table) is None
