"""The OpenAPI document: the committed copy is current, every schema has a description and an
example, and Schemathesis, signed in as a guardian with a linked teen, finds no server error and
no response that breaks the documented schema on the real server."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks as st_checks

from famguard.server.openapi_dump import OPENAPI_PATH, current_openapi, render
from tests.support.accounts import controls_of, link, make_guardian, make_teen
from tests.support.http import Api
from tests.support.servers import FakeClock


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return current_openapi()


def test_committed_openapi_json_is_current(document: dict[str, Any]) -> None:
    assert OPENAPI_PATH.read_text(encoding="utf-8") == render(document), (
        "famguard/server/openapi.json is stale: run `python -m famguard.server.openapi_dump` and commit it"
    )


def test_every_schema_has_a_description_and_an_example(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert len(schemas) > 20
    for name, schema in schemas.items():
        assert schema.get("description"), f"{name} has no description"
        assert schema.get("examples") or schema.get("example"), f"{name} has no example"


def test_every_operation_is_described_and_documents_its_errors(document: dict[str, Any]) -> None:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description") or operation.get("summary"), f"{method} {path}"
            if path != "/v1/health":  # no input at all, so nothing to refuse
                assert "422" in operation["responses"], f"{method} {path} does not document 422"


def test_served_document_is_the_committed_one(live: Api) -> None:
    served = live.call("GET", "/openapi.json").json()
    assert served == json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))


# Operations Schemathesis leaves alone: signing out would end the session the run depends on.
SKIPPED_OPERATIONS = {("POST", "/v1/auth/logout")}
# Checks about what a server should accept, not about what it answers: a schema-valid body can
# still break a rule the schema cannot express (a teen's age, an email's shape, a used code).
EXCLUDED_CHECKS = [st_checks.positive_data_acceptance]


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live: Api, clock: FakeClock) -> None:
    guardian = make_guardian(live, "Alex")
    teen = make_teen(live, "Maya", 14, clock.now.date())
    link(live, guardian, teen)
    schema = schemathesis.openapi.from_url(live.base + "/openapi.json")
    session = requests.Session()
    headers = {"Authorization": f"Bearer {guardian.token}"}
    tested = 0
    calls: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED_OPERATIONS:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            ends_link = case.method.upper() == "DELETE" and case.path.endswith("/link")
            if case.path_parameters and "teen_id" in case.path_parameters and not ends_link:
                case.path_parameters["teen_id"] = teen.id  # reach a real teen, not only 404s
            if case.query and "wait" in case.query:
                case.query["wait"] = 0  # a long poll would only make the run slow
            extra = dict(headers)
            if case.headers and "If-Match" in case.headers:
                extra["If-Match"] = controls_of(live, guardian, teen)[1]
            response = case.call_and_validate(session=session, headers=extra, excluded_checks=EXCLUDED_CHECKS)
            calls.append(response.status_code)

        run()
        tested += 1
    assert tested >= 25
    assert len(calls) > 150 and sum(200 <= c < 300 for c in calls) > 30, "the run hardly reached the API"


def test_every_schema_example_is_valid() -> None:
    from pydantic import BaseModel

    from famguard.server import schemas

    models = [
        m for m in vars(schemas).values() if isinstance(m, type) and issubclass(m, BaseModel) and m is not BaseModel
    ]
    assert len(models) > 20
    for model in models:
        for example in model.model_config["json_schema_extra"]["examples"]:
            model.model_validate(example)
