from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import PeriodState
from tests.fixtures.factories import create_framework, create_period
from tests.helpers import API, assert_error, assert_page, codes


async def _periods(session: AsyncSession) -> None:
    framework = await create_framework(session, code="PEMILU2024")
    # Created out of date order, to see the list sort them.
    await create_period(
        session,
        framework=framework,
        code="2024-Q1",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 3, 31),
        state=PeriodState.OPEN,
    )
    await create_period(
        session,
        framework=framework,
        code="2023-Q4",
        name="Triwulan IV 2023",
        start_date=date(2023, 10, 1),
        end_date=date(2023, 12, 31),
        deadline=date(2024, 1, 15),
        state=PeriodState.CLOSED,
    )
    await create_period(
        session,
        framework=framework,
        code="2024-Q2",
        start_date=date(2024, 4, 1),
        end_date=date(2024, 6, 30),
    )


class TestListPeriods:
    async def test_empty(self, client: httpx.AsyncClient) -> None:
        assert assert_page(await client.get(f"{API}/periods"), total=0) == []

    async def test_in_date_order(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _periods(session)
        items = assert_page(await client.get(f"{API}/periods"), total=3)
        assert codes(items) == ["2023-Q4", "2024-Q1", "2024-Q2"]
        assert items[0] == {
            "code": "2023-Q4",
            "name": "Triwulan IV 2023",
            "framework_code": "PEMILU2024",
            "start_date": "2023-10-01",
            "end_date": "2023-12-31",
            "deadline": "2024-01-15",
            "state": "closed",
            "opened_at": None,
            "closed_at": None,
        }

    async def test_filter_by_state(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _periods(session)
        for state, expected in (
            ("open", ["2024-Q1"]),
            ("closed", ["2023-Q4"]),
            ("planned", ["2024-Q2"]),
        ):
            response = await client.get(f"{API}/periods", params={"state": state})
            assert codes(assert_page(response, total=1)) == expected

    async def test_paging(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _periods(session)
        response = await client.get(f"{API}/periods", params={"limit": 2, "offset": 1})
        assert codes(assert_page(response, total=3, limit=2, offset=1)) == ["2024-Q1", "2024-Q2"]

    async def test_bad_state_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{API}/periods", params={"state": "archived"})
        error = assert_error(response, 422, "invalid_input")
        assert ["query", "state"] in [d["loc"] for d in error["details"]]


class TestGetPeriod:
    async def test_found_with_utc_timestamps(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        period = await create_period(session, code="2024-Q3", state=PeriodState.OPEN)
        period.opened_at = datetime(2024, 7, 1, 8, 30, tzinfo=UTC)
        await session.flush()
        response = await client.get(f"{API}/periods/2024-Q3")
        assert response.status_code == 200
        body = response.json()
        assert body["state"] == "open"
        assert datetime.fromisoformat(body["opened_at"]) == datetime(2024, 7, 1, 8, 30, tzinfo=UTC)

    async def test_unknown_is_404(self, client: httpx.AsyncClient) -> None:
        error = assert_error(await client.get(f"{API}/periods/1999-Q1"), 404, "period_not_found")
        assert "1999-Q1" in error["message"]
