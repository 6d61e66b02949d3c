from __future__ import annotations

from pydantic import BaseModel, Field

from siaga.core.pagination import Page
from siaga.models import AnswerType, RegionLevel


class FrameworkSummary(BaseModel):
    code: str = Field(examples=["PEMILU2024"])
    name: str
    description: str
    is_active: bool
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
