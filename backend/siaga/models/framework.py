from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from siaga.core.types import utcnow
from siaga.models.agency import AgencyType
from siaga.models.base import Base, str_enum


class AnswerType(enum.StrEnum):
    LEVEL = "level"
    YES_NO = "yes_no"
    PERCENT = "percent"
    COUNT = "count"


class FrameworkStatus(enum.StrEnum):
    """A version is edited as a draft; once published it never changes (issue 18)."""

    DRAFT = "draft"
    PUBLISHED = "published"


class Framework(Base):
    """A versioned catalogue of indicators; each version has its own code (PEMILU2024)."""

    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Published by default: the seed and the reference loaders write finished versions;
    # the catalogue's POST /frameworks and copy create drafts explicitly.
    status: Mapped[FrameworkStatus] = mapped_column(
        str_enum(FrameworkStatus, "framework_status"),
        default=FrameworkStatus.PUBLISHED,
        server_default=FrameworkStatus.PUBLISHED.value,
    )
    published_at: Mapped[datetime | None]
    # The code of the version this draft was copied from (not a foreign key: see 0008).
    copied_from: Mapped[str | None] = mapped_column(String(40))

    dimensions: Mapped[list[Dimension]] = relationship(
        lazy="raise", order_by="Dimension.position", back_populates="framework"
    )
    thresholds: Mapped[list[CategoryThreshold]] = relationship(
        lazy="raise", order_by="CategoryThreshold.min_score.desc()"
    )
    level_rubric: Mapped[list[LevelRubric]] = relationship(
        lazy="raise", order_by="LevelRubric.level"
    )


class CategoryThreshold(Base):
    """R >= min_score puts a Pemda in this category (highest matching threshold wins)."""

    __tablename__ = "category_thresholds"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100), default="")
    min_score: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        UniqueConstraint("framework_id", "category"),
        CheckConstraint("min_score >= 0 AND min_score <= 100", name="min_score_range"),
    )


class LevelRubric(Base):
    """What each level 0..4 of a `level` indicator means, shown with the guidance."""

    __tablename__ = "level_rubrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    level: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))

    __table_args__ = (
        UniqueConstraint("framework_id", "level"),
        CheckConstraint("level >= 0 AND level <= 4", name="level_range"),
    )


class Dimension(Base):
    __tablename__ = "dimensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    weight: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(default=0)

    framework: Mapped[Framework] = relationship(lazy="raise", back_populates="dimensions")
    indicators: Mapped[list[Indicator]] = relationship(
        lazy="raise", order_by="Indicator.position", back_populates="dimension"
    )

    __table_args__ = (
        UniqueConstraint("framework_id", "code"),
        CheckConstraint("weight > 0", name="weight_positive"),
    )


class Indicator(Base):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Denormalised from the dimension so codes are unique per framework in one index.
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    dimension_id: Mapped[int] = mapped_column(
        ForeignKey("dimensions.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    guidance: Mapped[str] = mapped_column(Text, default="")
    answer_type: Mapped[AnswerType] = mapped_column(str_enum(AnswerType, "answer_type"))
    # Only `count` indicators have a target; s = min(value / target, 1) * 100.
    target: Mapped[float | None] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float)
    agency_type_id: Mapped[int] = mapped_column(
        ForeignKey("agency_types.id", ondelete="RESTRICT"), index=True
    )
    # One boolean per level rather than a list: scoring filters on them in SQL.
    applies_province: Mapped[bool] = mapped_column(default=True)
    applies_regency: Mapped[bool] = mapped_column(default=True)
    applies_city: Mapped[bool] = mapped_column(default=True)
    evidence_required: Mapped[bool] = mapped_column(default=False)
    evidence_guidance: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    dimension: Mapped[Dimension] = relationship(lazy="raise", back_populates="indicators")
    agency_type: Mapped[AgencyType] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("framework_id", "code"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint(
            "(answer_type = 'count' AND target > 0) OR (answer_type <> 'count')",
            name="count_has_target",
        ),
    )
