"""Provisional figures and the period a change compares against (issue 16, item 4).

A period that is not closed has figures that may still change: every score response says
so (`provisional`, `period_state`), and changes compare only with the latest earlier
closed period, named in the table (`previous_period`).
"""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import Period, PeriodState
from siaga.scoring.reference import AnswerDef
from tests.scoring.builders import write_answers
from tests.scoring.test_router import (
    Q3,
    Scores,
    build_scores,
    explain,
    near,
    reference,
    table,
    trend,
)

Q2 = [
    AnswerDef("64.72", "L.01", "verified", 4.0, True),
    AnswerDef("64.72", "P.01", "verified", 90.0, True),
    AnswerDef("64", "L.01", "verified", 1.0, True),
]


@pytest.fixture
async def scores(session: AsyncSession) -> Scores:
    return await build_scores(session)


async def _add_closed_q2(session: AsyncSession, scores: Scores) -> Period:
    """2023-Q2, closed, with answers unlike Q3's; then 2023-Q3 is reopened."""
    written = scores.written
    q2 = Period(
        code="2023-Q2",
        name="Triwulan 2 2023",
        framework_id=written.framework.id,
        start_date=date(2023, 4, 1),
        end_date=date(2023, 6, 30),
        deadline=date(2023, 7, 10),
        state=PeriodState.CLOSED,
    )
    session.add(q2)
    await session.flush()
    await write_answers(session, q2, written.regions, written.indicators, Q2)
    await session.execute(
        update(Period).where(Period.id == scores.q3.id).values(state=PeriodState.OPEN)
    )
    return q2


class TestTable:
    async def test_an_open_period_is_provisional_and_names_its_comparison(
        self, client: httpx.AsyncClient, scores: Scores
    ) -> None:
        path, params = table(period="2023-Q4")
        body = (await client.get(path, params=params)).json()
        assert body["period_state"] == "open"
        assert body["provisional"] is True
        assert body["previous_period"] == "2023-Q3"

    async def test_a_closed_period_is_final(
        self, client: httpx.AsyncClient, scores: Scores
    ) -> None:
        path, params = table(period="2023-Q3")
        body = (await client.get(path, params=params)).json()
        assert (body["period_state"], body["provisional"]) == ("closed", False)
        # Nothing closed before it: no comparison, and no change on any row.
        assert body["previous_period"] is None
        assert all(i["previous_readiness"] is None for i in body["items"])

    async def test_the_view_does_not_make_a_closed_period_provisional(
        self, client: httpx.AsyncClient, scores: Scores
    ) -> None:
        path, params = table("provisional", period="2023-Q3")
        body = (await client.get(path, params=params)).json()
        assert (body["view"], body["provisional"]) == ("provisional", False)

    async def test_changes_skip_an_earlier_open_period(
        self, client: httpx.AsyncClient, session: AsyncSession, scores: Scores
    ) -> None:
        await _add_closed_q2(session, scores)
        path, params = table(period="2023-Q4")
        body = (await client.get(path, params=params)).json()
        assert body["previous_period"] == "2023-Q2"
        before = reference("official", answers=Q2)
        items = {i["region"]: i for i in body["items"]}
        for code, item in items.items():
            assert near(item["previous_readiness"], before[code].readiness), code
        # Q3 (open now) would have given 64.72 another number.
        assert not near(
            items["64.72"]["previous_readiness"],
            reference("official", answers=Q3)["64.72"].readiness,
        )

    async def test_the_etag_follows_the_closed_period_compared_with(
        self, client: httpx.AsyncClient, session: AsyncSession, scores: Scores
    ) -> None:
        q2 = await _add_closed_q2(session, scores)
        path, params = table(period="2023-Q4")
        etag = (await client.get(path, params=params)).headers["ETag"]
        written = scores.written
        # A late answer in the compared period changes previous_readiness.
        await write_answers(
            session,
            q2,
            written.regions,
            written.indicators,
            [AnswerDef("64.11", "L.01", "verified", 4.0, True)],
        )
        again = await client.get(path, params=params, headers={"If-None-Match": etag})
        assert again.status_code == 200, "stale 304: the compared period changed"
        items = {i["region"]: i for i in again.json()["items"]}
        assert items["64.11"]["previous_readiness"] > 0

    async def test_closing_a_period_makes_it_final_and_changes_the_etag(
        self, client: httpx.AsyncClient, scores: Scores
    ) -> None:
        path, params = table(period="2023-Q4")
        first = await client.get(path, params=params)
        closed = await client.post("/api/v1/periods/2023-Q4/close")
        assert closed.status_code == 200, closed.text
        again = await client.get(
            path, params=params, headers={"If-None-Match": first.headers["ETag"]}
        )
        assert again.status_code == 200, "stale 304: the period is closed now"
        assert (again.json()["period_state"], again.json()["provisional"]) == ("closed", False)


class TestExplanationAndTrend:
    async def test_explanation_says_whether_provisional(
        self, client: httpx.AsyncClient, scores: Scores
    ) -> None:
        open_body = (await client.get(explain(period="2023-Q4"))).json()
        assert (open_body["period_state"], open_body["provisional"]) == ("open", True)
        closed_body = (await client.get(explain(period="2023-Q3"))).json()
        assert (closed_body["period_state"], closed_body["provisional"]) == ("closed", False)

    async def test_each_trend_point_says_whether_provisional(
        self, client: httpx.AsyncClient, scores: Scores
    ) -> None:
        body = (await client.get(trend())).json()
        points = [(p["period"], p["period_state"], p["provisional"]) for p in body["items"]]
        assert points == [("2023-Q3", "closed", False), ("2023-Q4", "open", True)]
