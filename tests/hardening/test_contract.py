"""The OpenAPI document says what the server does: where it refuses a change without
If-Match, and how it answers a path or query value that is not text (422, every route)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import Indicator, Submission, User
from tests.fixtures.factories import create_fake_evidence
from tests.helpers import API, assert_error
from tests.submissions.conftest import Workflow, world  # noqa: F401 - fixture
from tests.submissions.test_router import LoginAs, url

# A percent and a count indicator: the same value (40) suits both.
ANSWERED, UNANSWERED = "P.01", "C.01"
# A request body the route accepts, by schema name; other routes get none (a 422, which
# does not depend on If-Match either).
BODIES: dict[str, dict[str, Any]] = {
    "SubmissionWrite": {"value": 40, "narrative": "uji kontrak"},
    "ReasonBody": {"reason": "alasan uji kontrak"},
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def if_match(self) -> dict[str, Any] | None:
        for parameter in self.spec.get("parameters", []):
            if parameter["in"] == "header" and parameter["name"].lower() == "if-match":
                return dict(parameter)
        return None

    def body(self) -> dict[str, Any] | None:
        content = self.spec.get("requestBody", {}).get("content", {})
        ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
        return BODIES.get(ref.rsplit("/", 1)[-1])


def operations(app: FastAPI) -> Iterator[Operation]:
    for path, methods in app.openapi()["paths"].items():
        for method, spec in methods.items():
            yield Operation(method, path, spec)


class TestIfMatch:
    async def test_every_route_that_requires_it_declares_it(
        self,
        app: FastAPI,
        anon_client: httpx.AsyncClient,
        world: Workflow,  # noqa: F811 - the fixture imported above
        admin_user: User,
        login_as: LoginAs,
        session: AsyncSession,
    ) -> None:
        created = await anon_client.put(
            url(ANSWERED), headers=await login_as(world.operator), json={"value": 40}
        )
        assert created.status_code == 201, created.text
        submission = await session.scalar(
            select(Submission).join(Indicator).where(Indicator.code == ANSWERED)
        )
        assert submission is not None
        (evidence,) = await create_fake_evidence(session, submission.id)
        values = {
            "period": world.period.code,
            "region": world.city.code,
            "indicator": ANSWERED,
            "evidence_id": evidence.id,
            # Codes of nothing: no probe may close the period the answer lives in.
            "code": "1999-Q1",
            "username": "tidak.ada",
            "prefix": "000000000000",
        }

        async def probe(operation: Operation, if_match: str | None, **changed: str) -> int:
            path = operation.path
            for name, value in {**values, **changed}.items():
                path = path.replace("{" + name + "}", value)
            # The national administrator may do everything; a fresh session per call,
            # since one of the routes probed is the logout.
            headers = await login_as(admin_user)
            if if_match is not None:
                headers["If-Match"] = if_match
            response = await anon_client.request(
                operation.method.upper(), path, headers=headers, json=operation.body()
            )
            return response.status_code

        required, conditional = set(), set()
        for operation in operations(app):
            if operation.method == "get":
                continue
            if await probe(operation, None) != 428 or await probe(operation, "*") == 428:
                continue
            # Refused without it here; does the route do without it elsewhere (creating)?
            elsewhere = await probe(operation, None, indicator=UNANSWERED)
            (conditional if elsewhere < 300 else required).add(operation.name)

        answer = f"{API}/submissions/{{period}}/{{region}}/{{indicator}}"
        assert {f"POST {answer}/{action}" for action in ("submit", "verify")} <= required
        assert f"PUT {answer}" in conditional
        documented_required = set()
        for operation in operations(app):
            parameter = operation.if_match()
            if parameter is not None and parameter.get("required"):
                documented_required.add(operation.name)
            if operation.name in required | conditional:
                assert parameter is not None, operation.name
                assert {"412", "428"} <= set(operation.spec["responses"]), operation.name
        # Declared required exactly where the server always refuses without it; where it
        # may do without (PUT creates), optional with the 428 documented.
        assert documented_required == required


# -- path and query values that are not text ----------------------------------------------

# The value sent for a parameter the probe does not target.
_PLAIN = {"integer": "1", "boolean": "true", "number": "1"}
NOT_TEXT = {"nul": "%00", "escape": "%1B", "not-utf8": "%FF", "nul-plus-text": "64%00x"}


def _schema_type(parameter: dict[str, Any]) -> str:
    schema = parameter.get("schema", {})
    for option in [schema, *schema.get("anyOf", [])]:
        if option.get("type") not in (None, "null"):
            kind = option["type"]
            if "enum" in option or "$ref" in option:
                return "enum"
            return str(kind) if option.get("format") != "date-time" else "date-time"
        if "$ref" in option:
            return "enum"
    return "string"


def _cases(app: FastAPI) -> list[tuple[str, str, str, str]]:
    """(method, url template with {target}, target name, kind) for every path and query
    parameter of every operation."""
    cases = []
    for operation in operations(app):
        parameters = [
            p for p in operation.spec.get("parameters", []) if p["in"] in ("path", "query")
        ]
        for target in parameters:
            path = operation.path
            query = []
            for parameter in parameters:
                value = "{target}" if parameter is target else None
                if parameter["in"] == "path":
                    path = path.replace("{" + parameter["name"] + "}", value or "x")
                elif value is not None or parameter.get("required"):
                    plain = _PLAIN.get(_schema_type(parameter), "x")
                    query.append(f"{parameter['name']}={value or plain}")
            template = path + ("?" + "&".join(query) if query else "")
            cases.append((operation.method, template, target["name"], _schema_type(target)))
    return cases


def test_every_kind_of_parameter_is_probed(app: FastAPI) -> None:
    kinds = {kind for *_, kind in _cases(app)}
    assert {"string", "integer", "boolean", "date-time", "enum"} <= kinds
    assert any("{target}" in template.split("?")[0] for _, template, *_ in _cases(app))


@pytest.mark.parametrize("value", NOT_TEXT.values(), ids=NOT_TEXT.keys())
async def test_a_value_that_is_not_text_is_422_everywhere(
    app: FastAPI, client: httpx.AsyncClient, value: str
) -> None:
    answers: dict[str, list[str]] = {}
    for method, template, name, kind in _cases(app):
        response = await client.request(method.upper(), template.replace("{target}", value))
        try:
            error = assert_error(response, 422, "invalid_input")
            in_path = "{target}" in template.split("?")[0]
            assert error["details"][0]["loc"] == (["path"] if in_path else ["query", name])
        except AssertionError:
            answers.setdefault(f"{response.status_code}", []).append(
                f"{method.upper()} {template} ({kind}): {response.text[:200]}"
            )
    assert answers == {}


@pytest.mark.parametrize("text", ["Kota Samarinda", "Bontang\u202e", quote("Sama rinda")])
async def test_text_values_are_still_looked_up(client: httpx.AsyncClient, text: str) -> None:
    # Only what is not text is refused: a search for anything else simply finds nothing.
    response = await client.get(f"{API}/regions", params={"q": text})
    assert response.status_code == 200, response.text
