from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from siaga.core.types import utcnow
from siaga.models.agency import Agency
from siaga.models.base import Base, BigIntPK, str_enum
from siaga.models.framework import Indicator
from siaga.models.period import Period
from siaga.models.region import Region


class SubmissionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    RETURNED = "returned"


class ReviewDecision(enum.StrEnum):
    VERIFIED = "verified"
    RETURNED = "returned"
    REOPENED = "reopened"


class Submission(Base):
    """The answer of one Pemda to one indicator in one period.

    `value` is numeric for every answer type (yes_no as 1/0, level as 0..4), so scoring
    is a single CASE expression in SQL.
    """

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    region_id: Mapped[int] = mapped_column(
        ForeignKey("regions.id", ondelete="RESTRICT"), index=True
    )
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators.id", ondelete="RESTRICT"), index=True
    )
    # The office responsible when the answer was created (indicator's agency type in
    # the Pemda); kept so agency progress needs no join through types.
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="SET NULL"), index=True
    )
    value: Mapped[float | None] = mapped_column(Float)
    narrative: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SubmissionStatus] = mapped_column(
        str_enum(SubmissionStatus, "submission_status"), default=SubmissionStatus.DRAFT
    )
    version: Mapped[int] = mapped_column(default=1)
    is_late: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_submitted_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    period: Mapped[Period] = relationship(lazy="raise")
    region: Mapped[Region] = relationship(lazy="raise")
    indicator: Mapped[Indicator] = relationship(lazy="raise")
    agency: Mapped[Agency | None] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("period_id", "region_id", "indicator_id"),
        # The review queue and per-status counts of a period.
        Index("ix_submissions_period_status", "period_id", "status"),
        CheckConstraint("version >= 1", name="version_positive"),
    )


class SubmissionVersion(Base):
    """An immutable snapshot written on every edit and every transition.

    Append-only history: the answer and the actor are plain ids with no foreign keys, so
    the history outlives them and writing it costs no lookups (migration 0004).
    """

    __tablename__ = "submission_versions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    submission_id: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int]
    action: Mapped[str] = mapped_column(String(40))
    status: Mapped[SubmissionStatus] = mapped_column(
        str_enum(SubmissionStatus, "submission_version_status")
    )
    value: Mapped[float | None] = mapped_column(Float)
    narrative: Mapped[str] = mapped_column(Text, default="")
    # SHA-256 of every evidence file attached at this version.
    evidence_hashes: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(Text)
    actor_user_id: Mapped[int | None]
    actor_api_key_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("submission_id", "version"),)


class EvidenceBlob(Base):
    """File content, stored once per SHA-256 however many answers reference it."""

    __tablename__ = "evidence_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    storage_key: Mapped[str] = mapped_column(String(300), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvidenceFile(Base):
    """One piece of evidence attached to an answer, with its sanitised original name."""

    __tablename__ = "evidence_files"

    # Random public id: evidence URLs should not be enumerable.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("submissions.id", ondelete="CASCADE"),
        index=True,
    )
    blob_sha256: Mapped[str] = mapped_column(
        ForeignKey("evidence_blobs.sha256", ondelete="RESTRICT"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    blob: Mapped[EvidenceBlob] = relationship(lazy="raise")


class Review(Base):
    """A verifier's decision on one version of an answer."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("submissions.id", ondelete="CASCADE"),
        index=True,
    )
    version: Mapped[int]
    decision: Mapped[ReviewDecision] = mapped_column(str_enum(ReviewDecision, "review_decision"))
    reason: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
