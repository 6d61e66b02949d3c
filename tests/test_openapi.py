"""The OpenAPI document is the contract the SPA's client is generated from."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from tests.fixtures.client import build_app

COMMITTED_SPEC = Path(__file__).resolve().parents[1] / "frontend" / "openapi.json"
OPERATION_ID = re.compile(r"^[a-z_]+-[a-z_]+$")
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture(scope="module")
def spec_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    # The document does not depend on the database; this one is never connected to.
    return build_app(f"sqlite:///{tmp_path_factory.mktemp('openapi') / 'unused.db'}")


@pytest.fixture(scope="module")
def spec(spec_app: FastAPI) -> dict[str, Any]:
    return spec_app.openapi()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_has_operations(spec: dict[str, Any]) -> None:
    assert len(_operations(spec)) >= 10


def test_operation_ids_are_tag_dash_name(spec: dict[str, Any]) -> None:
    bad = [
        f"{method} {path}: {op.get('operationId')!r}"
        for method, path, op in _operations(spec)
        if not OPERATION_ID.fullmatch(op.get("operationId", ""))
    ]
    assert bad == [], "operation ids must look like `{tag}-{name}`"


def test_operation_ids_unique(spec: dict[str, Any]) -> None:
    counts = Counter(op.get("operationId") for _, _, op in _operations(spec))
    assert [op_id for op_id, n in counts.items() if n > 1] == []


def test_operation_id_starts_with_its_tag(spec: dict[str, Any]) -> None:
    for method, path, op in _operations(spec):
        assert op["operationId"].split("-")[0] == op["tags"][0], f"{method} {path}"


def test_every_route_documented(spec_app: FastAPI, spec: dict[str, Any]) -> None:
    undocumented = [
        f"{sorted(route.methods)} {route.path}"
        for route in spec_app.routes
        if isinstance(route, APIRoute)
        and route.include_in_schema
        and not (route.description or "").strip()
    ]
    assert undocumented == [], "every route needs a one-sentence docstring"
    for method, path, op in _operations(spec):
        assert op.get("summary") and op.get("description"), f"{method} {path}"


def test_committed_spec_is_current(spec: dict[str, Any]) -> None:
    assert COMMITTED_SPEC.is_file(), f"{COMMITTED_SPEC} is missing; run `make openapi` to write it"
    committed = json.loads(COMMITTED_SPEC.read_text(encoding="utf-8"))
    current = json.loads(json.dumps(spec))
    assert committed == current, (
        f"{COMMITTED_SPEC.name} differs from the API's OpenAPI document; run `make openapi` "
        "(and regenerate the SPA client) and commit the result"
    )


def test_error_responses_documented_with_error_shape(spec: dict[str, Any]) -> None:
    # The app renders every 4xx/5xx as {"error": {...}}; a generated client must not be
    # told otherwise (FastAPI's default 422 schema is `HTTPValidationError`).
    wrong = []
    for method, path, op in _operations(spec):
        for status, response in op["responses"].items():
            if not status.startswith(("4", "5")):
                continue
            ref = response.get("content", {}).get("application/json", {}).get("schema", {})
            if ref.get("$ref") != "#/components/schemas/ErrorResponse":
                wrong.append(f"{method} {path} {status}: {ref}")
    assert wrong == [], "error responses must use the ErrorResponse schema"
