"""Names for the JSON documents the application builds and stores.

Audit snapshots, error details and log lines are documents, not rows: their keys vary
by what they describe, so they are typed as JSON rather than as dataclasses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

# Read-only containers, because they are covariant: a dict[str, str] is a JsonObject,
# whereas it would not be a dict[str, JsonValue].
JsonValue: TypeAlias = (
    "str | int | float | bool | Sequence[JsonValue] | Mapping[str, JsonValue] | None"
)
JsonObject: TypeAlias = Mapping[str, JsonValue]
# A JSON-like object whose values a library still encodes (datetimes, exceptions' texts,
# model classes): log lines, logging's dictConfig, validation errors, OpenAPI entries.
Payload: TypeAlias = dict[str, Any]
