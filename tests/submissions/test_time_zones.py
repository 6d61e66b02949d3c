"""Lateness at the deadline's edge: midnight where the Pemda is, not in Jakarta.

The world's city is Kota Samarinda (64.72, Kalimantan Timur: WITA, UTC+8), its
period's deadline 10 January 2030.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import Role, User
from siaga.submissions import transitions
from tests.fixtures.factories import create_user
from tests.helpers import API
from tests.submissions.conftest import Workflow
from tests.submissions.test_router import act, put

LoginAs = Callable[[User], Awaitable[dict[str, str]]]


def _at(monkeypatch: pytest.MonkeyPatch, instant: datetime) -> None:
    monkeypatch.setattr(transitions, "utcnow", lambda: instant)


async def _submit(client: httpx.AsyncClient, headers: dict[str, str]) -> bool:
    etag = (await put(client, headers, "P.01", 10)).json()["etag"]
    response = await act(client, headers, "P.01", "submit", etag)
    assert response.status_code == 200, response.text
    late: bool = response.json()["is_late"]
    return late


@pytest.mark.parametrize(
    ("instant", "late"),
    [
        # 23:59 WITA on the deadline day: on time.
        (datetime(2030, 1, 10, 15, 59, tzinfo=UTC), False),
        # 00:00 WITA the next day: late.
        (datetime(2030, 1, 10, 16, 0, tzinfo=UTC), True),
        # 23:30 WIB is already 00:30 WITA: late for Samarinda, though on time in Jakarta.
        (datetime(2030, 1, 10, 16, 30, tzinfo=UTC), True),
    ],
)
async def test_wita_region_is_late_after_midnight_wita(
    anon_client: httpx.AsyncClient,
    world: Workflow,
    login_as: LoginAs,
    monkeypatch: pytest.MonkeyPatch,
    instant: datetime,
    late: bool,
) -> None:
    assert world.period.deadline == date(2030, 1, 10)
    _at(monkeypatch, instant)
    assert await _submit(anon_client, await login_as(world.operator)) is late


async def test_a_citys_own_zone_overrides_its_province(
    anon_client: httpx.AsyncClient,
    world: Workflow,
    login_as: LoginAs,
    monkeypatch: pytest.MonkeyPatch,
    session: AsyncSession,
) -> None:
    world.city.time_zone = "Asia/Jakarta"
    await session.flush()
    # 23:30 WIB on the deadline day: on time for a region that keeps WIB.
    _at(monkeypatch, datetime(2030, 1, 10, 16, 30, tzinfo=UTC))
    assert await _submit(anon_client, await login_as(world.operator)) is False


async def test_the_deployment_default_applies_only_without_any_zone(
    anon_client: httpx.AsyncClient,
    world: Workflow,
    login_as: LoginAs,
    monkeypatch: pytest.MonkeyPatch,
    session: AsyncSession,
) -> None:
    # Neither the city nor its province has a zone: SIAGA_TIMEZONE (WIB) decides.
    world.province.time_zone = None
    await session.flush()
    _at(monkeypatch, datetime(2030, 1, 10, 16, 30, tzinfo=UTC))
    assert await _submit(anon_client, await login_as(world.operator)) is False


async def test_tasks_give_the_cutoff_instant_in_each_regions_zone(
    anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs, session: AsyncSession
) -> None:
    world.other_city.time_zone = "Asia/Jayapura"
    await session.flush()
    response = await anon_client.get(
        f"{API}/tasks", params={"period": "2023-Q4"}, headers=await login_as(world.verifier)
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert items, "the verifier sees Kaltim's tasks"
    for item in items:
        assert item["deadline"] == "2030-01-10"
        # Kaltim and its cities: midnight WITA, 16:00 UTC.
        assert (item["time_zone"], item["time_zone_abbreviation"]) == ("Asia/Makassar", "WITA")
        cutoff = datetime.fromisoformat(item["deadline_at"].replace("Z", "+00:00"))
        assert cutoff == datetime(2030, 1, 10, 16, 0, tzinfo=UTC)
    # A national reader sees the other province's city on its own clock.
    response = await anon_client.get(
        f"{API}/tasks",
        params={"period": "2023-Q4", "region": "63.71"},
        headers=await login_as(await create_user(session, role=Role.VIEWER)),
    )
    assert response.status_code == 200, response.text
    jayapura_clock = {
        (i["time_zone_abbreviation"], i["deadline_at"]) for i in response.json()["items"]
    }
    assert len(jayapura_clock) == 1
    abbreviation, deadline_at = jayapura_clock.pop()
    assert abbreviation == "WIT"
    assert datetime.fromisoformat(deadline_at.replace("Z", "+00:00")) == datetime(
        2030, 1, 10, 15, 0, tzinfo=UTC
    )
