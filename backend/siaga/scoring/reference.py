"""A plain-Python reference scorer, written from docs/scoring.md alone.

It exists to check the SQL in `siaga.scoring.repository`: the tests feed both the same
framework, regions and answers and require the same numbers. It deliberately shares no
code or structure with the SQL. Arithmetic is exact (`fractions.Fraction` over the
binary values of the inputs), so categories, ties and ranks are decided on the true
values; results are converted to float only at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

View = Literal["official", "provisional"]
AnswerKind = Literal["level", "yes_no", "percent", "count"]
Level = Literal["province", "regency", "city"]
Status = Literal["draft", "submitted", "verified", "returned"]
ReportStatus = Literal["draft", "submitted", "accepted", "returned"]

ANSWERED: frozenset[str] = frozenset({"submitted", "verified"})


@dataclass(frozen=True)
class DimensionDef:
    code: str
    weight: float


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    dimension: str
    answer_type: AnswerKind
    weight: float
    levels: frozenset[Level]
    agency_type: str = ""
    target: float | None = None


@dataclass(frozen=True)
class Threshold:
    category: str
    min_score: float


DEFAULT_THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("siap", 80.0),
    Threshold("cukup_siap", 60.0),
    Threshold("kurang_siap", 40.0),
    Threshold("belum_siap", 0.0),
)


@dataclass(frozen=True)
class FrameworkDef:
    dimensions: tuple[DimensionDef, ...]
    indicators: tuple[IndicatorDef, ...]
    thresholds: tuple[Threshold, ...] = DEFAULT_THRESHOLDS


@dataclass(frozen=True)
class RegionDef:
    code: str
    level: Level


@dataclass(frozen=True)
class AnswerDef:
    """One Pemda's answer to one indicator. `first_submitted` says whether it was ever
    submitted; `late` whether that first submission came after the deadline."""

    region: str
    indicator: str
    status: Status
    value: float | None
    first_submitted: bool = False
    late: bool = False


@dataclass(frozen=True)
class ReportDef:
    """One Pemda's report of the period. `first_submitted` says whether it was ever
    submitted (a returned report was); `late` whether that first submission came after
    the end of the deadline day."""

    region: str
    state: ReportStatus
    first_submitted: bool = False
    late: bool = False


@dataclass
class PemdaResult:
    region: str
    level: Level
    indicator_scores: dict[str, float]
    dimension_scores: dict[str, float]
    readiness: float
    category: str | None
    completeness: float
    verification_rate: float | None
    timeliness: float | None
    applicable: int
    answered: int
    verified: int
    rank: int = 0
    report_state: ReportStatus | None = None
    report_on_time: bool | None = None
    # Exact values, for ordering and for tests that want them.
    exact_readiness: Fraction = field(default=Fraction(0), repr=False)
    exact_completeness: Fraction = field(default=Fraction(0), repr=False)


@dataclass
class Progress:
    """Completeness, verification rate and timeliness over a set of applicable answers."""

    applicable: int
    answered: int
    verified: int
    completeness: float
    verification_rate: float | None
    timeliness: float | None


@dataclass
class Summary:
    region: str | None
    count: int
    mean: float | None
    min: float | None
    max: float | None
    categories: dict[str, int]
    reports_on_time: int = 0
    reports_late: int = 0
    not_reported: int = 0
    report_timeliness: float | None = None


def _exact(x: float) -> Fraction:
    return Fraction(x)


def applies(indicator: IndicatorDef, level: Level) -> bool:
    return level in indicator.levels


def counts_in_view(status: str | None, view: View) -> bool:
    if view == "official":
        return status == "verified"
    return status in ANSWERED


def raw_score(indicator: IndicatorDef, value: float) -> Fraction:
    """s by the table of scoring.md, for a value that counts."""
    v = _exact(value)
    if indicator.answer_type == "level":
        return v / 4 * 100
    if indicator.answer_type == "yes_no":
        return Fraction(100) if v else Fraction(0)
    if indicator.answer_type == "percent":
        return v
    if indicator.target is None or indicator.target <= 0:
        raise ValueError(f"count indicator {indicator.code} needs a positive target")
    return min(v / _exact(indicator.target), Fraction(1)) * 100


def indicator_score(indicator: IndicatorDef, answer: AnswerDef | None, view: View) -> Fraction:
    if answer is None or answer.value is None or not counts_in_view(answer.status, view):
        return Fraction(0)
    return raw_score(indicator, answer.value)


def _weighted_mean(pairs: Iterable[tuple[Fraction, Fraction]]) -> Fraction | None:
    total_weight = Fraction(0)
    total = Fraction(0)
    for weight, value in pairs:
        total_weight += weight
        total += weight * value
    if total_weight == 0:
        return None
    return total / total_weight


def category_for(score: Fraction, thresholds: Sequence[Threshold]) -> str | None:
    """The category of the highest threshold whose minimum the score reaches."""
    best: Threshold | None = None
    for threshold in thresholds:
        if score >= _exact(threshold.min_score) and (
            best is None or threshold.min_score > best.min_score
        ):
            best = threshold
    return best.category if best is not None else None


def _percent(numerator: int, denominator: int) -> Fraction | None:
    if denominator == 0:
        return None
    return Fraction(numerator * 100, denominator)


def _opt_float(x: Fraction | None) -> float | None:
    return None if x is None else float(x)


def progress(answers: Sequence[AnswerDef | None]) -> Progress:
    """Completeness, verification rate, timeliness over one applicable answer slot each."""
    applicable = len(answers)
    answered = sum(1 for a in answers if a is not None and a.status in ANSWERED)
    verified = sum(1 for a in answers if a is not None and a.status == "verified")
    ever = [a for a in answers if a is not None and a.first_submitted]
    timely = sum(1 for a in ever if not a.late)
    completeness = _percent(answered, applicable)
    return Progress(
        applicable=applicable,
        answered=answered,
        verified=verified,
        completeness=float(completeness) if completeness is not None else 0.0,
        verification_rate=_opt_float(_percent(verified, answered)),
        timeliness=_opt_float(_percent(timely, len(ever))),
    )


def score_pemda(
    framework: FrameworkDef,
    region: RegionDef,
    answers: Mapping[str, AnswerDef],
    view: View,
) -> PemdaResult | None:
    """One Pemda's scores; None when no indicator applies to it (it has no R)."""
    dimension_weights = {d.code: _exact(d.weight) for d in framework.dimensions}
    s: dict[str, Fraction] = {}
    by_dimension: dict[str, list[tuple[Fraction, Fraction]]] = {}
    slots: list[AnswerDef | None] = []
    for indicator in framework.indicators:
        if not applies(indicator, region.level):
            continue
        answer = answers.get(indicator.code)
        slots.append(answer)
        s[indicator.code] = indicator_score(indicator, answer, view)
        by_dimension.setdefault(indicator.dimension, []).append(
            (_exact(indicator.weight), s[indicator.code])
        )
    d: dict[str, Fraction] = {}
    for code, pairs in by_dimension.items():
        mean = _weighted_mean(pairs)
        assert mean is not None  # weights are positive
        d[code] = mean
    readiness = _weighted_mean((dimension_weights[code], value) for code, value in d.items())
    if readiness is None:
        return None
    p = progress(slots)
    return PemdaResult(
        region=region.code,
        level=region.level,
        indicator_scores={code: float(v) for code, v in s.items()},
        dimension_scores={code: float(v) for code, v in d.items()},
        readiness=float(readiness),
        category=category_for(readiness, framework.thresholds),
        completeness=p.completeness,
        verification_rate=p.verification_rate,
        timeliness=p.timeliness,
        applicable=p.applicable,
        answered=p.answered,
        verified=p.verified,
        exact_readiness=readiness,
        exact_completeness=Fraction(p.answered * 100, p.applicable),
    )


def on_time(report: ReportDef | None) -> bool | None:
    """Report timeliness: whether the first submission was on time; None before it."""
    if report is None or not report.first_submitted:
        return None
    return not report.late


def score_all(
    framework: FrameworkDef,
    regions: Sequence[RegionDef],
    answers: Iterable[AnswerDef],
    view: View,
    reports: Iterable[ReportDef] = (),
) -> dict[str, PemdaResult]:
    """Every Pemda that has a score, keyed by region code, with its rank within its level
    among the given regions (R desc, completeness desc, code asc) and its report."""
    by_region: dict[str, dict[str, AnswerDef]] = {}
    for answer in answers:
        by_region.setdefault(answer.region, {})[answer.indicator] = answer
    report_of = {report.region: report for report in reports}
    results: dict[str, PemdaResult] = {}
    for region in regions:
        result = score_pemda(framework, region, by_region.get(region.code, {}), view)
        if result is not None:
            report = report_of.get(region.code)
            result.report_state = report.state if report is not None else None
            result.report_on_time = on_time(report)
            results[region.code] = result
    levels = {r.level for r in results.values()}
    for level in levels:
        same = [r for r in results.values() if r.level == level]
        # Code ascending as the last key: sort by code first, then stably by the rest.
        same.sort(key=lambda r: r.region)
        same.sort(key=lambda r: (r.exact_readiness, r.exact_completeness), reverse=True)
        for position, result in enumerate(same, start=1):
            result.rank = position
    return results


def agency_progress(
    framework: FrameworkDef, region: RegionDef, answers: Mapping[str, AnswerDef]
) -> dict[str, Progress]:
    """Per agency type responsible for applicable indicators of the Pemda."""
    slots: dict[str, list[AnswerDef | None]] = {}
    for indicator in framework.indicators:
        if applies(indicator, region.level):
            slots.setdefault(indicator.agency_type, []).append(answers.get(indicator.code))
    return {agency: progress(items) for agency, items in slots.items()}


def in_subtree(root: str | None, code: str) -> bool:
    return root is None or code == root or code.startswith(root + ".")


def summarise(
    results: Mapping[str, PemdaResult],
    thresholds: Sequence[Threshold],
    root: str | None,
) -> Summary:
    """The subtree's score: unweighted mean of R over every scored Pemda in it, root
    included, with count, min, max, the count per category and report timeliness (the
    Pemda whose report's first submission was on time, late, or that never reported)."""
    members = [r for code, r in results.items() if in_subtree(root, code)]
    exact = [r.exact_readiness for r in members]
    categories = {t.category: 0 for t in thresholds}
    for r in members:
        if r.category is not None:
            categories[r.category] += 1
    return Summary(
        region=root,
        count=len(members),
        mean=float(sum(exact, Fraction(0)) / len(exact)) if exact else None,
        min=float(min(exact)) if exact else None,
        max=float(max(exact)) if exact else None,
        categories=categories,
        reports_on_time=sum(1 for r in members if r.report_on_time is True),
        reports_late=sum(1 for r in members if r.report_on_time is False),
        not_reported=sum(1 for r in members if r.report_on_time is None),
        report_timeliness=_opt_float(
            _percent(sum(1 for r in members if r.report_on_time is True), len(members))
        ),
    )
