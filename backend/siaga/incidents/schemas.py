from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from siaga.core.pagination import Page
from siaga.core.params import REGION_CODE_PATTERN
from siaga.core.text import CleanText
from siaga.incidents.rules import NOTE_MAX_LENGTH, NOTE_MIN_LENGTH
from siaga.models import IncidentCategory, IncidentLevel, IncidentSeverity, IncidentState
from siaga.submissions.workflow import REASON_MAX_LENGTH, REASON_MIN_LENGTH

TEXT_MAX_LENGTH = 10_000

Title = Annotated[str, CleanText(max_length=200, min_length=1, strip=True)]
Place = Annotated[str, CleanText(max_length=100, strip=True)]
LongText = Annotated[str, CleanText(max_length=TEXT_MAX_LENGTH, multiline=True, strip=True)]
Note = Annotated[
    str,
    CleanText(max_length=NOTE_MAX_LENGTH, min_length=NOTE_MIN_LENGTH, multiline=True, strip=True),
]
Reason = Annotated[
    str,
    CleanText(
        max_length=REASON_MAX_LENGTH, min_length=REASON_MIN_LENGTH, multiline=True, strip=True
    ),
]


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")

    district: Annotated[str, CleanText(max_length=100, min_length=1, strip=True)] = Field(
        description="Kecamatan"
    )
    village: Place = Field(default="", description="Kelurahan or desa, if known")
    lat: float | None = Field(
        default=None,
        ge=-90,
        le=90,
        description="Latitude (WGS 84) picked on the map or from the phone; must lie in "
        "Indonesia (422 `location_outside_indonesia`), and comes with `lon`",
    )
    lon: float | None = Field(default=None, ge=-180, le=180, description="Longitude (WGS 84)")


class IncidentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region: str = Field(
        max_length=20,
        pattern=REGION_CODE_PATTERN,
        description="The Pemda filing it: the caller's own (coordinator, Kesbangpol "
        "operator) or one in an administrator's scope",
        examples=["64.72"],
    )
    category: IncidentCategory
    severity: IncidentSeverity
    occurred_at: AwareDatetime = Field(
        description="When it happened, with its offset; not in the future"
    )
    title: Title
    description: LongText = Field(default="", description="What happened")
    location: Location
    actions_taken: LongText = Field(default="", description="What was done so far")


class IncidentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Note = Field(description="What happened since; every step has one")
    state: IncidentState | None = Field(
        default=None,
        description="The next state (reported -> acknowledged -> handling -> resolved -> "
        "closed; resolved -> handling reopens); absent or the current state: a note only",
    )


class IncidentEscalate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(
        description=f"Why it needs the level above: {REASON_MIN_LENGTH} to "
        f"{REASON_MAX_LENGTH} characters after surrounding whitespace is trimmed"
    )


class LocationRead(BaseModel):
    district: str
    village: str
    lat: float | None
    lon: float | None


class TimelineEntry(BaseModel):
    kind: str = Field(description="reported, step, note, escalated or file")
    from_state: IncidentState | None
    state: IncidentState
    level: IncidentLevel
    note: str
    actor: str
    at: datetime


class IncidentFileRead(BaseModel):
    id: str
    name: str
    content_type: str
    size: int
    location_kept: bool = Field(description="Whether the photo's embedded location was kept")
    uploaded_by: str
    uploaded_at: datetime
    url: str = Field(description="Where to download it (add `?inline=true` to show it)")


class Allowed(BaseModel):
    """What the caller may do with the incident now (the buttons the SPA shows)."""

    states: list[IncidentState]
    note: bool
    escalate: bool
    escalate_to: IncidentLevel | None = Field(
        description="Where the caller's escalation would take it (the province, the Ministry)"
    )
    files: bool


class IncidentSummary(BaseModel):
    number: str
    region: str
    region_name: str
    category: IncidentCategory
    severity: IncidentSeverity
    state: IncidentState
    level: IncidentLevel
    title: str
    occurred_at: datetime
    occurred_on: date = Field(description="The day it happened in the region's zone")
    reported_at: datetime
    acknowledge_by: datetime
    overdue: bool = Field(description="Not acknowledged within its severity's window")
    location: LocationRead
    time_zone: str = Field(description="The region's IANA zone, for showing the times")


class IncidentRead(IncidentSummary):
    description: str
    actions_taken: str
    reported_by: str
    acknowledged_at: datetime | None
    acknowledged_late: bool
    escalated_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    version: int
    updated_at: datetime
    timeline: list[TimelineEntry]
    files: list[IncidentFileRead]
    allowed: Allowed


IncidentPage = Page[IncidentSummary]


class SummaryCell(BaseModel):
    region: str
    region_name: str
    severity: IncidentSeverity
    state: IncidentState
    count: int
    overdue: int


class MonthCount(BaseModel):
    month: str = Field(description="YYYY-MM of the day it happened, in the region's zone")
    category: IncidentCategory
    count: int


class IncidentCounts(BaseModel):
    """Counts for the map (per Pemda x severity x state) and the region page (per
    category and month)."""

    total: int
    overdue: int
    items: list[SummaryCell]
    by_month: list[MonthCount]


class CategorySeverityCount(BaseModel):
    category: IncidentCategory
    severity: IncidentSeverity
    count: int


class PeriodIncidents(BaseModel):
    """A report's quarter in incidents: the Pemda's (and for a province, its regencies'
    and cities') incidents that happened between the period's first and last day."""

    total: int
    open: int = Field(description="Not resolved or closed yet")
    escalated: int = Field(description="Raised to the province or the Ministry")
    by_category: dict[str, int]
    by_severity: dict[str, int]
    cells: list[CategorySeverityCount]


class IncidentFileUpload(BaseModel):
    file: IncidentFileRead
    incident_version: int
