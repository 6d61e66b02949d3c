from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from siaga.core.pagination import Page
from siaga.core.text import CleanText
from siaga.models import AnswerType, FrameworkStatus, RegionLevel


class FrameworkSummary(BaseModel):
    code: str = Field(examples=["PEMILU2024"])
    name: str
    description: str
    is_active: bool
    # A draft is edited by national admins; a published version never changes.
    status: FrameworkStatus
    published_at: datetime | None
    copied_from: str | None = Field(description="Code of the version this one was copied from")
    dimension_count: int
    indicator_count: int


class FrameworkPage(Page[FrameworkSummary]):
    pass


class IndicatorRead(BaseModel):
    code: str = Field(examples=["K1.01"])
    name: str
    guidance: str
    answer_type: AnswerType
    target: float | None
    weight: float
    agency_type: str
    levels: list[RegionLevel]
    evidence_required: bool
    evidence_guidance: str


class DimensionRead(BaseModel):
    code: str = Field(examples=["K1"])
    name: str
    weight: float
    position: int
    indicators: list[IndicatorRead]


class ThresholdRead(BaseModel):
    category: str = Field(examples=["siap"])
    label: str
    label_en: str
    min_score: float


class LevelRubricRead(BaseModel):
    level: int
    label: str


class FrameworkRead(FrameworkSummary):
    dimensions: list[DimensionRead]
    thresholds: list[ThresholdRead]
    level_rubric: list[LevelRubricRead]


# Codes of a version, a dimension, an indicator, a category: letters, digits, . _ -
_CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
FrameworkCode = Annotated[str, Field(min_length=1, max_length=40, pattern=_CODE)]
Name = Annotated[str, CleanText(max_length=300, min_length=1, strip=True)]
LongText = Annotated[str, CleanText(max_length=4000, multiline=True)]


class FrameworkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: FrameworkCode = Field(examples=["PEMILU2029"])
    name: Name
    description: LongText = ""


class FrameworkCopy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: FrameworkCode = Field(examples=["PEMILU2029"])
    name: Name | None = None


class IndicatorContent(BaseModel):
    """One indicator of a draft; weights, targets and levels are checked by
    frameworks.validation so that every problem is reported at once with its path."""

    model_config = ConfigDict(extra="forbid")

    code: FrameworkCode = Field(examples=["K1.01"])
    name: Annotated[str, CleanText(max_length=2000, min_length=1, strip=True)]
    guidance: LongText = ""
    answer_type: AnswerType
    target: float | None = None
    weight: float
    agency_type: Annotated[str, Field(max_length=40)]
    levels: list[RegionLevel] = Field(max_length=3)
    evidence_required: bool = False
    evidence_guidance: LongText = ""


class DimensionContent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: FrameworkCode = Field(examples=["K1"])
    name: Name
    weight: float
    indicators: list[IndicatorContent] = Field(max_length=500)


class ThresholdContent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: FrameworkCode = Field(examples=["siap"])
    label: Annotated[str, CleanText(max_length=100, min_length=1, strip=True)]
    label_en: Annotated[str, CleanText(max_length=100, strip=True)] = ""
    min_score: float


class LevelRubricContent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: int = Field(ge=0, le=4)
    label: Annotated[str, CleanText(max_length=200, min_length=1, strip=True)]


class FrameworkContent(BaseModel):
    """The whole content of a draft, replaced at once by PUT /frameworks/{code}."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    description: LongText = ""
    dimensions: list[DimensionContent] = Field(max_length=100)
    thresholds: list[ThresholdContent] = Field(max_length=20)
    # Absent: the draft keeps its rubric.
    level_rubric: list[LevelRubricContent] | None = Field(default=None, max_length=5)
