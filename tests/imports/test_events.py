"""The answers import emits `submission.submitted` for each answer it submits, as a
transition does (workflow.event_data, the same data), in the import's own transaction:
draft rows, unchanged rows, dry runs and failed imports emit nothing."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.events.catalogue import SubmissionEventData
from siaga.models import Agency, OutboxEvent, Region
from tests.helpers import API
from tests.imports.conftest import World, csv_bytes, upload

HEADER = "period,region,indicator,value,narrative,status"


async def _events(session: AsyncSession) -> list[OutboxEvent]:
    stmt = select(OutboxEvent).order_by(OutboxEvent.id).execution_options(populate_existing=True)
    return list((await session.scalars(stmt)).all())


async def _agency(session: AsyncSession, region: Region, type_id: int) -> str:
    code = await session.scalar(
        select(Agency.code).where(Agency.region_id == region.id, Agency.agency_type_id == type_id)
    )
    assert code is not None
    return code


async def test_submitted_rows_emit_their_event(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    rows = [
        "2023-Q4,64.72,Y.01,ya,,submitted",
        "2023-Q4,64.72,C.01,3,,submitted",
        "2023-Q4,64.72,P.01,50,,draft",
    ]
    response = await upload(client, "submissions", csv_bytes(HEADER, *rows), dry_run=True)
    assert response.json()["counts"]["created"] == 3, response.text
    assert await _events(session) == []  # a dry run writes nothing

    response = await upload(client, "submissions", csv_bytes(HEADER, *rows))
    assert response.json()["counts"]["created"] == 3, response.text
    events = await _events(session)
    assert [e.type for e in events] == ["submission.submitted"] * 2
    data = {d.indicator: d for d in (SubmissionEventData.model_validate(e.data) for e in events)}
    assert set(data) == {"Y.01", "C.01"}
    assert data["Y.01"].agency == await _agency(session, world.city, world.kesbangpol.id)
    assert data["C.01"].agency == await _agency(session, world.city, world.bpkad.id)
    for event in events:
        assert (event.region_code, event.actor_label, event.attempts) == (
            "64.72",
            "admin.nasional",
            0,
        )
        assert event.processed_at is None
        assert event.data["occurred_at"] is not None
    first = data["Y.01"]
    assert (first.period, first.region, first.status, first.previous_status) == (
        "2023-Q4",
        "64.72",
        "submitted",
        None,
    )
    assert (first.version, first.late, first.reason, first.actor) == (
        1,
        False,
        None,
        "admin.nasional",
    )

    # The same file again changes nothing, and says nothing.
    again = await upload(client, "submissions", csv_bytes(HEADER, *rows))
    assert again.json()["counts"]["unchanged"] == 3, again.text
    assert len(await _events(session)) == 2

    # The draft sent now: one event, from draft.
    sent = await upload(
        client, "submissions", csv_bytes(HEADER, "2023-Q4,64.72,P.01,50,,submitted")
    )
    assert sent.json()["counts"]["updated"] == 1, sent.text
    last = SubmissionEventData.model_validate((await _events(session))[-1].data)
    assert (last.indicator, last.previous_status, last.status, last.version) == (
        "P.01",
        "draft",
        "submitted",
        2,
    )


async def test_the_same_data_as_a_transition(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    """One answer submitted by import, one through the API: the events differ only in
    the indicator, the version and the time."""
    imported = await upload(
        client, "submissions", csv_bytes(HEADER, "2023-Q4,64.72,Y.01,ya,,submitted")
    )
    assert imported.json()["counts"]["created"] == 1, imported.text
    url = f"{API}/submissions/2023-Q4/64.72/P.01"
    assert (await client.put(url, json={"value": 50})).status_code == 201
    submitted = await client.post(f"{url}/submit", headers={"If-Match": "*"})
    assert submitted.status_code == 200, submitted.text
    by_import, by_api = (SubmissionEventData.model_validate(e.data) for e in await _events(session))
    differ = {"indicator", "version", "occurred_at", "previous_status"}
    assert by_import.model_dump(exclude=differ) == by_api.model_dump(exclude=differ)
    assert (by_import.previous_status, by_api.previous_status) == (None, "draft")


async def test_a_failed_import_emits_nothing(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    rows = ["2023-Q4,64.72,Y.01,ya,,submitted", "2023-Q4,64.72,P.01,101,,submitted"]
    response = await upload(client, "submissions", csv_bytes(HEADER, *rows))
    assert response.json()["counts"]["errors"] == 1, response.text
    assert await _events(session) == []
