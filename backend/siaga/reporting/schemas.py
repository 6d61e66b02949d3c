from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from siaga.core.pagination import Page
from siaga.core.text import CleanText
from siaga.incidents.schemas import PeriodIncidents
from siaga.models import RecommendationStatus, RegionLevel, ReportState
from siaga.reporting.recommendation_rules import FOLLOW_UP_MAX_LENGTH, TEXT_MAX_LENGTH
from siaga.submissions.schemas import EvidenceRead
from siaga.submissions.workflow import REASON_MAX_LENGTH, REASON_MIN_LENGTH

SECTION_MAX_LENGTH = 20_000
NAME_MAX_LENGTH = 200

Section = Annotated[str, CleanText(max_length=SECTION_MAX_LENGTH, multiline=True, strip=True)]
Name = Annotated[str, CleanText(max_length=NAME_MAX_LENGTH, strip=True)]
# NIP: a civil servant's 18-digit number (birth date, appointment, sex, sequence); empty
# while the draft has no signatory yet.
Nip = Annotated[
    str, CleanText(max_length=18, pattern=r"(?:[0-9]{18})?", json_pattern="^(?:[0-9]{18})?$")
]


class Signatory(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(default="", description="Who signs (usually the head of Kesbangpol)")
    nip: Nip = Field(default="", description="The signatory's NIP: 18 digits, or empty")
    position: Name = Field(default="", description="The signatory's position")


class ReportWrite(BaseModel):
    """The whole draft: every field replaces the stored one (an absent field is empty)."""

    model_config = ConfigDict(extra="forbid")

    situation: Section = Field(default="", description="Political situation")
    risks: Section = Field(default="", description="Risks of conflict")
    obstacles: Section = Field(default="", description="Obstacles")
    conclusion: Section = Field(default="", description="Conclusion and recommendations")
    signatory: Signatory = Field(default_factory=Signatory)


class ReportReason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[
        str,
        CleanText(
            max_length=REASON_MAX_LENGTH, min_length=REASON_MIN_LENGTH, multiline=True, strip=True
        ),
    ] = Field(
        description=f"Why: {REASON_MIN_LENGTH} to {REASON_MAX_LENGTH} characters after "
        "surrounding whitespace is trimmed"
    )


class Completeness(BaseModel):
    """The Pemda's applicable answers for the period, by state."""

    applicable: int
    not_started: int
    draft: int
    returned: int
    submitted: int
    verified: int
    complete: bool = Field(description="Every applicable answer submitted or verified")


class ReportEvent(BaseModel):
    version: int
    action: str = Field(description="written, submit, accept, return or unaccept")
    state: ReportState
    reason: str | None
    actor: str
    at: datetime


class RecommendationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[
        str, CleanText(max_length=TEXT_MAX_LENGTH, min_length=1, multiline=True, strip=True)
    ] = Field(description=f"What is recommended: 1 to {TEXT_MAX_LENGTH} characters")
    agency: Annotated[str, CleanText(max_length=80, min_length=1, strip=True)] = Field(
        description="Code of the responsible agency: an active agency of the report's Pemda"
    )
    due_on: date = Field(description="Due date (YYYY-MM-DD), not before the period starts")


class RecommendationUpdate(BaseModel):
    """The follow-up; an absent field stays as it is."""

    model_config = ConfigDict(extra="forbid")

    status: RecommendationStatus | None = Field(
        default=None,
        description="open, in_progress or done; done needs a note, and leaving done a note "
        "in the same request",
    )
    follow_up: (
        Annotated[str, CleanText(max_length=FOLLOW_UP_MAX_LENGTH, multiline=True, strip=True)]
        | None
    ) = Field(default=None, description="The follow-up note (replaces the stored one)")


class RecommendationRead(BaseModel):
    id: int
    period: str = Field(description="The period whose report made it")
    region: str
    agency: str
    agency_name: str
    text: str
    due_on: date
    status: RecommendationStatus
    follow_up: str
    overdue: bool = Field(description="Not done and past the due day in the Pemda's zone")
    carried: bool = Field(
        description="Made in an earlier period's report and not done yet: carried into the "
        "report asked for"
    )
    version: int
    etag: str
    created_at: datetime
    created_by: str | None
    updated_at: datetime
    updated_by: str | None
    done_at: datetime | None
    evidence: list[EvidenceRead] = Field(
        description="Files backing the follow-up, oldest first; `url` downloads one"
    )


class RecommendationList(BaseModel):
    items: list[RecommendationRead]


class ReportSummary(BaseModel):
    period: str
    region: str
    region_name: str
    level: RegionLevel
    state: ReportState
    receipt_number: str | None
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    accepted_at: datetime | None
    late: bool = Field(description="The first submission came at or after the deadline")
    version: int
    time_zone: str = Field(
        description="The IANA zone the Pemda's deadline ends in: its times read on this clock",
        examples=["Asia/Makassar"],
    )


class ReportRead(ReportSummary):
    etag: str
    situation: str
    risks: str
    obstacles: str
    conclusion: str
    signatory: Signatory
    submitted_by: str | None
    accepted_by: str | None
    returned_at: datetime | None
    returned_by: str | None
    return_reason: str | None
    unaccepted_at: datetime | None
    unaccepted_by: str | None
    unaccept_reason: str | None
    updated_at: datetime | None
    completeness: Completeness
    history: list[ReportEvent]
    recommendations: list[RecommendationRead] = Field(
        description="This report's recommendations and those carried from earlier reports"
    )
    incidents: PeriodIncidents = Field(
        description="The quarter's quick incident reports: the Pemda's own (a province's "
        "with its regencies' and cities'), that happened between the period's first and "
        "last day, per category and severity"
    )


class ReportPage(Page[ReportSummary]):
    pass
