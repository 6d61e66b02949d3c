"""The outbox worker delivers its events to webhooks: an event written with a change
reaches a subscribed endpoint, signed, with the event's data, exactly once, and an
endpoint that did not subscribe to the type gets nothing."""

from __future__ import annotations

from sqlalchemy import delete, select

from siaga.core.types import utcnow
from siaga.events.inbox import InboxChannel
from siaga.events.worker import Worker
from siaga.models import Notification, OutboxEvent, WebhookDelivery
from siaga.webhooks.channel import WebhookChannel
from tests.webhooks.conftest import Store
from tests.webhooks.receiver import Receiver

DATA = {
    "period": "2024-Q1",
    "region": "64.72",
    "indicator": "K1.01",
    "agency": "64.72.kesbangpol",
    "status": "returned",
    "previous_status": "submitted",
    "version": 3,
    "late": False,
    "reason": "Notulen belum dilampirkan.",
    "actor": "verifikator.64",
}


async def test_the_worker_fans_an_event_out_and_delivers_it_once(
    store: Store, receiver: Receiver
) -> None:
    subscribed, secret = await store.endpoint(receiver.url, events=("submission.returned",))
    other, _ = await store.endpoint(receiver.url, events=("report.accepted",))
    receiver.secrets = [secret]
    now = utcnow()
    async with store.session() as session:
        event = OutboxEvent(
            type="submission.returned",
            occurred_at=now,
            region_code="64.72",
            actor_label="verifikator.64",
            data={**DATA, "occurred_at": now.isoformat()},
            attempts=0,
        )
        session.add(event)
    try:
        worker = Worker(
            store.sessionmaker, channels=[InboxChannel(), WebhookChannel(store.settings)]
        )
        await worker.drain()
        await worker.run_once()  # a second pass sends nothing again

        [got] = receiver.received
        assert got.verified and got.status == 200
        assert got.json["type"] == "submission.returned"
        assert {k: got.json["data"][k] for k in DATA} == DATA
        async with store.session() as session:
            deliveries = (await session.scalars(select(WebhookDelivery))).all()
            processed = await session.scalar(
                select(OutboxEvent.processed_at).where(OutboxEvent.id == event.id)
            )
        assert [(d.endpoint_id, d.event_id, d.msg_id) for d in deliveries] == [
            (subscribed, event.id, got.msg_id)
        ]
        assert other not in {d.endpoint_id for d in deliveries}
        assert processed is not None
    finally:
        async with store.session() as session:
            await session.execute(delete(Notification))
            await session.execute(delete(OutboxEvent))
