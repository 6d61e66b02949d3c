"""The fixtures' promise: whatever a test writes, committed or not, is gone for the next."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import Region
from tests.fixtures.factories import create_region
from tests.helpers import API, assert_page

_MARKER = "Wilayah Isolasi"


class TestIsolation:
    # The two tests run in this order; the second sees nothing of the first.
    async def test_writes_and_commits(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_region(session, code="98", name=_MARKER)
        await session.commit()  # releases a savepoint only
        # The request's own session sees the test's data, and its commit succeeds.
        response = await client.get(f"{API}/regions", params={"q": _MARKER})
        assert len(assert_page(response, total=1)) == 1

    async def test_sees_nothing_of_the_previous_test(self, session: AsyncSession) -> None:
        count = await session.scalar(select(func.count()).select_from(Region))
        assert count == 0
