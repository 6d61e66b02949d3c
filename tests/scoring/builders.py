"""Write the reference scorer's plain inputs into the database, for SQL-vs-reference tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import (
    Agency,
    AgencyType,
    AnswerType,
    CategoryThreshold,
    Dimension,
    Framework,
    Indicator,
    PemdaReport,
    Period,
    PeriodState,
    Region,
    RegionLevel,
    ReportState,
    Submission,
    SubmissionStatus,
)
from siaga.scoring.reference import AnswerDef, FrameworkDef, RegionDef, ReportDef

SUBMITTED_AT = datetime(2023, 11, 1, 8, 0, tzinfo=UTC)


@dataclass
class Written:
    framework: Framework
    period: Period
    regions: dict[str, Region]
    indicators: dict[str, Indicator]
    agencies: dict[tuple[str, str], Agency]


async def write_framework(session: AsyncSession, fw: FrameworkDef, code: str) -> Framework:
    framework = Framework(code=code, name=f"Kerangka {code}", description="")
    session.add(framework)
    await session.flush()
    types: dict[str, AgencyType] = {}
    for name in sorted({i.agency_type for i in fw.indicators}):
        types[name] = AgencyType(code=f"{code.lower()}_{name}", name=f"Badan {name}")
        session.add(types[name])
    dimensions: dict[str, Dimension] = {}
    for position, d in enumerate(fw.dimensions):
        dimensions[d.code] = Dimension(
            framework_id=framework.id,
            code=d.code,
            name=f"Dimensi {d.code}",
            weight=d.weight,
            position=position,
        )
        session.add(dimensions[d.code])
    await session.flush()
    for position, i in enumerate(fw.indicators):
        session.add(
            Indicator(
                framework_id=framework.id,
                dimension_id=dimensions[i.dimension].id,
                code=i.code,
                name=f"Indikator {i.code}",
                answer_type=AnswerType(i.answer_type),
                target=i.target,
                weight=i.weight,
                agency_type_id=types[i.agency_type].id,
                applies_province="province" in i.levels,
                applies_regency="regency" in i.levels,
                applies_city="city" in i.levels,
                position=position,
            )
        )
    for t in fw.thresholds:
        session.add(
            CategoryThreshold(
                framework_id=framework.id,
                category=t.category,
                label=t.category,
                label_en=t.category,
                min_score=t.min_score,
            )
        )
    await session.flush()
    return framework


async def write_regions(
    session: AsyncSession, regions: Sequence[RegionDef], existing: dict[str, Region] | None = None
) -> dict[str, Region]:
    """Regions in code order, each under the region its code extends (`64` > `64.11`)."""
    written = dict(existing or {})
    for r in sorted(regions, key=lambda r: (r.code.count("."), r.code)):
        if r.code in written:
            continue
        parent = written.get(r.code.rsplit(".", 1)[0]) if "." in r.code else None
        region = Region(
            code=r.code,
            name=f"Wilayah {r.code}",
            level=RegionLevel(r.level),
            parent_id=parent.id if parent is not None else None,
        )
        session.add(region)
        await session.flush()
        written[r.code] = region
    return written


async def write_answers(
    session: AsyncSession,
    period: Period,
    regions: dict[str, Region],
    indicators: dict[str, Indicator],
    answers: Iterable[AnswerDef],
) -> None:
    for a in answers:
        session.add(
            Submission(
                period_id=period.id,
                region_id=regions[a.region].id,
                indicator_id=indicators[a.indicator].id,
                value=a.value,
                status=SubmissionStatus(a.status),
                first_submitted_at=SUBMITTED_AT if a.first_submitted else None,
                is_late=a.late,
            )
        )
    await session.flush()


def receipt_of(region: str, period: str) -> str:
    """The receipt number `write_reports` gives a report submitted at least once."""
    return f"TT/{region}/{period}"


async def write_reports(
    session: AsyncSession, period: Period, regions: dict[str, Region], reports: Iterable[ReportDef]
) -> None:
    """The Pemda reports as rows: a receipt and a first submission for those ever sent."""
    for r in reports:
        sent = r.first_submitted
        session.add(
            PemdaReport(
                period_id=period.id,
                region_id=regions[r.region].id,
                state=ReportState(r.state),
                receipt_number=receipt_of(r.region, period.code) if sent else None,
                first_submitted_at=SUBMITTED_AT if sent else None,
                submitted_at=SUBMITTED_AT if sent else None,
                is_late=r.late,
            )
        )
    await session.flush()


async def write_world(
    session: AsyncSession,
    fw: FrameworkDef,
    regions: Sequence[RegionDef],
    answers: Iterable[AnswerDef],
    *,
    framework_code: str = "REF",
    period_code: str = "2023-Q4",
    start: date = date(2023, 10, 1),
    state: PeriodState = PeriodState.OPEN,
    existing_regions: dict[str, Region] | None = None,
    reports: Iterable[ReportDef] = (),
) -> Written:
    """Framework, regions (with one agency per Pemda and agency type), an open period,
    the answers and the Pemda reports."""
    framework = await write_framework(session, fw, framework_code)
    written_regions = await write_regions(session, regions, existing_regions)
    period = Period(
        code=period_code,
        name=f"Periode {period_code}",
        framework_id=framework.id,
        start_date=start,
        end_date=start + timedelta(days=80),
        deadline=date(start.year + 1, 1, 10),
        state=state,
    )
    session.add(period)
    await session.flush()
    indicators = {
        i.code: i
        for i in await session.scalars(
            select(Indicator).where(Indicator.framework_id == framework.id)
        )
    }
    types = {
        t.id: t.code
        for t in await session.scalars(
            select(AgencyType).where(
                AgencyType.id.in_({i.agency_type_id for i in indicators.values()})
            )
        )
    }
    agencies: dict[tuple[str, str], Agency] = {}
    for r in regions:
        for type_id, type_code in sorted(types.items()):
            agency = Agency(
                code=f"{r.code}.{type_code}",
                name=f"Badan {type_code} {r.code}",
                region_id=written_regions[r.code].id,
                agency_type_id=type_id,
            )
            session.add(agency)
            agencies[(r.code, type_code)] = agency
    await write_answers(session, period, written_regions, indicators, answers)
    await write_reports(session, period, written_regions, reports)
    return Written(framework, period, written_regions, indicators, agencies)
