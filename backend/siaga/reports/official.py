"""What makes the quarterly report the document a Kesbangpol signs and sends (issue 19,
item 7): the letterhead, the Pemda report's state and receipt, its narrative, the
answers per agency, the recommendations with their follow-up, a province's table of its
regencies' and cities' reports, and the signature block.

The report row and its recommendations are read through `siaga.reporting` (its
queries, its state, its overdue rule); this module only shapes them for the page, on
the Pemda's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.incidents import labels as incident_labels
from siaga.incidents import quarter
from siaga.incidents import views as incident_views
from siaga.models import (
    IncidentLevel,
    PemdaReport,
    Period,
    Region,
    RegionLevel,
    ReportState,
    SubmissionStatus,
)
from siaga.reporting import recommendation_reads, records, rules
from siaga.reporting import repository as reporting
from siaga.reporting.schemas import RecommendationRead
from siaga.reports import repository
from siaga.reports.formatting import (
    LEVELS,
    RECOMMENDATION_LABELS,
    REPORT_STATE_LABELS,
    STATUS_LABELS,
    answer_value,
    government,
    local_date,
    local_time,
    long_date,
    seat,
    timeliness,
)
from siaga.scoring.schemas import ScoreExplanation

OFFICE = "Badan Kesatuan Bangsa dan Politik"
# The narrative's headings, in the order of the report's sections (rules.SECTIONS).
NARRATIVE_TITLES = {
    "situation": "Situasi politik",
    "risks": "Potensi dan risiko konflik",
    "obstacles": "Hambatan",
    "conclusion": "Kesimpulan",
}
UNREGISTERED = "Perangkat daerah belum terdaftar"
# The quarter's incidents listed one per row, the most severe first; the counts cover all.
INCIDENT_ROWS = 100
UNSENT = "Draf \u2013 belum dikirim"


@dataclass(frozen=True, slots=True)
class Standing:
    """The report's way up the chain, as the first page states it."""

    state: str
    # Draft or returned: not (or no longer) a report that stands as sent.
    draft: bool
    returned: bool
    receipt: str | None
    first_submitted: str | None
    # The last submission, when a returned report was sent again.
    resubmitted: str | None
    timeliness: str
    accepted: str | None
    return_reason: str | None


@dataclass(frozen=True, slots=True)
class Narrative:
    title: str
    text: str  # "" while not written


@dataclass(frozen=True, slots=True)
class Signature:
    place_date: str
    position: str
    name: str
    nip: str


@dataclass(frozen=True, slots=True)
class Answer:
    code: str
    name: str
    value: str
    status: str
    evidence: int
    score: float


@dataclass(frozen=True, slots=True)
class AgencyAnswers:
    name: str
    answers: list[Answer]
    # Applicable answers not verified yet.
    outstanding: int


@dataclass(frozen=True, slots=True)
class Recommendation:
    text: str
    agency: str
    due: str
    status: str
    follow_up: str
    overdue: bool
    carried_from: str | None


@dataclass(frozen=True, slots=True)
class ChildReport:
    code: str
    name: str
    level: str
    state: str
    receipt: str | None
    submitted: str | None
    timeliness: str


@dataclass(frozen=True, slots=True)
class IncidentRow:
    number: str
    pemda: str
    occurred: str
    district: str
    category: str
    severity: str
    state: str
    # "Provinsi" or "Kementerian" once escalated there, else None.
    escalated: str | None
    title: str


@dataclass(frozen=True, slots=True)
class Incidents:
    total: int
    open: int
    escalated: int
    # (words, count), the most frequent first.
    by_category: list[tuple[str, int]]
    by_severity: list[tuple[str, int]]
    rows: list[IncidentRow]
    # Counted but not listed (over INCIDENT_ROWS).
    more: int


@dataclass(frozen=True, slots=True)
class Official:
    government: str
    office: str
    standing: Standing
    narrative: list[Narrative]
    agencies: list[AgencyAnswers]
    recommendations: list[Recommendation]
    # A province's regencies and cities; None for a regency or a city.
    children: list[ChildReport] | None
    incidents: Incidents
    signature: Signature


def _standing(report: PemdaReport | None, zone: str) -> Standing:
    state = records.state_of(report)
    first, last = state.first_submitted_at, state.submitted_at
    accepted = report.accepted_at if report is not None else None
    returned = state.state == ReportState.RETURNED
    return Standing(
        state=UNSENT if state.state == ReportState.DRAFT else REPORT_STATE_LABELS[state.state],
        draft=state.state in rules.EDITABLE,
        returned=returned,
        receipt=state.receipt_number,
        first_submitted=local_time(first, zone) if first else None,
        resubmitted=local_time(last, zone) if last and first and last != first else None,
        timeliness=timeliness(first, state.is_late),
        accepted=local_time(accepted, zone) if accepted else None,
        return_reason=report.return_reason if report is not None and returned else None,
    )


def _narrative(report: PemdaReport | None) -> list[Narrative]:
    return [
        Narrative(NARRATIVE_TITLES[name], getattr(report, name).strip() if report else "")
        for name in rules.SECTIONS
    ]


def _signature(region: Region, report: PemdaReport | None, zone: str, today: date) -> Signature:
    """Signed where the Pemda sits, on the day it was first sent (else today), there."""
    first = report.first_submitted_at if report is not None else None
    day = local_date(first, zone) if first is not None else today
    return Signature(
        place_date=f"{seat(region.name, RegionLevel(region.level))}, {long_date(day)}",
        position=report.signatory_position.strip() if report else "",
        name=report.signatory_name.strip() if report else "",
        nip=report.signatory_nip.strip() if report else "",
    )


def _agencies(explanation: ScoreExplanation | None, rubric: dict[int, str]) -> list[AgencyAnswers]:
    """The Pemda's answers by responsible agency (in the agencies' code order, an office
    not registered yet last), each in the framework's order."""
    if explanation is None:
        return []
    names = {a.agency: a.name for a in explanation.agencies}
    grouped: dict[str | None, list[Answer]] = {code: [] for code in sorted(names)}
    outstanding: dict[str | None, int] = {}
    for dimension in explanation.dimensions:
        for i in dimension.indicators:
            key = i.agency if i.agency in names else None
            grouped.setdefault(key, []).append(
                Answer(
                    i.indicator,
                    i.name,
                    answer_value(i.answer_type, i.value, i.target, rubric),
                    STATUS_LABELS[i.status],
                    i.evidence_count,
                    i.score,
                )
            )
            outstanding[key] = outstanding.get(key, 0) + (i.status != SubmissionStatus.VERIFIED)
    return [
        AgencyAnswers(
            names[code] if code is not None else UNREGISTERED, answers, outstanding.get(code, 0)
        )
        for code, answers in grouped.items()
        if answers
    ]


def _recommendation(row: RecommendationRead) -> Recommendation:
    return Recommendation(
        text=row.text,
        agency=row.agency_name,
        due=long_date(row.due_on),
        status=RECOMMENDATION_LABELS[row.status],
        follow_up=row.follow_up.strip(),
        overdue=row.overdue,
        carried_from=row.period if row.carried else None,
    )


def _child(row: reporting.ChildReport) -> ChildReport:
    state = REPORT_STATE_LABELS[row.state] if row.state is not None else "Belum ditulis"
    first = row.first_submitted_at
    return ChildReport(
        code=row.region,
        name=row.region_name,
        level=LEVELS[RegionLevel(row.level)],
        state=state,
        receipt=row.receipt_number,
        submitted=local_time(first, row.time_zone) if first else None,
        timeliness=timeliness(first, row.is_late),
    )


def _incident(row: quarter.Listed) -> IncidentRow:
    return IncidentRow(
        number=row.number,
        pemda=row.region_name,
        occurred=local_time(row.occurred_at, row.time_zone),
        district=row.district,
        category=incident_labels.CATEGORY[row.category],
        severity=incident_labels.SEVERITY[row.severity],
        state=incident_labels.STATE[row.state],
        escalated=None if row.level == IncidentLevel.PEMDA else incident_labels.LEVEL[row.level],
        title=row.title,
    )


async def _incidents(session: AsyncSession, pemda: Region, period: Period, zone: str) -> Incidents:
    """The quarter's quick incident reports in the report's region (a province: with its
    regencies' and cities'): the counts the report's API gives, in words, and the list."""
    counts = await incident_views.period_summary(
        session, pemda.code, period.start_date, period.end_date
    )
    rows = await quarter.listed(
        session,
        pemda.code,
        period.start_date,
        period.end_date,
        default_zone=zone,
        limit=INCIDENT_ROWS,
    )
    by_category = [
        (incident_labels.label(incident_labels.CATEGORY, code), n)
        for code, n in counts.by_category.items()
    ]
    return Incidents(
        total=counts.total,
        open=counts.open,
        escalated=counts.escalated,
        by_category=sorted(by_category, key=lambda item: (-item[1], item[0])),
        # The most severe first, as the codes are declared in reverse.
        by_severity=[
            (words, counts.by_severity[severity])
            for severity, words in reversed(incident_labels.SEVERITY.items())
            if severity in counts.by_severity
        ],
        rows=[_incident(row) for row in rows],
        more=max(counts.total - len(rows), 0),
    )


async def gather(
    session: AsyncSession,
    pemda: Region,
    period: Period,
    explanation: ScoreExplanation | None,
    *,
    zone: str,
    default_zone: str,
    today: date,
) -> Official:
    """The official parts of the report of `pemda` (in the caller's reporting scope)."""
    report = await reporting.get(session, period.id, pemda.id)
    recommendations = await recommendation_reads.for_report(
        session, pemda, period, default_zone, zone=zone
    )
    children = None
    if pemda.level == RegionLevel.PROVINCE:
        rows = await reporting.children_reports(session, period.id, pemda, default_zone)
        children = [_child(row) for row in rows]
    rubric = await repository.level_rubric(session, period.framework_id)
    level = RegionLevel(pemda.level)
    return Official(
        government=government(pemda.name, level),
        office=OFFICE.upper(),
        standing=_standing(report, zone),
        narrative=_narrative(report),
        agencies=_agencies(explanation, rubric),
        recommendations=[_recommendation(r) for r in recommendations],
        children=children,
        incidents=await _incidents(session, pemda, period, default_zone),
        signature=_signature(pemda, report, zone, today),
    )
