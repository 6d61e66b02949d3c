"""A small world for the answer workflow: one province, one city, two agencies, an open
period with a framework of one indicator per answer type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import (
    Agency,
    AgencyType,
    AnswerType,
    Framework,
    Period,
    Region,
    RegionLevel,
    Role,
    User,
)
from tests.fixtures.factories import (
    IndicatorSpec,
    create_agency,
    create_agency_type,
    create_q4_open_q3_closed,
    create_region,
    create_uji_framework,
    create_user,
)


@dataclass
class Workflow:
    province: Region
    city: Region
    other_city: Region
    kesbangpol: AgencyType
    bpkad: AgencyType
    framework: Framework
    period: Period
    closed_period: Period
    operator: User  # kesbangpol of the city
    other_operator: User  # bpkad of the city
    foreign_operator: User  # kesbangpol of the other province's city
    verifier: User
    viewer: User
    agency: Agency


async def _framework(session: AsyncSession, kesbangpol: AgencyType, bpkad: AgencyType) -> Framework:
    specs: list[IndicatorSpec] = [
        ("L.01", AnswerType.LEVEL, None, True, kesbangpol),
        ("Y.01", AnswerType.YES_NO, None, False, kesbangpol),
        ("P.01", AnswerType.PERCENT, None, False, kesbangpol),
        ("C.01", AnswerType.COUNT, 4.0, False, kesbangpol),
        ("B.01", AnswerType.LEVEL, None, False, bpkad),
        # Regency and city only: does not apply to the province.
        ("R.01", AnswerType.LEVEL, None, False, kesbangpol),
    ]
    return await create_uji_framework(session, specs)


@pytest.fixture
async def world(session: AsyncSession) -> Workflow:
    province = await create_region(session, code="64")
    city = await create_region(session, code="64.72", parent=province, level=RegionLevel.CITY)
    other_province = await create_region(session, code="63")
    other_city = await create_region(
        session, code="63.71", parent=other_province, level=RegionLevel.CITY
    )
    kesbangpol = await create_agency_type(session, code="kesbangpol")
    bpkad = await create_agency_type(session, code="bpkad")
    framework = await _framework(session, kesbangpol, bpkad)
    period, closed = await create_q4_open_q3_closed(
        session, framework, q4_deadline=date(2030, 1, 10)
    )
    agency = await create_agency(session, region=city, agency_type=kesbangpol)
    bpkad_agency = await create_agency(session, region=city, agency_type=bpkad)
    foreign_agency = await create_agency(session, region=other_city, agency_type=kesbangpol)
    await create_agency(session, region=province, agency_type=kesbangpol)
    return Workflow(
        province=province,
        city=city,
        other_city=other_city,
        kesbangpol=kesbangpol,
        bpkad=bpkad,
        framework=framework,
        period=period,
        closed_period=closed,
        operator=await create_user(session, role=Role.OPERATOR, agency=agency, region=city),
        other_operator=await create_user(
            session, role=Role.OPERATOR, agency=bpkad_agency, region=city
        ),
        foreign_operator=await create_user(
            session, role=Role.OPERATOR, agency=foreign_agency, region=other_city
        ),
        verifier=await create_user(session, role=Role.VERIFIER, region=province),
        viewer=await create_user(session, role=Role.VIEWER, region=province),
        agency=agency,
    )
