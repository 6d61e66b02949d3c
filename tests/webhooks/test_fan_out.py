"""fan_out: one delivery per active endpoint that subscribes to the event in its scope."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import WebhookDelivery, WebhookEndpoint, WebhookState
from siaga.webhooks import signing
from siaga.webhooks.delivery import fan_out
from tests.fixtures.factories import create_region
from tests.webhooks.conftest import envelope


async def _endpoint(
    session: AsyncSession,
    events: list[str],
    region_id: int | None = None,
    state: WebhookState = WebhookState.ACTIVE,
) -> int:
    endpoint = WebhookEndpoint(
        url="https://hooks.example.go.id/siaga",
        events=events,
        region_id=region_id,
        state=state,
        secret_nonce=signing.new_nonce(),
        consecutive_failures=0,
    )
    session.add(endpoint)
    await session.flush()
    return endpoint.id


async def _queued(session: AsyncSession, event_id: int) -> dict[int, WebhookDelivery]:
    rows = await session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.event_id == event_id)
    )
    return {d.endpoint_id: d for d in rows}


async def test_scope_and_filter(session: AsyncSession) -> None:
    kaltim = await create_region(session, code="64")
    await create_region(session, code="64.72", parent=kaltim)
    kalsel = await create_region(session, code="63")
    national = await _endpoint(session, ["submission.verified", "period.opened"])
    province = await _endpoint(session, ["submission.verified", "period.opened"], kaltim.id)
    other = await _endpoint(session, ["submission.verified", "period.opened"], kalsel.id)
    reports_only = await _endpoint(session, ["report.accepted"])
    paused = await _endpoint(session, ["submission.verified"], state=WebhookState.PAUSED)
    disabled = await _endpoint(session, ["submission.verified"], state=WebhookState.DISABLED)

    verified = envelope("submission.verified", "64.72", indicator="K1.01", status="verified")
    assert await fan_out(session, verified) == 2
    queued = await _queued(session, verified.id)
    assert set(queued) == {national, province}
    delivery = queued[province]
    assert (delivery.type, delivery.data, delivery.occurred_at) == (
        "submission.verified",
        verified.data,
        verified.occurred_at,
    )
    assert delivery.msg_id.startswith("msg_") and delivery.msg_id != queued[national].msg_id

    # A period concerns everyone: every subscribed endpoint, whatever its scope.
    opened = envelope("period.opened", None)
    assert await fan_out(session, opened) == 3
    assert set(await _queued(session, opened.id)) == {national, province, other}

    elsewhere = envelope("submission.verified", "63.10")
    assert await fan_out(session, elsewhere) == 2
    assert set(await _queued(session, elsewhere.id)) == {national, other}
    assert not {reports_only, paused, disabled} & set(await _queued(session, elsewhere.id))


async def test_a_second_fan_out_of_the_same_event_adds_nothing(session: AsyncSession) -> None:
    await _endpoint(session, ["report.accepted"])
    await _endpoint(session, ["report.accepted"])
    event = envelope("report.accepted", "64.72")
    assert await fan_out(session, event) == 2
    first = {d.endpoint_id: d.msg_id for d in (await _queued(session, event.id)).values()}
    assert await fan_out(session, event) == 0
    again = {d.endpoint_id: d.msg_id for d in (await _queued(session, event.id)).values()}
    assert again == first  # the same rows, the same webhook-ids


async def test_no_subscriber_no_delivery(session: AsyncSession) -> None:
    assert await fan_out(session, envelope("incident.reported", "64.72")) == 0
