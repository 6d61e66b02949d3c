from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from siaga.core.pagination import Page
from siaga.core.text import CleanText
from siaga.models import PeriodState


class PeriodRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(examples=["2023-Q4"])
    name: str = Field(examples=["Triwulan IV 2023"])
    framework_code: str
    start_date: date
    end_date: date
    deadline: date
    state: PeriodState
    opened_at: datetime | None
    closed_at: datetime | None


class PeriodPage(Page[PeriodRead]):
    pass


# Kept equal to submissions.workflow.REASON_MIN_LENGTH (periods may not import submissions,
# which imports periods; tests/periods/test_catalogue.py holds them together).
REASON_MIN_LENGTH = 15
REASON_MAX_LENGTH = 2000
Reason = Annotated[
    str, CleanText(max_length=REASON_MAX_LENGTH, min_length=REASON_MIN_LENGTH, strip=True)
]


class PeriodCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, Field(max_length=20, examples=["2025-Q1"])]
    framework: Annotated[str, Field(max_length=40, examples=["PEMILU2024"])]
    name: Annotated[str, CleanText(max_length=100, min_length=1, strip=True)] | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    deadline: date | None = None


class PeriodDeadlineChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deadline: date
    reason: Reason


class PeriodReopen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason
