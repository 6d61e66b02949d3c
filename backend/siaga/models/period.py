from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from siaga.models.base import Base, str_enum
from siaga.models.framework import Framework


class PeriodState(enum.StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"


class Period(Base):
    """A reporting quarter (`2023-Q4`) answered against one framework."""

    __tablename__ = "periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("frameworks.id", ondelete="RESTRICT"), index=True
    )
    start_date: Mapped[date]
    end_date: Mapped[date]
    deadline: Mapped[date]
    state: Mapped[PeriodState] = mapped_column(
        str_enum(PeriodState, "period_state"), default=PeriodState.PLANNED
    )
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    framework: Mapped[Framework] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint("start_date <= end_date", name="dates_ordered"),
        CheckConstraint("deadline >= start_date", name="deadline_after_start"),
    )
