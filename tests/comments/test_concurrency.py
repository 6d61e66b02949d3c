"""The comment rate limit under concurrency: many posts by one author at once still make
at most RATE_LIMIT comments, and every other post gets 429 (PostgreSQL: the author's
advisory lock makes the count and the insert one step)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from siaga.comments import repository
from siaga.comments.service import RATE_LIMIT
from siaga.models import AnswerComment, PeriodState, Role
from tests.auth.support import Committed, create_login_user, login
from tests.fixtures.auth import bearer
from tests.fixtures.factories import create_framework, create_period, create_region
from tests.helpers import API


@pytest.mark.parametrize("at_once", [2, RATE_LIMIT + 10])
async def test_posts_at_once_never_pass_the_limit(
    committed: Committed, backend: str, at_once: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend != "postgresql":
        pytest.skip("concurrent writers are what is tested; SQLite serialises all writers")
    # Widen the window between the count and the insert, so that without the author's lock
    # every post would count the same few comments before any of them is written.
    counted = repository.recent_by_author

    async def slowly_counted(*args: Any, **kwargs: Any) -> tuple[int, datetime | None]:
        found = await counted(*args, **kwargs)
        await asyncio.sleep(0.05)
        return found

    monkeypatch.setattr(repository, "recent_by_author", slowly_counted)
    async with committed.session() as session:
        province = await create_region(session, code="64", name="Kalimantan Timur")
        await create_region(session, code="64.72", name="Kota Samarinda", parent=province)
        framework = await create_framework(session, code="UJI")
        await create_period(session, framework=framework, code="2023-Q4", state=PeriodState.OPEN)
        await create_login_user(
            session, username="verifikator.64", role=Role.VERIFIER, region=province
        )
    url = f"{API}/submissions/2023-Q4/64.72/D1.01/comments"
    async with committed.client() as client:
        # One session per request: requests on one session token may queue behind each
        # other (its last-seen update), which would hide a race between sessions.
        tokens = [(await login(client, "verifikator.64")).json()["token"] for _ in range(at_once)]
        responses = await asyncio.gather(
            *(
                client.post(url, json={"body": f"Catatan {n}"}, headers=bearer(token))
                for n, token in enumerate(tokens)
            )
        )
    statuses = [r.status_code for r in responses]
    created = min(at_once, RATE_LIMIT)
    assert statuses.count(201) == created, [r.text for r in responses if r.status_code != 201]
    assert statuses.count(429) == at_once - created
    async with committed.session() as session:
        stored = await session.scalar(select(func.count()).select_from(AnswerComment))
    assert stored == created
