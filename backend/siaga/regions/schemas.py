from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from siaga.core.pagination import Page
from siaga.models import RegionLevel


class RegionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(examples=["64.72"])
    name: str = Field(examples=["Kota Samarinda"])
    level: RegionLevel
    parent_code: str | None = Field(examples=["64"])
    bps_code: str | None = None


class RegionDetail(RegionRead):
    parent_name: str | None
    children_count: int
    agencies_count: int


class RegionPage(Page[RegionRead]):
    pass
