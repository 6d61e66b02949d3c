from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from siaga.core.pagination import Page
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
