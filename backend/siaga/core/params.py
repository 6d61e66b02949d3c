"""Reusable, validated query and path parameters with the contract's natural keys."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path, Query
from pydantic import AwareDatetime, BeforeValidator
from starlette.convertors import Convertor, register_url_convertor

# Kemendagri codes: `64`, `64.72` (and deeper levels, should they ever be loaded).
REGION_CODE_PATTERN = r"^\d{2}(\.\d{2,4}){0,3}$"


class RegionCodeConvertor(Convertor[str]):
    """`{code:region}` in a route path matches a segment that starts with a digit.

    Routes such as `/regions/{code}` sit beside fixed, worded paths (`/regions/boundaries`);
    with the plain `{code}` a method that only the fixed path lacks (PATCH) would be taken
    for a region called "boundaries" instead of answering 405. Every Kemendagri code starts
    with a digit; the full shape and length are still checked by the parameter, so a
    malformed code keeps its 422 rather than becoming a routing 404.
    """

    regex = r"[0-9][^/]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("region", RegionCodeConvertor())

RegionCodePath = Annotated[
    str, Path(max_length=20, description="Kemendagri region code, e.g. `64.72`")
]
RegionCodeQuery = Annotated[
    str | None,
    Query(max_length=20, pattern=REGION_CODE_PATTERN, description="Kemendagri region code"),
]
CodePath = Annotated[str, Path(max_length=80)]
SearchQuery = Annotated[
    str | None, Query(min_length=1, max_length=100, description="Text to search in names")
]

_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _iso_only(value: object) -> object:
    # Pydantic would also read a number ("0.5", "1700000000") as seconds since 1970: a
    # query like ?until=0.5 is a mistake, not a moment, and must be refused as one.
    if isinstance(value, str) and not _ISO_DATETIME.match(value):
        raise ValueError("expected an ISO 8601 date-time with a time zone")
    return value


TimestampQuery = Annotated[
    AwareDatetime | None,
    BeforeValidator(_iso_only),
    Query(description="ISO 8601 date-time with a time zone, e.g. `2024-01-10T00:00:00+07:00`"),
]
