"""Opening and closing periods: national administrators only, audited, state machine."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import AuditEvent, PeriodState, Role, User
from tests.fixtures.factories import create_period, create_region, create_user
from tests.helpers import API, assert_error

LoginAs = Callable[[User], Awaitable[dict[str, str]]]


class TestOpenPeriod:
    async def test_national_admin_opens_a_planned_period(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_period(session, code="2024-Q2", state=PeriodState.PLANNED)
        response = await client.post(f"{API}/periods/2024-Q2/open")
        assert response.status_code == 200, response.text
        assert response.json()["state"] == "open" and response.json()["opened_at"]
        event = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "period.open"))
        ).one()
        assert (event.before, event.after) == ({"state": "planned"}, {"state": "open"})

    async def test_reopening_a_closed_period(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_period(session, code="2023-Q1", state=PeriodState.CLOSED)
        response = await client.post(f"{API}/periods/2023-Q1/open")
        assert response.json()["state"] == "open" and response.json()["closed_at"] is None

    async def test_opening_an_open_period_is_409(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_period(session, code="2023-Q4", state=PeriodState.OPEN)
        assert_error(await client.post(f"{API}/periods/2023-Q4/open"), 409, "invalid_state")

    async def test_provincial_admin_is_403(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        await create_period(session, code="2024-Q2")
        admin64 = await create_user(
            session, role=Role.ADMIN, region=await create_region(session, code="64")
        )
        response = await anon_client.post(
            f"{API}/periods/2024-Q2/open", headers=await login_as(admin64)
        )
        assert_error(response, 403, "forbidden")

    async def test_unknown_period_is_404(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.post(f"{API}/periods/1999-Q1/open"), 404, "period_not_found")


class TestClosePeriod:
    async def test_closes_an_open_period(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_period(session, code="2023-Q4", state=PeriodState.OPEN)
        response = await client.post(f"{API}/periods/2023-Q4/close")
        assert response.json()["state"] == "closed" and response.json()["closed_at"]

    @pytest.mark.parametrize("state", [PeriodState.PLANNED, PeriodState.CLOSED])
    async def test_only_open_periods_close(
        self, client: httpx.AsyncClient, session: AsyncSession, state: PeriodState
    ) -> None:
        await create_period(session, code="2023-Q4", state=state)
        assert_error(await client.post(f"{API}/periods/2023-Q4/close"), 409, "invalid_state")

    async def test_verifier_is_403(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        await create_period(session, code="2023-Q4", state=PeriodState.OPEN)
        verifier = await create_user(
            session, role=Role.VERIFIER, region=await create_region(session, code="64")
        )
        response = await anon_client.post(
            f"{API}/periods/2023-Q4/close", headers=await login_as(verifier)
        )
        assert_error(response, 403, "forbidden")
