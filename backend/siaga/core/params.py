"""Reusable, validated query and path parameters with the contract's natural keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

# Kemendagri codes: `64`, `64.72` (and deeper levels, should they ever be loaded).
REGION_CODE_PATTERN = r"^\d{2}(\.\d{2,4}){0,3}$"

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
