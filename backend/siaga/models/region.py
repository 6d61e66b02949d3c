from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from siaga.core.types import utcnow
from siaga.models.base import Base, str_enum


class RegionLevel(enum.StrEnum):
    PROVINCE = "province"
    REGENCY = "regency"
    CITY = "city"


class Region(Base):
    """A province, regency or city, keyed by its Kemendagri code.

    Codes are hierarchical (`64` > `64.72`), so a subtree is `code = X OR code LIKE 'X.%'`
    and scope checks need no recursive query.
    """

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[RegionLevel] = mapped_column(str_enum(RegionLevel, "region_level"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("regions.id", ondelete="RESTRICT"), index=True
    )
    bps_code: Mapped[str | None] = mapped_column(String(20))
    # IANA name of the zone its deadlines end in (regions/time_zones.py). NULL: a regency
    # or city inherits its province's zone, a province of unknown code the deployment's.
    time_zone: Mapped[str | None] = mapped_column(String(40))

    parent: Mapped[Region | None] = relationship(
        remote_side="Region.id", lazy="raise", back_populates="children"
    )
    children: Mapped[list[Region]] = relationship(lazy="raise", back_populates="parent")

    __table_args__ = (
        Index("ix_regions_level_code", "level", "code"),
        CheckConstraint(
            "time_zone IN ('Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura')",
            name="time_zone_indonesian",
        ),
    )


class RegionBoundary(Base):
    """The region's outline as GeoJSON geometry, for the dashboard's choropleth map."""

    __tablename__ = "region_boundaries"

    region_id: Mapped[int] = mapped_column(
        ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True
    )
    geometry: Mapped[dict[str, object]] = mapped_column(JSON)
    # Points after simplification, kept so operators can see what the import did.
    point_count: Mapped[int]
    source: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
