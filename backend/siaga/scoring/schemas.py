from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from siaga.models import AnswerType, PeriodState, RegionLevel, ReportState, SubmissionStatus

View = Literal["official", "provisional"]

_PROVISIONAL = (
    "Whether the period is not closed yet (open or planned): every figure may still change "
    "and is shown as provisional ('sementara, triwulan belum ditutup'). Independent of the "
    "view, which says which answers count."
)


_REPORT_ON_TIME = (
    "Report timeliness, the one the centre judges (scoring.md): whether the report's first "
    "submission arrived by the end of the deadline day in the region's time zone; null until "
    "it is first submitted. A report returned and sent again keeps its first verdict."
)


class PemdaScore(BaseModel):
    """One Pemda's readiness in a period: scoring.md, unrounded."""

    region: str
    name: str
    level: RegionLevel
    parent: str | None
    readiness: float = Field(description="R, 0-100")
    category: str | None
    dimensions: dict[str, float] = Field(description="D per dimension code")
    completeness: float
    verification_rate: float | None
    timeliness: float | None
    applicable: int
    answered: int
    verified: int
    submitted: int
    draft: int
    returned: int
    rank: int = Field(
        description="Rank among Pemda of the same level (province, regency, city) in the table"
    )
    previous_readiness: float | None = Field(
        default=None,
        description="R in the latest earlier closed period (the table's previous_period), "
        "for the change since then",
    )
    report_state: ReportState | None = Field(
        description="State of the Pemda's report of the period; null: not written yet"
    )
    report_receipt: str | None = Field(
        description="The report's receipt number, given on its first submission"
    )
    report_on_time: bool | None = Field(description=_REPORT_ON_TIME)


class CategoryCount(BaseModel):
    category: str
    label: str
    label_en: str
    min_score: float
    count: int


class SubtreeSummary(BaseModel):
    """The subtree's score: the unweighted mean of R over its Pemda, root included."""

    region: str | None
    count: int
    mean: float | None
    min: float | None
    max: float | None
    categories: list[CategoryCount]
    reports_on_time: int = Field(description="Pemda whose report's first submission was on time")
    reports_late: int = Field(description="Pemda whose report's first submission was late")
    not_reported: int = Field(description="Pemda whose report was never submitted")
    report_timeliness: float | None = Field(
        description="reports_on_time / count, as a percentage; null when the subtree is empty"
    )


class ScoreTable(BaseModel):
    period: str
    view: View
    period_state: PeriodState
    provisional: bool = Field(description=_PROVISIONAL)
    previous_period: str | None = Field(
        description="The closed period previous_readiness is taken from: the latest closed "
        "period of the framework that started before this one; null when there is none"
    )
    summary: SubtreeSummary
    items: list[PemdaScore]


class IndicatorExplanation(BaseModel):
    indicator: str
    name: str
    answer_type: AnswerType
    target: float | None
    weight: float
    agency: str | None
    status: SubmissionStatus | None
    value: float | None
    is_late: bool
    score: float = Field(description="s, 0-100; 0 when the answer does not count in the view")
    counts: bool = Field(description="Whether the answer counts in this view")
    evidence_count: int


class DimensionExplanation(BaseModel):
    dimension: str
    name: str
    weight: float
    score: float
    indicators: list[IndicatorExplanation]


class AgencyProgress(BaseModel):
    agency: str
    name: str
    applicable: int
    answered: int
    verified: int
    returned: int
    not_started: int
    completeness: float
    verification_rate: float | None
    timeliness: float | None


class ScoreExplanation(BaseModel):
    period: str
    view: View
    period_state: PeriodState
    provisional: bool = Field(description=_PROVISIONAL)
    score: PemdaScore
    dimensions: list[DimensionExplanation]
    agencies: list[AgencyProgress]


class TrendPoint(BaseModel):
    period: str
    period_state: PeriodState
    provisional: bool = Field(description=_PROVISIONAL)
    readiness: float
    category: str | None
    completeness: float
    dimensions: dict[str, float]
    report_on_time: bool | None = Field(description=_REPORT_ON_TIME)


class ScoreTrend(BaseModel):
    region: str
    view: View
    items: list[TrendPoint]
