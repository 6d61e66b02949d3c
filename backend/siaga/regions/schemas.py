from __future__ import annotations

from typing import Any, Literal

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


class BoundaryProperties(BaseModel):
    code: str = Field(examples=["64.72"])
    name: str = Field(examples=["Kota Samarinda"])
    level: RegionLevel


class BoundaryGeometry(BaseModel):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Any] = Field(
        description="RFC 7946 rings of [longitude, latitude] positions in WGS84 degrees"
    )


class BoundaryFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    properties: BoundaryProperties
    geometry: BoundaryGeometry


class BoundaryCollectionRead(BaseModel):
    """A GeoJSON FeatureCollection (RFC 7946) of region outlines, for the choropleth map."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[BoundaryFeature]


class BoundaryImportRead(BaseModel):
    features: int = Field(description="Features in the file, one per region")
    created: int
    updated: int
    unchanged: int
    points_received: int
    points_stored: int = Field(description="After simplification and rounding to 5 decimals")
    tolerance: float | None = Field(
        description="Douglas-Peucker tolerance applied, in degrees; null when not simplified"
    )
