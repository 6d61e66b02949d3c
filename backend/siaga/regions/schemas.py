from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from siaga.core.pagination import Page
from siaga.models import RegionLevel
from siaga.regions import time_zones


class RegionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(examples=["64.72"])
    name: str = Field(examples=["Kota Samarinda"])
    level: RegionLevel
    parent_code: str | None = Field(examples=["64"])
    bps_code: str | None = None
    time_zone: str = Field(
        examples=["Asia/Makassar"],
        description="IANA zone its deadlines end in: its own, else its province's, else "
        "the deployment's default",
    )
    time_zone_abbreviation: str = Field(
        examples=["WITA"], description="WIB, WITA or WIT, as shown next to times"
    )
    own_time_zone: str | None = Field(
        examples=[None], description="The zone stored for this region; null: inherited"
    )


class RegionDetail(RegionRead):
    parent_name: str | None
    children_count: int
    agencies_count: int


class RegionPage(Page[RegionRead]):
    pass


class RegionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_zone: str | None = Field(
        examples=["Asia/Makassar"],
        description="Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT); the "
        "abbreviation is accepted too. Null: a regency or city inherits its province's "
        "zone, a province takes the one of its Kemendagri code",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        zone = time_zones.parse(value)
        if zone is None:
            raise ValueError(
                "must be Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)"
            )
        return zone


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
