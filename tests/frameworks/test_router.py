from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import Indicator
from tests.fixtures.factories import create_agency_type, create_framework
from tests.helpers import API, assert_error, assert_page, codes


class TestListFrameworks:
    async def test_empty(self, client: httpx.AsyncClient) -> None:
        assert assert_page(await client.get(f"{API}/frameworks"), total=0) == []

    async def test_active_first_then_by_code(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_framework(session, code="A2019", is_active=False)
        await create_framework(session, code="PEMILU2024", dimensions=3, indicators_per_dimension=4)
        await create_framework(session, code="B2029", is_active=False, dimensions=0)
        items = assert_page(await client.get(f"{API}/frameworks"), total=3)
        assert codes(items) == ["PEMILU2024", "A2019", "B2029"]
        assert (
            items[0]["is_active"],
            items[0]["dimension_count"],
            items[0]["indicator_count"],
        ) == (
            True,
            3,
            12,
        )
        assert (items[2]["dimension_count"], items[2]["indicator_count"]) == (0, 0)

    async def test_paging(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        for code in ("F1", "F2", "F3"):
            await create_framework(session, code=code, dimensions=0)
        response = await client.get(f"{API}/frameworks", params={"limit": 2, "offset": 2})
        assert codes(assert_page(response, total=3, limit=2, offset=2)) == ["F3"]


class TestGetFramework:
    async def test_tree(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        kesbangpol = await create_agency_type(session, code="kesbangpol")
        framework = await create_framework(
            session,
            code="PEMILU2024",
            description="Kerangka uji",
            dimensions=2,
            indicators_per_dimension=4,
            agency_type=kesbangpol,
        )
        assert framework.id is not None
        response = await client.get(f"{API}/frameworks/PEMILU2024")
        assert response.status_code == 200
        body = response.json()
        assert body["code"] == "PEMILU2024"
        assert body["description"] == "Kerangka uji"
        assert (body["dimension_count"], body["indicator_count"]) == (2, 8)
        assert codes(body["dimensions"]) == ["D1", "D2"]
        indicators = body["dimensions"][0]["indicators"]
        assert codes(indicators) == ["D1.01", "D1.02", "D1.03", "D1.04"]
        assert [i["answer_type"] for i in indicators] == ["level", "yes_no", "percent", "count"]
        assert [i["target"] for i in indicators] == [None, None, None, 10.0]
        assert {i["agency_type"] for i in indicators} == {"kesbangpol"}
        assert indicators[0]["levels"] == ["province", "regency", "city"]
        # Thresholds highest first, rubric by level.
        assert [t["min_score"] for t in body["thresholds"]] == [80.0, 60.0, 0.0]
        assert [r["level"] for r in body["level_rubric"]] == [0, 1, 2, 3, 4]

    async def test_indicator_levels_follow_flags(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_framework(session, code="FW-LEVELS", dimensions=1, indicators_per_dimension=1)
        indicator = (await session.scalars(Indicator.__table__.select())).first()
        assert indicator is not None
        await session.execute(
            Indicator.__table__.update()
            .where(Indicator.__table__.c.code == "D1.01")
            .values(applies_province=False, applies_city=False)
        )
        body = (await client.get(f"{API}/frameworks/FW-LEVELS")).json()
        assert body["dimensions"][0]["indicators"][0]["levels"] == ["regency"]

    async def test_unknown_is_404(self, client: httpx.AsyncClient) -> None:
        error = assert_error(await client.get(f"{API}/frameworks/NOPE"), 404, "framework_not_found")
        assert "NOPE" in error["message"]
