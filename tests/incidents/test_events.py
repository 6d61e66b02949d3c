"""Incidents go through the outbox (issue 21 item 5): each change writes its event with
the change; the worker puts a kritis filing in the province's inboxes at once, an
escalation in the inboxes of the level it reaches, and the rest in the Pemda's."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from siaga.events.worker import Worker
from siaga.models import OutboxEvent
from tests.events.conftest import on_connection
from tests.helpers import API
from tests.incidents.conftest import LoginAs, World, escalate, file, step

INBOX = f"{API}/notifications"


async def _inbox(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, object]]:
    items: list[dict[str, object]] = (await client.get(INBOX, headers=headers)).json()["items"]
    return items


async def test_each_change_writes_its_event(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs, session: AsyncSession
) -> None:
    coordinator = await login_as(world.coordinator)
    verifier = await login_as(world.verifier)
    number = (await file(anon_client, coordinator, severity="sedang"))["number"]
    assert (await step(anon_client, verifier, number, "acknowledged")).status_code == 200
    assert (await escalate(anon_client, verifier, number)).status_code == 200
    events = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.type.like("incident.%")).order_by(OutboxEvent.id)
        )
    ).all()
    assert [e.type for e in events] == [
        "incident.reported",
        "incident.updated",
        "incident.escalated",
    ]
    reported, acknowledged, escalated = events
    assert reported.region_code == "64.72"
    assert reported.data["number"] == number
    assert (reported.data["severity"], reported.data["urgent"]) == ("sedang", False)
    assert acknowledged.data["status"] == "acknowledged"
    assert escalated.data["reason"] and escalated.data["level"] in ("province", "national")


async def test_kritis_reaches_the_province_at_once_and_escalation_its_level(
    anon_client: httpx.AsyncClient,
    world: World,
    login_as: LoginAs,
    connection: AsyncConnection,
) -> None:
    coordinator = await login_as(world.coordinator)
    verifier = await login_as(world.verifier)
    national = await login_as(world.national_verifier)
    ordinary = (await file(anon_client, coordinator, severity="sedang"))["number"]
    kritis = (await file(anon_client, coordinator, severity="kritis"))["number"]
    await Worker(on_connection(connection)).drain()

    seen = {(i["type"], i["data"]["number"]): i for i in await _inbox(anon_client, verifier)}  # type: ignore[index]
    assert ("incident.reported", kritis) in seen
    assert ("incident.reported", ordinary) not in seen
    item = seen[("incident.reported", kritis)]
    assert item["link"] == "/laporan-cepat/" + "/".join(kritis.split("/")[1:])
    assert item["data"]["severity"] == "kritis"  # type: ignore[index]

    assert (await escalate(anon_client, verifier, ordinary)).status_code == 200
    await Worker(on_connection(connection)).drain()
    got = [
        (i["type"], i["data"]["number"])  # type: ignore[index]
        for i in await _inbox(anon_client, national)
    ]
    assert ("incident.escalated", ordinary) in got
