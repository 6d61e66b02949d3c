"""The factories themselves: valid defaults, unique codes, the schema's rules honoured."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import PeriodState, RegionLevel, Role
from tests.fixtures.factories import (
    create_agency,
    create_framework,
    create_period,
    create_region,
    create_user,
)


class TestFactories:
    async def test_regions_get_unique_hierarchical_codes(self, session: AsyncSession) -> None:
        province = await create_region(session)
        regencies = [await create_region(session, parent=province) for _ in range(3)]
        assert province.level is RegionLevel.PROVINCE
        assert len({r.code for r in regencies}) == 3
        for regency in regencies:
            assert regency.level is RegionLevel.REGENCY
            assert regency.code.startswith(province.code + ".")
            assert regency.parent_id == province.id

    async def test_agency_defaults_to_region_dot_type(self, session: AsyncSession) -> None:
        agency = await create_agency(session)
        assert agency.id is not None
        assert agency.code.count(".") >= 1

    async def test_framework_and_period(self, session: AsyncSession) -> None:
        framework = await create_framework(session, dimensions=1, indicators_per_dimension=4)
        first = await create_period(session, framework=framework, state=PeriodState.OPEN)
        second = await create_period(session, framework=framework)
        assert first.code != second.code
        assert first.start_date <= first.end_date <= first.deadline

    async def test_operator_gets_an_agency(self, session: AsyncSession) -> None:
        operator = await create_user(session, role=Role.OPERATOR)
        viewer = await create_user(session)
        assert operator.agency_id is not None
        assert (viewer.role, viewer.agency_id) == (Role.VIEWER, None)
        assert operator.username != viewer.username
