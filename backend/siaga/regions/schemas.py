from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from siaga.core.pagination import Page
from siaga.core.text import CleanText
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


_ZONE_HELP = (
    "Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT); the abbreviation is "
    "accepted too"
)
_ZONE_REFUSED = "must be Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)"
RegionName = Annotated[str, CleanText(max_length=200, min_length=1, strip=True)]
# BPS codes are digits only (e.g. 6472); kept as text so leading zeros survive.
BpsCode = Annotated[str, Field(pattern=r"^\d{2,10}$", examples=["6472"])]


def _parse_zone(value: str | None) -> str | None:
    if value is None:
        return None
    zone = time_zones.parse(value)
    if zone is None:
        raise ValueError(_ZONE_REFUSED)
    return zone


class RegionCreate(BaseModel):
    """A new region, e.g. a regency or city after a split; where it fits is checked by the
    service (level against code and parent)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        pattern=r"^\d{2}(\.\d{2})?$",
        examples=["64.75"],
        description="Kemendagri code: NN for a province, NN.NN for a regency or city",
    )
    name: RegionName = Field(examples=["Kabupaten Baru"])
    level: RegionLevel
    parent: str | None = Field(
        default=None,
        max_length=20,
        examples=["64"],
        description="The province's code for a regency or city; null for a province",
    )
    bps_code: BpsCode | None = None
    time_zone: str | None = Field(
        default=None,
        description=f"{_ZONE_HELP}. Null: a regency or city inherits its province's zone",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return _parse_zone(value)


class RegionUpdate(BaseModel):
    """Only the fields sent change; at least one must be sent."""

    model_config = ConfigDict(extra="forbid")

    name: RegionName | None = Field(default=None, examples=["Kota Samarinda"])
    bps_code: BpsCode | None = Field(default=None, description="Null clears it")
    time_zone: str | None = Field(
        default=None,
        examples=["Asia/Makassar"],
        description=f"{_ZONE_HELP}. Null: a regency or city inherits its province's "
        "zone, a province takes the one of its Kemendagri code",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return _parse_zone(value)

    @field_validator("name")
    @classmethod
    def _name_not_null(cls, value: str | None) -> str:
        # A region always has a name: null is not "clear" here.
        if value is None:
            raise ValueError("a region's name cannot be null")
        return value

    @model_validator(mode="after")
    def _something_sent(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("send at least one of name, bps_code, time_zone")
        return self


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
