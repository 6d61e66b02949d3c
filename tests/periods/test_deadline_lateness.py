"""A moved deadline counts at once: lateness is decided when an answer is first submitted,
from the period's deadline read then (submissions.transitions), and scores and reports read
`is_late` from the answers, never a cached deadline."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.types import utcnow
from siaga.models import User
from tests.helpers import API
from tests.submissions.conftest import Workflow, world
from tests.submissions.test_router import act, put

__all__ = ["world"]  # the answer workflow's small world, as a fixture here too

LoginAs = Callable[[User], Awaitable[dict[str, str]]]


async def test_submitted_after_the_old_deadline_but_before_the_new_is_on_time(
    client: httpx.AsyncClient,
    anon_client: httpx.AsyncClient,
    world: Workflow,
    login_as: LoginAs,
    session: AsyncSession,
) -> None:
    world.period.deadline = date(2024, 1, 10)  # long past, period still open
    await session.flush()
    new_deadline = (utcnow() + timedelta(days=30)).date()
    moved = await client.patch(
        f"{API}/periods/{world.period.code}",
        json={"deadline": new_deadline.isoformat(), "reason": "Perpanjangan karena banjir"},
    )
    assert moved.status_code == 200, moved.text
    operator = await login_as(world.operator)
    etag = (await put(anon_client, operator, "P.01", 10)).json()["etag"]
    submitted = (await act(anon_client, operator, "P.01", "submit", etag)).json()
    assert submitted["is_late"] is False


async def test_shortened_deadline_makes_a_later_submission_late(
    client: httpx.AsyncClient,
    anon_client: httpx.AsyncClient,
    world: Workflow,
    login_as: LoginAs,
) -> None:
    moved = await client.patch(
        f"{API}/periods/{world.period.code}",
        json={"deadline": world.period.start_date.isoformat(), "reason": "Tenggat dipercepat"},
    )
    assert moved.status_code == 200, moved.text
    operator = await login_as(world.operator)
    etag = (await put(anon_client, operator, "P.01", 10)).json()["etag"]
    submitted = (await act(anon_client, operator, "P.01", "submit", etag)).json()
    assert submitted["is_late"] is True
