"""The report's timeliness as the scores show it, after the real transitions: the first
submission decides, a return and a later on-time resubmission change nothing, and each
transition is a new score table (its ETag changes)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import User
from tests.helpers import API
from tests.reporting.conftest import REASON, Chain
from tests.reporting.test_api import act, submitted_city, write

LoginAs = Callable[[User], Awaitable[dict[str, str]]]
TABLE = f"{API}/scores?period=2023-Q4&region=64"


def city_of(body: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = next(i for i in body["items"] if i["region"] == "64.72")
    return item


async def test_returned_after_a_late_first_submission_stays_late(
    client: httpx.AsyncClient,
    anon_client: httpx.AsyncClient,
    session: AsyncSession,
    chain: Chain,
    login_as: LoginAs,
) -> None:
    world = chain.world
    before = await client.get(TABLE)
    assert before.status_code == 200, before.text
    city = city_of(before.json())
    assert (city["report_state"], city["report_receipt"], city["report_on_time"]) == (
        None,
        None,
        None,
    )
    assert before.json()["summary"]["not_reported"] == before.json()["summary"]["count"]

    world.period.deadline = date(2023, 12, 31)  # long past: the first submission is late
    await session.flush()
    coordinator = await login_as(chain.coordinator)
    first = await submitted_city(anon_client, session, chain, coordinator)
    late = await client.get(TABLE, headers={"If-None-Match": before.headers["ETag"]})
    assert late.status_code == 200, "the submission changed the table"
    city = city_of(late.json())
    assert (city["report_state"], city["report_receipt"], city["report_on_time"]) == (
        "submitted",
        first["receipt_number"],
        False,
    )

    returned = await act(anon_client, await login_as(world.verifier), "return", reason=REASON)
    assert returned.status_code == 200, returned.text
    world.period.deadline = date(2030, 1, 10)  # the next submission is before the deadline
    await session.flush()
    assert (await write(anon_client, coordinator, risks="Diperbaiki")).status_code == 200
    again = await act(anon_client, coordinator, "submit")
    assert again.status_code == 200, again.text
    after = await client.get(TABLE, headers={"If-None-Match": late.headers["ETag"]})
    assert after.status_code == 200
    city = city_of(after.json())
    assert (city["report_state"], city["report_receipt"], city["report_on_time"]) == (
        "submitted",
        first["receipt_number"],
        False,
    )
    summary = after.json()["summary"]
    assert (summary["reports_on_time"], summary["reports_late"]) == (0, 1)
    assert summary["not_reported"] == summary["count"] - 1


async def test_on_time_submission(
    client: httpx.AsyncClient,
    anon_client: httpx.AsyncClient,
    session: AsyncSession,
    chain: Chain,
    login_as: LoginAs,
) -> None:
    body = await submitted_city(anon_client, session, chain, await login_as(chain.coordinator))
    table = (await client.get(TABLE)).json()
    city = city_of(table)
    assert (city["report_state"], city["report_receipt"], city["report_on_time"]) == (
        "submitted",
        body["receipt_number"],
        True,
    )
    summary = table["summary"]
    assert summary["reports_on_time"] == 1
    assert summary["report_timeliness"] == 100 / summary["count"]
