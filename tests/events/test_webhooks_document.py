"""Each event type is described in the OpenAPI document's `webhooks` section, with the
Standard Webhooks body whose `data` is that type's model, so receivers generate types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from siaga.events.catalogue import DATA_OF, EventType
from tests.fixtures.client import build_app


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path: Path = tmp_path_factory.mktemp("webhooks") / "unused.db"
    document: dict[str, Any] = build_app(f"sqlite:///{path}").openapi()
    return document


def test_one_webhook_per_event_type(spec: dict[str, Any]) -> None:
    assert sorted(spec["webhooks"]) == sorted(t.value for t in EventType)
    # Described as webhooks, not as routes of the API (whose /webhooks are the endpoints').
    assert not any(t.value in path for t in EventType for path in spec["paths"])


@pytest.mark.parametrize("event_type", list(EventType), ids=[t.value for t in EventType])
def test_the_body_is_the_standard_envelope_of_the_types_data(
    spec: dict[str, Any], event_type: EventType
) -> None:
    operation = spec["webhooks"][event_type.value]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    envelope = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(envelope["required"]) == {"type", "timestamp", "data"}
    assert envelope["properties"]["type"]["const"] == event_type.value
    data_ref = envelope["properties"]["data"]["$ref"].rsplit("/", 1)[1]
    assert data_ref == DATA_OF[event_type].__name__
    data = spec["components"]["schemas"][data_ref]
    # Natural keys and the new state, not an id to fetch (an incident is no period's).
    keys = {"number", "region"} if event_type.value.startswith("incident.") else {"period"}
    assert keys | {"status", "actor", "occurred_at"} <= set(data["required"])
    assert "id" not in data["properties"]
    assert set(operation["responses"]) == {"204", "default"}
