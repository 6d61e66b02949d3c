"""The delivery log of an endpoint, and what an administrator does with it: send a
delivery again, queue a test ping. Both only queue: the worker sends (rule 13)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.models import WebhookDelivery, WebhookDeliveryState
from siaga.webhooks import repository, signing
from siaga.webhooks.events import PING
from siaga.webhooks.exceptions import DeliveryNotFound
from siaga.webhooks.schemas import WebhookAttemptRead, WebhookDeliveryPage, WebhookDeliveryRead
from siaga.webhooks.service import endpoint_row


def _delivery_read(
    delivery: WebhookDelivery, attempts: list[WebhookAttemptRead]
) -> WebhookDeliveryRead:
    return WebhookDeliveryRead(
        id=delivery.id,
        webhook_id=delivery.msg_id,
        event_id=delivery.event_id,
        type=delivery.type,
        state=delivery.state,
        attempt_count=delivery.attempts,
        next_attempt_at=(
            delivery.next_attempt_at if delivery.state == WebhookDeliveryState.PENDING else None
        ),
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        delivered_at=delivery.delivered_at,
        failed_at=delivery.failed_at,
        attempts=attempts,
    )


async def _with_attempts(
    session: AsyncSession, deliveries: list[WebhookDelivery]
) -> list[WebhookDeliveryRead]:
    found = await repository.attempts_of(session, [d.id for d in deliveries])
    return [
        _delivery_read(
            d,
            [
                WebhookAttemptRead(
                    attempted_at=a.attempted_at,
                    status_code=a.status_code,
                    duration_ms=a.duration_ms,
                    response_excerpt=a.response_excerpt,
                    error=a.error,
                )
                for a in found[d.id]
            ],
        )
        for d in deliveries
    ]


async def list_deliveries(
    session: AsyncSession,
    endpoint_id: int,
    page: PageParams,
    *,
    scope: str | None,
    state: WebhookDeliveryState | None,
) -> WebhookDeliveryPage:
    await endpoint_row(session, endpoint_id, scope)
    deliveries, total = await repository.list_deliveries(session, endpoint_id, page, state=state)
    return WebhookDeliveryPage(
        items=await _with_attempts(session, deliveries),
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def retry_delivery(
    session: AsyncSession,
    endpoint_id: int,
    delivery_id: int,
    *,
    principal: Principal,
    actor: Actor,
) -> WebhookDeliveryRead:
    """Send a delivery again, now: a failed or delivered one goes back into the queue
    with a fresh schedule and the same webhook-id; a pending one skips its wait. It
    keeps its place by age, so it goes out before the newer ones of its endpoint."""
    row = await endpoint_row(session, endpoint_id, principal.region_code)
    delivery = await repository.get_delivery(session, endpoint_id, delivery_id)
    if delivery is None:
        raise DeliveryNotFound()
    before = delivery.state.value
    now = utcnow()
    delivery.state = WebhookDeliveryState.PENDING
    delivery.next_attempt_at = now
    delivery.schedule_step = 0
    delivery.failed_at = None
    await session.flush()
    record(
        session,
        actor,
        "webhook.retry",
        entity_type="webhook",
        entity_id=str(endpoint_id),
        region_code=row.region_code,
        before={"delivery": delivery.id, "state": before},
        after={
            "delivery": delivery.id,
            "state": delivery.state.value,
            "webhook_id": delivery.msg_id,
        },
    )
    return (await _with_attempts(session, [delivery]))[0]


async def send_test(
    session: AsyncSession, endpoint_id: int, *, principal: Principal, actor: Actor
) -> WebhookDeliveryRead:
    """Queue a `ping` for the endpoint, delivered by the worker like any event."""
    row = await endpoint_row(session, endpoint_id, principal.region_code)
    now = utcnow()
    delivery = WebhookDelivery(
        endpoint_id=endpoint_id,
        event_id=None,
        msg_id=signing.message_id(),
        type=PING,
        occurred_at=now,
        data={"webhook": endpoint_id, "message": "Uji webhook Siaga (Siaga webhook test)"},
        state=WebhookDeliveryState.PENDING,
        attempts=0,
        schedule_step=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(delivery)
    await session.flush()
    record(
        session,
        actor,
        "webhook.test",
        entity_type="webhook",
        entity_id=str(endpoint_id),
        region_code=row.region_code,
        after={"delivery": delivery.id, "webhook_id": delivery.msg_id},
    )
    return _delivery_read(delivery, [])
