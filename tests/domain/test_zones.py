"""Time zone names (issue 13): the canonical IANA names from the tzdata package are accepted on
every platform; names that mean something different on each host are refused."""

from __future__ import annotations

import pytest

from famguard.domain.controls import Controls, controls_from_json, controls_to_json, defaults_for_age
from famguard.domain.errors import DomainValidationError
from famguard.domain.zones import zone_names


@pytest.mark.parametrize(
    "name", ["localtime", "Factory", "posixrules", "right/UTC", "posix/Europe/London", "Europe/Nowhere"]
)
def test_host_specific_and_unknown_zone_names_are_refused(name: str) -> None:
    body = {**controls_to_json(defaults_for_age(14)), "timezone": name}
    with pytest.raises(DomainValidationError):
        controls_from_json(body, 14)


@pytest.mark.parametrize("name", ["Europe/London", "America/Sao_Paulo", "UTC", "Asia/Kolkata", "US/Eastern"])
def test_canonical_names_are_accepted(name: str) -> None:
    body = {**controls_to_json(defaults_for_age(14)), "timezone": name}
    controls = controls_from_json(body, 14)
    assert isinstance(controls, Controls) and controls.timezone == name


def test_the_list_comes_from_tzdata_and_has_every_common_zone() -> None:
    names = zone_names()
    assert {"Europe/Berlin", "Australia/Sydney", "Pacific/Auckland"} <= names
    assert not any(n.startswith(("posix/", "right/")) for n in names)
