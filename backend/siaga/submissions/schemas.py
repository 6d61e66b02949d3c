from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from siaga.core.pagination import Page
from siaga.core.text import CleanText
from siaga.models import AnswerType, ReviewDecision, SubmissionStatus
from siaga.submissions.workflow import (
    NARRATIVE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REASON_MIN_LENGTH,
)

__all__ = ["REASON_MAX_LENGTH", "REASON_MIN_LENGTH"]

# JSON numbers and booleans; yes/no answers may be true/false or 1/0.
AnswerValue = float | bool | None


class EvidenceRead(BaseModel):
    id: str
    name: str = Field(description="Original file name, sanitised")
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str | None
    url: str


class ReviewRead(BaseModel):
    decision: ReviewDecision
    reason: str | None
    reviewer: str | None
    at: datetime


class SubmissionRead(BaseModel):
    period: str
    region: str
    region_name: str
    indicator: str
    indicator_name: str
    answer_type: AnswerType
    target: float | None
    evidence_required: bool
    agency: str | None
    value: float | None
    narrative: str
    status: SubmissionStatus
    version: int
    etag: str = Field(description="Send as If-Match to change this answer")
    is_late: bool
    created_at: datetime
    updated_at: datetime
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    verified_at: datetime | None
    evidence: list[EvidenceRead]
    last_review: ReviewRead | None


class SubmissionSummary(BaseModel):
    """One row of a list: the answer without its evidence details."""

    period: str
    region: str
    region_name: str
    indicator: str
    indicator_name: str
    answer_type: AnswerType
    agency: str | None
    value: float | None
    status: SubmissionStatus
    version: int
    etag: str
    is_late: bool
    updated_at: datetime
    submitted_at: datetime | None
    evidence_count: int


class SubmissionPage(Page[SubmissionSummary]):
    pass


class RegionCount(BaseModel):
    region: str
    region_name: str
    count: int


class ReviewQueuePage(Page[SubmissionSummary]):
    by_region: list[RegionCount] = Field(
        description="How many answers wait per Pemda under the same filters, most first"
    )


class SubmissionWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: AnswerValue = Field(
        description="level: 0-4; yes_no: true/false (or 1/0); percent: 0-100; count: >= 0"
    )
    narrative: Annotated[str, CleanText(max_length=NARRATIVE_MAX_LENGTH, multiline=True)] = ""


# A returned (or reopened) answer goes back to the agency with its reason as the only
# guide to what to fix: "cek" or "salah" tells nobody anything, one sentence naming the
# document or number does. Counted after trimming, so spaces cannot pad a reason. The
# bounds are the workflow's (REASON_MIN_LENGTH, REASON_MAX_LENGTH); the OpenAPI document
# carries them as the reason's minLength and maxLength, where the SPA's form reads them.


class ReasonBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[
        str,
        CleanText(
            max_length=REASON_MAX_LENGTH,
            min_length=REASON_MIN_LENGTH,
            multiline=True,
            strip=True,
        ),
    ] = Field(
        description=(
            f"Why, for the agency to act on: {REASON_MIN_LENGTH} to {REASON_MAX_LENGTH} "
            "characters after surrounding whitespace is trimmed"
        )
    )


class HistoryEntry(BaseModel):
    version: int
    action: str
    status: SubmissionStatus
    value: float | None
    narrative: str
    evidence_hashes: list[str]
    reason: str | None
    actor: str | None
    at: datetime


class HistoryRead(BaseModel):
    period: str
    region: str
    indicator: str
    items: list[HistoryEntry]


class TaskRead(BaseModel):
    """An indicator a Pemda has to answer in a period, with where its answer stands."""

    period: str
    deadline: date
    deadline_at: datetime = Field(
        description="The cut-off instant: midnight ending the deadline day in the Pemda's zone"
    )
    time_zone: str = Field(examples=["Asia/Makassar"], description="The Pemda's IANA zone")
    time_zone_abbreviation: str = Field(examples=["WITA"], description="WIB, WITA or WIT")
    region: str
    region_name: str
    indicator: str
    indicator_name: str
    dimension: str
    answer_type: AnswerType
    target: float | None
    guidance: str
    evidence_required: bool
    evidence_guidance: str
    agency: str | None
    agency_name: str | None = Field(description="The office that answers it, by name")
    status: SubmissionStatus | Literal["not_started"]
    value: float | None
    version: int | None
    etag: str | None
    is_late: bool
    overdue: bool = Field(
        description="The period is open, its deadline has passed (in the Pemda's time "
        "zone) and the answer still waits on the agency: not started, draft or returned"
    )
    evidence_count: int
    last_reason: str | None
    unread_comments: int = Field(
        0,
        description="Messages on the answer's conversation that others wrote since the "
        "caller last opened it (GET .../comments marks it read)",
    )


class TaskPage(Page[TaskRead]):
    pass


class AnswerKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: str = Field(max_length=20)
    region: str = Field(max_length=20)
    indicator: str = Field(max_length=40)
    etag: str = Field(max_length=80)


class BulkVerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[AnswerKey] = Field(min_length=1, max_length=500)


class BulkVerifyItem(BaseModel):
    period: str
    region: str
    indicator: str
    status: int = Field(description="HTTP status this item would have had on its own")
    code: str
    etag: str | None


class BulkVerifyResult(BaseModel):
    verified: int
    failed: int
    items: list[BulkVerifyItem]


class CopyPreviousRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: str = Field(max_length=20)
    region: str | None = Field(
        default=None, max_length=20, description="Pemda; operators may omit it (their own)"
    )


class CopyPreviousResult(BaseModel):
    previous_period: str | None
    created: int
    skipped: int
