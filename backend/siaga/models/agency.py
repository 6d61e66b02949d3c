from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from siaga.models.base import Base
from siaga.models.region import Region


class AgencyType(Base):
    """A kind of regional office (Kesbangpol, BPKAD, ...) that indicators are assigned to."""

    __tablename__ = "agency_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Agency(Base):
    """One office ("perangkat daerah") of one Pemda, coded `<region>.<type>`."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"))
    agency_type_id: Mapped[int] = mapped_column(
        ForeignKey("agency_types.id", ondelete="RESTRICT"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)

    region: Mapped[Region] = relationship(lazy="raise")
    agency_type: Mapped[AgencyType] = relationship(lazy="raise")

    # A Pemda has at most one office of each type: indicators are routed by type.
    __table_args__ = (UniqueConstraint("region_id", "agency_type_id"),)
