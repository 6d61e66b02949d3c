"""The demo's incidents: a dozen across every category, severity, state and level in
2023-2024, with timelines that the rules allow, numbered per Pemda and year, overdue
ones among them whatever today is, and a second seeding adds nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from siaga.core.storage import LocalStorage
from siaga.incidents import rules
from siaga.models import (
    Incident,
    IncidentCategory,
    IncidentEvent,
    IncidentLevel,
    IncidentSeverity,
    IncidentState,
    Period,
    Region,
    User,
)
from siaga.seed.demo import seed_demo
from siaga.seed.demo_incidents import SPECS, demo_incident_numbers, seed_incidents
from tests.fixtures.auth import bearer, create_session_token
from tests.fixtures.client import API, bind_app_to, http_client
from tests.fixtures.db import rolled_back_connection, session_on


@pytest.fixture(scope="module")
async def seeded(
    engine: AsyncEngine, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[AsyncConnection]:
    storage = LocalStorage(tmp_path_factory.mktemp("evidence"))
    async for connection in rolled_back_connection(engine):
        seed_session = session_on(connection)
        await seed_demo(seed_session, storage, "demo-password-for-tests")
        await seed_session.commit()
        await seed_session.close()
        yield connection


@pytest.fixture
async def session(seeded: AsyncConnection) -> AsyncIterator[AsyncSession]:
    session = session_on(seeded)
    try:
        yield session
    finally:
        await session.close()


async def test_a_dozen_across_everything(session: AsyncSession) -> None:
    incidents = (await session.scalars(select(Incident).order_by(Incident.reported_at))).all()
    assert len(incidents) == len(SPECS) == 12
    assert {i.category for i in incidents} == set(IncidentCategory)
    assert {i.severity for i in incidents} == set(IncidentSeverity)
    assert {i.state for i in incidents} == set(IncidentState)
    assert {i.level for i in incidents} == set(IncidentLevel)
    assert {i.occurred_at.year for i in incidents} == {2023, 2024}
    numbers = sorted(i.number for i in incidents)
    assert "LC/64.72/2023/0001" in numbers and "LC/64.72/2024/0001" in numbers
    assert numbers == sorted(demo_incident_numbers())
    assert all(rules.is_number(n) for n in numbers)


async def test_timelines_follow_the_rules(session: AsyncSession) -> None:
    for incident in (await session.scalars(select(Incident))).all():
        events = (
            await session.scalars(
                select(IncidentEvent)
                .where(IncidentEvent.incident_id == incident.id)
                .order_by(IncidentEvent.id)
            )
        ).all()
        assert events[0].kind == "reported"
        state = IncidentState.REPORTED
        for event in events[1:]:
            if event.kind == "step":
                assert event.from_state == state
                assert event.state in rules.STEPS[state]
                state = event.state
            assert event.created_at >= events[0].created_at
        assert state == incident.state
        assert events[-1].level == incident.level


async def test_seeding_again_adds_nothing(session: AsyncSession) -> None:
    regions = list((await session.scalars(select(Region))).all())
    periods = {p.code: p for p in (await session.scalars(select(Period))).all()}
    users = {u.username: u for u in (await session.scalars(select(User))).all()}
    assert await seed_incidents(session, periods, regions, users) == 0


async def test_the_ministry_sees_the_escalated_and_the_overdue(
    app: FastAPI, seeded: AsyncConnection, session: AsyncSession
) -> None:
    ministry = await session.scalar(select(User).where(User.username == "verifikator.nasional"))
    assert ministry is not None
    token = await create_session_token(session, ministry, app.state.settings)
    bind_app_to(app, seeded)
    async with http_client(app) as client:
        headers = bearer(token)
        listed = (await client.get(f"{API}/incidents", headers=headers)).json()
        assert {i["level"] for i in listed["items"]} >= {"national"}
        assert all(i["level"] == "national" or i["region"] == "64" for i in listed["items"])
        everything = await client.get(f"{API}/incidents?all=true&overdue=true", headers=headers)
        overdue = everything.json()["items"]
        assert len(overdue) == 2 and {i["state"] for i in overdue} == {"reported"}
        response = await client.get(
            f"{API}/incidents/{listed['items'][0]['number']}", headers=headers
        )
        assert response.status_code == 200
