"""Numbers are race-free: twenty filings at once for one Pemda get twenty distinct,
consecutive numbers (PostgreSQL; SQLite serialises all writers), and a refused filing
takes no number."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from siaga.incidents import repository
from siaga.models import Incident, IncidentCounter, RegionLevel, Role
from tests.auth.support import Committed
from tests.fixtures.auth import bearer, create_session_token
from tests.fixtures.factories import create_region, create_user
from tests.incidents.conftest import INCIDENTS, LoginAs, World, body, file

PARALLEL = 20


async def test_twenty_parallel_filings_get_consecutive_numbers(
    committed: Committed, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend != "postgresql":
        pytest.skip("concurrent writers are what is tested; SQLite serialises all writers")
    taken = repository.next_seq

    async def late(*args: Any, **kwargs: Any) -> int:
        # Every request reaches the counter at about the same moment.
        await asyncio.sleep(0.2)
        return await taken(*args, **kwargs)

    monkeypatch.setattr(repository, "next_seq", late)
    settings = committed.app.state.settings
    async with committed.session() as session:
        province = await create_region(session, code="64", name="Kalimantan Timur")
        city = await create_region(
            session, code="64.72", name="Kota Samarinda", parent=province, level=RegionLevel.CITY
        )
        coordinator = await create_user(session, role=Role.COORDINATOR, region=city)
        tokens = [
            await create_session_token(session, coordinator, settings) for _ in range(PARALLEL)
        ]
    async with committed.client() as client:

        async def one(token: str) -> httpx.Response:
            return await client.post(INCIDENTS, json=body(), headers=bearer(token))

        responses = await asyncio.gather(*(one(token) for token in tokens))
    assert [r.status_code for r in responses] == [201] * PARALLEL, [r.text for r in responses]
    numbers = sorted(r.json()["number"] for r in responses)
    year = numbers[0].split("/")[2]
    assert numbers == [f"LC/64.72/{year}/{n:04d}" for n in range(1, PARALLEL + 1)]
    async with committed.session() as session:
        counter = await session.scalar(select(IncidentCounter.last_seq))
        stored = (await session.scalars(select(Incident.seq))).all()
    assert counter == PARALLEL
    assert sorted(stored) == list(range(1, PARALLEL + 1))


async def test_a_refused_filing_takes_no_number(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
) -> None:
    headers = await login_as(world.coordinator)
    first = await file(anon_client, headers)
    refused = await anon_client.post(
        INCIDENTS,
        json=body(location={"district": "Samarinda Ulu", "lat": 1.36, "lon": 103.99}),
        headers=headers,
    )
    assert refused.status_code == 422
    second = await file(anon_client, headers)
    assert first["number"].endswith("/0001") and second["number"].endswith("/0002")
