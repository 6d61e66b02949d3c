"""GET /review-queue: open periods by default, oldest first, filters, counts per Pemda."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.types import utcnow
from siaga.models import (
    Dimension,
    Indicator,
    Period,
    Region,
    Role,
    Submission,
    SubmissionStatus,
    User,
)
from tests.fixtures.factories import create_user
from tests.helpers import API, assert_error
from tests.submissions.conftest import Workflow

LoginAs = Callable[[User], Awaitable[dict[str, str]]]
QUEUE = f"{API}/review-queue"


async def _answer(
    session: AsyncSession,
    period: Period,
    region: Region,
    indicator: str,
    days_ago: int,
    *,
    agency_id: int | None = None,
    status: SubmissionStatus = SubmissionStatus.SUBMITTED,
) -> None:
    indicator_id = await session.scalar(select(Indicator.id).where(Indicator.code == indicator))
    assert indicator_id is not None
    at = utcnow() - timedelta(days=days_ago, minutes=1)
    session.add(
        Submission(
            period_id=period.id,
            region_id=region.id,
            indicator_id=indicator_id,
            agency_id=agency_id,
            value=1,
            status=status,
            submitted_at=at if status == SubmissionStatus.SUBMITTED else None,
        )
    )
    await session.flush()


@pytest.fixture
async def queue(session: AsyncSession, world: Workflow) -> Workflow:
    """Waiting: a closed period's leftover (oldest), three open ones in the verifier's
    province, one in another province; plus a draft that is not waiting."""
    bpkad_agency = await session.scalar(
        select(User.agency_id).where(User.id == world.other_operator.id)
    )
    await _answer(session, world.closed_period, world.city, "L.01", 100, agency_id=world.agency.id)
    await _answer(session, world.period, world.city, "P.01", 10, agency_id=world.agency.id)
    await _answer(session, world.period, world.province, "Y.01", 5)
    await _answer(session, world.period, world.city, "B.01", 2, agency_id=bpkad_agency)
    await _answer(session, world.period, world.other_city, "C.01", 20)
    await _answer(session, world.period, world.city, "C.01", 30, status=SubmissionStatus.DRAFT)
    # B.01 moves to its own dimension, for the dimension filter.
    d2 = Dimension(
        framework_id=world.framework.id, code="D2", name="Dimensi 2", weight=1, position=1
    )
    session.add(d2)
    await session.flush()
    await session.execute(
        update(Indicator).where(Indicator.code == "B.01").values(dimension_id=d2.id)
    )
    await session.flush()
    return world


def _page(response: httpx.Response, *, total: int) -> list[dict[str, Any]]:
    """The contract's page plus the per-Pemda counts; returns its items."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "total", "limit", "offset", "by_region"}
    assert body["total"] == total
    items: list[dict[str, Any]] = body["items"]
    return items


async def _get(
    client: httpx.AsyncClient, headers: dict[str, str], **params: object
) -> httpx.Response:
    return await client.get(QUEUE, params=params, headers=headers)  # type: ignore[arg-type]


class TestReviewQueue:
    async def test_anonymous_and_operator_refused(
        self, anon_client: httpx.AsyncClient, queue: Workflow, login_as: LoginAs
    ) -> None:
        assert (await anon_client.get(QUEUE)).status_code == 401
        operator = await login_as(queue.operator)
        assert (await _get(anon_client, operator)).status_code == 403

    async def test_default_is_open_periods_oldest_first_with_counts(
        self, anon_client: httpx.AsyncClient, queue: Workflow, login_as: LoginAs
    ) -> None:
        # The province's own answer (Y.01) is not the province verifier's to review.
        response = await _get(anon_client, await login_as(queue.verifier))
        items = _page(response, total=2)
        assert [i["indicator"] for i in items] == ["P.01", "B.01"]
        assert {i["period"] for i in items} == {"2023-Q4"}
        assert response.json()["by_region"] == [
            {"region": "64.72", "region_name": queue.city.name, "count": 2},
        ]

    async def test_a_national_verifier_has_the_provinces_own_answers(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        queue: Workflow,
        login_as: LoginAs,
    ) -> None:
        national = await create_user(session, role=Role.VERIFIER)
        response = await _get(anon_client, await login_as(national), region="64")
        items = _page(response, total=3)
        assert [i["indicator"] for i in items] == ["P.01", "Y.01", "B.01"]
        assert response.json()["by_region"] == [
            {"region": "64.72", "region_name": queue.city.name, "count": 2},
            {"region": "64", "region_name": queue.province.name, "count": 1},
        ]

    async def test_closed_periods_on_request(
        self, anon_client: httpx.AsyncClient, queue: Workflow, login_as: LoginAs
    ) -> None:
        verifier = await login_as(queue.verifier)
        everything = _page(await _get(anon_client, verifier, include_closed="true"), total=3)
        assert everything[0]["period"] == "2023-Q3"
        closed = _page(await _get(anon_client, verifier, period="2023-Q3"), total=1)
        assert closed[0]["indicator"] == "L.01"

    @pytest.mark.parametrize(
        ("params", "expected", "counts"),
        [
            ({"region": "64.72"}, ["P.01", "B.01"], {"64.72": 2}),
            ({"agency": "AGENCY"}, ["P.01"], {"64.72": 1}),
            ({"dimension": "D2"}, ["B.01"], {"64.72": 1}),
            # The province's own answer waits for a national verifier, not this one.
            ({"indicator": "Y.01"}, [], {}),
            ({"region": "64"}, ["P.01", "B.01"], {"64.72": 2}),
            ({"dimension": "D1"}, ["P.01"], {"64.72": 1}),
            ({"older_than_days": 5}, ["P.01"], {"64.72": 1}),
            ({"older_than_days": 0}, ["P.01", "B.01"], {"64.72": 2}),
            ({"older_than_days": 11}, [], {}),
            # Out of the verifier's scope: nothing, not the other province's answers.
            ({"region": "63.71"}, [], {}),
        ],
    )
    async def test_filters_and_counts_match_items(
        self,
        anon_client: httpx.AsyncClient,
        queue: Workflow,
        login_as: LoginAs,
        params: dict[str, object],
        expected: list[str],
        counts: dict[str, int],
    ) -> None:
        if params.get("agency") == "AGENCY":
            params = {"agency": queue.agency.code}
        response = await _get(anon_client, await login_as(queue.verifier), **params)
        items = _page(response, total=len(expected))
        assert [i["indicator"] for i in items] == expected
        by_region = {c["region"]: c["count"] for c in response.json()["by_region"]}
        assert by_region == counts
        assert sum(by_region.values()) == response.json()["total"]

    @pytest.mark.parametrize(
        "params",
        [
            {"older_than_days": -1},
            {"older_than_days": "x"},
            {"region": "Samarinda"},
            {"include_closed": "maybe"},
        ],
    )
    async def test_bad_values_422(
        self,
        anon_client: httpx.AsyncClient,
        queue: Workflow,
        login_as: LoginAs,
        params: dict[str, object],
    ) -> None:
        response = await _get(anon_client, await login_as(queue.verifier), **params)
        assert_error(response, 422, "invalid_input")
