from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from siaga.core.types import utcnow
from siaga.models.base import Base, BigIntPK, str_enum


class ReportState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class PemdaReport(Base):
    """A Pemda's report for one period (issue 19): its narrative, signatory, receipt and
    the state of its way up the chain (reporting/rules.py).

    The row is also the lock between the report and the Pemda's answers: accepting takes
    it FOR UPDATE, every answer writer FOR SHARE (submissions.repository.report_accepted),
    so an acceptance and an answer change never both succeed over each other.
    """

    __tablename__ = "pemda_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    region_id: Mapped[int] = mapped_column(
        ForeignKey("regions.id", ondelete="RESTRICT"), index=True
    )
    state: Mapped[ReportState] = mapped_column(
        str_enum(ReportState, "pemda_report_state"), default=ReportState.DRAFT
    )
    situation: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[str] = mapped_column(Text, default="")
    obstacles: Mapped[str] = mapped_column(Text, default="")
    conclusion: Mapped[str] = mapped_column(Text, default="")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_nip: Mapped[str] = mapped_column(String(18), default="")
    signatory_position: Mapped[str] = mapped_column(String(200), default="")
    # Given on the first submission and kept for good (rules.receipt_number).
    receipt_number: Mapped[str | None] = mapped_column(String(60), unique=True)
    first_submitted_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    is_late: Mapped[bool] = mapped_column(default=False)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    returned_at: Mapped[datetime | None]
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    return_reason: Mapped[str | None] = mapped_column(Text)
    unaccepted_at: Mapped[datetime | None]
    unaccepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    unaccept_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        UniqueConstraint("period_id", "region_id"),
        Index("ix_pemda_reports_period_state", "period_id", "state"),
    )


class PemdaReportEvent(Base):
    """One step in a report's history (written, submitted, accepted, returned,
    unaccepted), append-only like the answers' versions: the actor is a plain id with its
    label beside it (migration 0004's reasoning)."""

    __tablename__ = "pemda_report_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    report_id: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int]
    action: Mapped[str] = mapped_column(String(20))
    state: Mapped[ReportState] = mapped_column(str_enum(ReportState, "pemda_report_event_state"))
    reason: Mapped[str | None] = mapped_column(Text)
    actor_user_id: Mapped[int | None]
    actor_api_key_id: Mapped[int | None]
    actor_label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_pemda_report_events_report", "report_id", "id"),)


class RecommendationStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class ReportRecommendation(Base):
    """A recommendation made in a Pemda's report for a period (issue 19 item 6): what is
    to be done, by which of the Pemda's agencies, by when, and how far it has come.

    Keyed by the report's natural key (period, region) rather than the report row, like
    the comments: a coordinator may list recommendations before the first PUT of the
    narrative. Until done it carries into the Pemda's later reports
    (reporting/recommendations.py).
    """

    __tablename__ = "report_recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"))
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.id", ondelete="RESTRICT"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    status: Mapped[RecommendationStatus] = mapped_column(
        str_enum(RecommendationStatus, "recommendation_status"), default=RecommendationStatus.OPEN
    )
    follow_up: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    done_at: Mapped[datetime | None]

    # A report's list and the carried ones (same Pemda, not done) both start at the region.
    __table_args__ = (Index("ix_report_recommendations_pemda", "region_id", "period_id"),)


class RecommendationEvidence(Base):
    """A file backing a recommendation's follow-up (issue 19 item 6): the letter, minutes
    or photo that shows what was done.

    Its own table rather than a nullable link on evidence_files: every reader of those
    (the answer's versions, the grid, copy-previous, the ZIP, imports) takes a file to
    belong to an answer, and a recommendation's file has no answer. The content is shared
    with the answers' files through evidence_blobs (stored once per SHA-256), so a blob
    goes only when neither table references it (evidence.repository.count_references).
    """

    __tablename__ = "recommendation_evidence"

    # Random public id, as for answers' files: evidence URLs should not be enumerable.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("report_recommendations.id", ondelete="CASCADE")
    )
    blob_sha256: Mapped[str] = mapped_column(
        ForeignKey("evidence_blobs.sha256", ondelete="RESTRICT"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # One file's content once per recommendation (the duplicate check runs under the
    # recommendation's row lock; this is the backstop), and the index the lists read by.
    __table_args__ = (UniqueConstraint("recommendation_id", "blob_sha256"),)
