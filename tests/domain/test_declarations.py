"""Everything derived from the control declarations agrees with them: the server's schemas and
the committed OpenAPI document (names, enums, bounds), the teen CLI's listing, the help texts,
the age rules and defaults of PRODUCT.md's table (incl. downloads and Duet/Stitch), and reading
a body stored before a control existed. (The editors and the teen panel: tests/ui/test_views.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from famguard.domain import teen_view
from famguard.domain.control_spec import ValueKind
from famguard.domain.controls import (
    CONTROL_FIELDS,
    CONTROLS,
    GROUPS,
    Audience,
    conform_to_age,
    controls_from_json,
    controls_to_json,
    defaults_for_age,
    is_complete_body,
    option_restriction,
)
from famguard.domain.values import dump_plain
from famguard.server.openapi_dump import OPENAPI_PATH
from famguard.server.schemas import ControlsOut, ControlsPatch
from famguard.teen_cli import controls_listing


def _property(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """A property's own schema, with `X | None` unwrapped."""
    prop = schema["properties"][name]
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    assert len(options) == 1, f"{name}: {prop}"
    return options[0]


def _check_schema(schema: dict[str, Any], *, required: bool) -> None:
    assert sorted(schema["properties"]) == sorted(CONTROL_FIELDS)  # the committed copy is key-sorted
    assert set(schema.get("required", [])) == (set(CONTROL_FIELDS) if required else set())
    for spec in CONTROLS:
        prop = _property(schema, spec.name)
        assert spec.label in schema["properties"][spec.name]["description"]
        if spec.kind is ValueKind.CHOICE:
            assert prop["enum"] == [dump_plain(v) for v, _ in spec.choices], spec.name
        if spec.kind is ValueKind.TOGGLE:
            assert prop["type"] == "boolean", spec.name
        if spec.kind is ValueKind.MINUTES:
            assert (prop["minimum"], prop["maximum"]) == spec.bounds, spec.name
        if spec.kind is ValueKind.WEEKDAY_MINUTES:
            values = prop["additionalProperties"]
            assert (values["minimum"], values["maximum"]) == spec.bounds, spec.name
        if spec.max_items is not None:
            assert prop["maxItems"] == spec.max_items, spec.name
        if spec.age_rule is not None:
            assert spec.age_rule.reason in schema["properties"][spec.name]["description"]


@pytest.mark.parametrize("model", [ControlsOut, ControlsPatch])
def test_server_schemas_match_the_declarations(model: Any) -> None:
    _check_schema(model.model_json_schema(), required=model is ControlsOut)


def test_committed_openapi_document_matches_the_declarations() -> None:
    schemas = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))["components"]["schemas"]
    _check_schema(schemas["ControlsOut"], required=True)
    _check_schema(schemas["ControlsPatch"], required=False)


def test_every_control_has_its_texts_group_and_a_default_its_rule_allows() -> None:
    for spec in CONTROLS:
        assert spec.label and spec.summary and spec.details, spec.name
        assert spec.group in GROUPS, spec.name
        if spec.kind is ValueKind.TOGGLE:
            assert spec.toggle_text, spec.name
        for age in (13, 15, 16, 17):
            default = spec.default_for(age)
            assert spec.restriction(default, age) is None, (spec.name, age)
            assert spec.parse(spec.dump(default)) == default, spec.name


def test_the_teen_cli_lists_every_control_in_words() -> None:
    controls = defaults_for_age(14, "Europe/London")
    lines = controls_listing(controls)
    assert lines == [f"{name}: {value}" for name, value in teen_view.rules_in_words(controls)]
    assert "Downloads of your videos: Off" in lines
    assert "Duet and Stitch with your videos: No one" in lines


@pytest.mark.parametrize(("age", "duet"), [(13, Audience.NO_ONE), (15, Audience.NO_ONE), (16, Audience.FRIENDS)])
def test_downloads_and_duet_stitch_defaults_follow_the_product_table(age: int, duet: Audience) -> None:
    controls = defaults_for_age(age)
    assert controls.downloads is False
    assert controls.duet_stitch == duet


def test_downloads_and_duet_stitch_are_not_available_under_16() -> None:
    assert option_restriction("downloads", True, 15) == (
        "Not available under 16: others cannot download the teen's videos."
    )
    assert option_restriction("downloads", False, 15) is None
    for value in (Audience.EVERYONE, Audience.FRIENDS):
        assert (option_restriction("duet_stitch", value, 15) or "").startswith("Not available under 16")
        assert option_restriction("duet_stitch", value, 16) is None
    opened = defaults_for_age(17).replace(downloads=True, duet_stitch=Audience.EVERYONE)
    closed = conform_to_age(opened, 15)
    assert closed.downloads is False and closed.duet_stitch == Audience.NO_ONE
    assert conform_to_age(opened, 16) == opened


def _old_body(age: int) -> dict[str, Any]:
    """A body as stored before downloads and duet_stitch existed."""
    body = controls_to_json(defaults_for_age(age).replace(daily_limit_minutes=90))
    del body["downloads"], body["duet_stitch"]
    return body


@pytest.mark.parametrize(("age", "duet"), [(14, Audience.NO_ONE), (17, Audience.FRIENDS)])
def test_a_body_stored_before_a_control_existed_reads_with_the_defaults_for_the_age(age: int, duet: Audience) -> None:
    body = _old_body(age)
    assert not is_complete_body(json.dumps(body, separators=(",", ":")))
    controls = controls_from_json(body, age)
    assert controls.daily_limit_minutes == 90  # what was stored stays
    assert controls.downloads is False and controls.duet_stitch == duet
    assert is_complete_body(json.dumps(controls_to_json(controls), separators=(",", ":")))


def test_controls_of_a_newer_version_are_ignored_and_missing_ones_without_an_age_are_refused() -> None:
    newer = {**controls_to_json(defaults_for_age(16)), "live_gifts": True}
    assert controls_from_json(newer) == defaults_for_age(16)
    assert "live_gifts" not in controls_to_json(controls_from_json(newer))
    with pytest.raises(ValueError, match="duet_stitch"):
        controls_from_json(_old_body(16))
