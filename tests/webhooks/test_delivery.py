"""deliver_due against a real receiver on 127.0.0.1 that verifies every signature."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from siaga.audit.service import SYSTEM
from siaga.core.security import Capability, Principal
from siaga.core.types import utcnow
from siaga.models import (
    AuditEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryState,
    WebhookEndpoint,
    WebhookState,
)
from siaga.webhooks import log, signing
from siaga.webhooks.delivery import deliver_due, fan_out
from tests.webhooks.conftest import Store, envelope, hook_settings
from tests.webhooks.receiver import Received, Receiver

MID = lambda: 0.5  # noqa: E731 - no jitter: each retry exactly on its delay


async def _queue(store: Store, count: int = 1, **kwargs: Any) -> list[int]:
    ids = []
    async with store.session() as session:
        for n in range(count):
            event = envelope(seq=n, **kwargs)
            await fan_out(session, event)
            ids.append(event.id)
    return ids


async def _deliveries(store: Store, endpoint_id: int) -> list[WebhookDelivery]:
    async with store.session() as session:
        rows = await session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id)
        )
        return list(rows)


async def _endpoint(store: Store, endpoint_id: int) -> WebhookEndpoint:
    async with store.session() as session:
        endpoint = await session.get(WebhookEndpoint, endpoint_id)
        assert endpoint is not None
        return endpoint


async def _audit(store: Store, action: str) -> list[AuditEvent]:
    async with store.session() as session:
        return list(
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def _statuses(*statuses: int) -> Any:
    """A responder answering with these statuses in turn, then 200."""
    remaining = list(statuses)

    def respond(_: Received) -> tuple[int, bytes]:
        return (remaining.pop(0) if remaining else 200), b"noted"

    return respond


async def test_delivers_signed_and_records_the_attempt(store: Store, receiver: Receiver) -> None:
    endpoint_id, secret = await store.endpoint(receiver.url)
    receiver.secrets = [secret]
    [event_id] = await _queue(store, indicator="K1.01")

    assert await deliver_due(store.sessionmaker, settings=store.settings) == 1

    [got] = receiver.received
    assert got.verified and got.status == 200
    body = got.json
    assert body["type"] == "submission.submitted"
    assert body["data"] == {"period": "2024-Q1", "region": "64.72", "indicator": "K1.01", "seq": 0}
    assert datetime.fromisoformat(body["timestamp"]) <= utcnow()
    [delivery] = await _deliveries(store, endpoint_id)
    assert (delivery.event_id, delivery.msg_id) == (event_id, got.msg_id)
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (
        WebhookDeliveryState.DELIVERED,
        1,
        200,
    )
    async with store.session() as session:
        [attempt] = (await session.scalars(select(WebhookAttempt))).all()
    assert (attempt.status_code, attempt.response_excerpt, attempt.error) == (200, "ok", None)
    assert attempt.duration_ms >= 0
    endpoint = await _endpoint(store, endpoint_id)
    assert endpoint.last_success_at is not None
    assert (endpoint.claimed_until, endpoint.claim_token) == (None, None)  # released
    # Nothing left to do.
    assert await deliver_due(store.sessionmaker, settings=store.settings) == 0


async def test_retries_on_schedule_with_the_same_webhook_id(
    store: Store, receiver: Receiver
) -> None:
    endpoint_id, secret = await store.endpoint(receiver.url)
    receiver.secrets = [secret]
    receiver.respond = _statuses(500, 503)
    await _queue(store)
    start = utcnow()

    run = {"session_factory": store.sessionmaker, "settings": store.settings, "rand": MID}
    assert await deliver_due(**run, now=start) == 1
    [delivery] = await _deliveries(store, endpoint_id)
    assert delivery.state == WebhookDeliveryState.PENDING
    assert delivery.next_attempt_at == start + timedelta(seconds=5)  # the first delay
    # Not before it is due.
    assert await deliver_due(**run, now=start + timedelta(seconds=4)) == 0
    assert await deliver_due(**run, now=start + timedelta(seconds=5)) == 1
    [delivery] = await _deliveries(store, endpoint_id)
    assert delivery.next_attempt_at == start + timedelta(seconds=5 + 30)
    assert await deliver_due(**run, now=start + timedelta(seconds=35)) == 1

    assert [r.status for r in receiver.received] == [500, 503, 200]
    assert len(set(receiver.ids(None))) == 1  # one webhook-id on every attempt
    assert all(r.verified for r in receiver.received)  # each freshly signed
    [delivery] = await _deliveries(store, endpoint_id)
    assert (delivery.state, delivery.attempts) == (WebhookDeliveryState.DELIVERED, 3)


async def test_410_disables_the_endpoint_and_keeps_its_queue(
    store: Store, receiver: Receiver
) -> None:
    endpoint_id, _ = await store.endpoint(receiver.url)
    receiver.respond = _statuses(410)
    await _queue(store, 2)
    assert await deliver_due(store.sessionmaker, settings=store.settings) == 1

    endpoint = await _endpoint(store, endpoint_id)
    assert (endpoint.state, endpoint.disabled_reason) == (WebhookState.DISABLED, "gone")
    [notice] = await _audit(store, "webhook.disable")
    assert notice.entity_id == str(endpoint_id) and notice.after is not None
    assert (notice.after["kind"], notice.after["status_code"]) == ("gone", 410)
    # Nothing more is sent, however late; nothing queued is lost.
    later = utcnow() + timedelta(days=2)
    assert await deliver_due(store.sessionmaker, settings=store.settings, now=later) == 0
    assert [d.state for d in await _deliveries(store, endpoint_id)] == [
        WebhookDeliveryState.PENDING
    ] * 2
    assert receiver.requests == 1


async def test_a_delivery_fails_after_its_schedule_and_the_next_goes_on(
    store: Store, receiver: Receiver
) -> None:
    endpoint_id, _ = await store.endpoint(receiver.url)
    receiver.respond = _statuses(500, 500, 500, 500)  # four attempts: 5, 30, 120 s apart
    await _queue(store, 2)
    run = {"session_factory": store.sessionmaker, "settings": store.settings, "rand": MID}
    moment = utcnow()
    for wait in (0, 5, 30, 120):
        moment += timedelta(seconds=wait)
        assert await deliver_due(**run, now=moment) >= 1

    first, second = await _deliveries(store, endpoint_id)
    assert (first.state, first.attempts) == (WebhookDeliveryState.FAILED, 4)
    [notice] = await _audit(store, "webhook.delivery_failed")
    assert notice.after is not None and notice.after["msg_id"] == first.msg_id
    assert notice.outcome == "failure" and notice.actor_label == SYSTEM.label
    # The failed one holds nothing back: the next was sent in the same pass.
    assert second.state == WebhookDeliveryState.DELIVERED
    assert receiver.ids() == [second.msg_id]
    assert (await _endpoint(store, endpoint_id)).state == WebhookState.ACTIVE


async def test_failing_for_too_long_disables_the_endpoint(store: Store, receiver: Receiver) -> None:
    store.settings = hook_settings(
        "sqlite://",
        webhook_retry_delays="1800,1800,1800,1800",
        webhook_disable_after_hours=1,
        webhook_disable_after_failures=3,
    )
    endpoint_id, _ = await store.endpoint(receiver.url)
    receiver.respond = lambda _: (502, b"")
    await _queue(store)
    run = {"session_factory": store.sessionmaker, "settings": store.settings, "rand": MID}
    start = utcnow()
    assert await deliver_due(**run, now=start) == 1
    assert await deliver_due(**run, now=start + timedelta(minutes=30)) == 1
    assert (await _endpoint(store, endpoint_id)).state == WebhookState.ACTIVE
    assert await deliver_due(**run, now=start + timedelta(minutes=60)) == 1

    endpoint = await _endpoint(store, endpoint_id)
    assert (endpoint.state, endpoint.disabled_reason) == (WebhookState.DISABLED, "failing")
    assert endpoint.consecutive_failures == 3
    [notice] = await _audit(store, "webhook.disable")
    assert notice.after is not None and notice.after["kind"] == "failing"


async def test_receiver_down_for_minutes_then_back_all_in_order(
    store: Store, receiver: Receiver
) -> None:
    """Fault: the receiver is down while events keep coming. Only the head of each
    endpoint's queue is tried; once the receiver is back, everything arrives, once,
    in the order of the events."""
    first_id, secret = await store.endpoint(receiver.url)
    second_id, second_secret = await store.endpoint(receiver.url)
    receiver.secrets = [secret, second_secret]
    url, port = receiver.url, receiver.port
    await receiver.stop()

    run = {"session_factory": store.sessionmaker, "settings": store.settings, "rand": MID}
    moment = utcnow()
    await _queue(store, 3)
    for _minute in range(5):  # five minutes of outage, more events every minute
        assert await deliver_due(**run, now=moment) <= 2
        await _queue(store, 1)
        moment += timedelta(minutes=1)
    for endpoint_id in (first_id, second_id):
        queue = await _deliveries(store, endpoint_id)
        assert len(queue) == 8
        assert all(d.state == WebhookDeliveryState.PENDING for d in queue)
        assert [d.attempts for d in queue[1:]] == [0] * 7  # the rest waited its turn
        assert queue[0].attempts >= 3

    back = await Receiver([secret, second_secret], port=port).start()
    try:
        assert back.url == url
        moment += timedelta(hours=1)
        assert await deliver_due(**run, now=moment) == 16
        for endpoint_id in (first_id, second_id):
            queue = await _deliveries(store, endpoint_id)
            assert all(d.state == WebhookDeliveryState.DELIVERED for d in queue)
            sent = [r for r in back.received if r.msg_id in {d.msg_id for d in queue}]
            assert [r.msg_id for r in sent] == [d.msg_id for d in queue]  # in order, once
            assert [r.json["data"]["seq"] for r in sent] == [0, 1, 2, 0, 0, 0, 0, 0]
            assert [d.event_id for d in queue] == sorted(d.event_id or 0 for d in queue)
        assert all(r.verified for r in back.received)
    finally:
        await back.stop()


async def test_paused_endpoints_wait_and_resume_in_order(store: Store, receiver: Receiver) -> None:
    endpoint_id, _ = await store.endpoint(receiver.url)
    await _queue(store, 2)
    async with store.session() as session:
        endpoint = await session.get(WebhookEndpoint, endpoint_id)
        assert endpoint is not None
        endpoint.state = WebhookState.PAUSED
    assert await deliver_due(store.sessionmaker, settings=store.settings) == 0
    async with store.session() as session:
        endpoint = await session.get(WebhookEndpoint, endpoint_id)
        assert endpoint is not None
        endpoint.state = WebhookState.ACTIVE
    assert await deliver_due(store.sessionmaker, settings=store.settings) == 2
    assert receiver.ids() == [d.msg_id for d in await _deliveries(store, endpoint_id)]


async def test_limit_bounds_the_attempts_of_one_call(store: Store, receiver: Receiver) -> None:
    endpoint_id, _ = await store.endpoint(receiver.url)
    await _queue(store, 5)
    assert await deliver_due(store.sessionmaker, settings=store.settings, limit=2) == 2
    assert await deliver_due(store.sessionmaker, settings=store.settings, limit=10) == 3
    assert receiver.ids() == [d.msg_id for d in await _deliveries(store, endpoint_id)]


async def test_during_rotation_both_secrets_verify(store: Store, receiver: Receiver) -> None:
    old_nonce, new_nonce = signing.new_nonce(), signing.new_nonce()
    key = store.settings.secret_key
    old, new = signing.derive_secret(key, old_nonce), signing.derive_secret(key, new_nonce)
    endpoint_id, _ = await store.endpoint(
        receiver.url,
        secret_nonce=new_nonce,
        previous_secret_nonce=old_nonce,
        previous_secret_until=utcnow() + timedelta(hours=1),
    )
    receiver.secrets = [old, new]
    await _queue(store)
    assert await deliver_due(store.sessionmaker, settings=store.settings) == 1
    assert receiver.received[-1].verified_by == [0, 1]  # a receiver with either accepts it
    assert len(receiver.received[-1].signature.split(" ")) == 2

    # After the grace period only the new secret signs.
    async with store.session() as session:
        endpoint = await session.get(WebhookEndpoint, endpoint_id)
        assert endpoint is not None
        endpoint.previous_secret_until = utcnow() - timedelta(seconds=1)
    await _queue(store)
    assert await deliver_due(store.sessionmaker, settings=store.settings) == 1
    assert receiver.received[-1].verified_by == [1]


async def test_a_test_ping_goes_the_same_way(store: Store, receiver: Receiver) -> None:
    endpoint_id, secret = await store.endpoint(receiver.url, events=["report.accepted"])
    receiver.secrets = [secret]
    admin = Principal("user", 1, "admin", frozenset(Capability), None)
    async with store.session() as session:
        queued = await log.send_test(session, endpoint_id, principal=admin, actor=SYSTEM)
    assert await deliver_due(store.sessionmaker, settings=store.settings) == 1
    [got] = receiver.received
    assert got.verified and got.msg_id == queued.webhook_id
    assert json.loads(got.body)["type"] == "ping"


async def _delivered_count(store: Store, endpoint_id: int) -> int:
    return sum(
        d.state == WebhookDeliveryState.DELIVERED for d in await _deliveries(store, endpoint_id)
    )


async def test_successes_are_recorded_in_batches_unless_the_lease_is_short(
    store: Store, receiver: Receiver
) -> None:
    """What the database says when each delivery arrives: nothing yet while a batch
    fills; with a lease too short to outlast another attempt, everything before it."""
    endpoint_id, _ = await store.endpoint(receiver.url)
    seen: list[int] = []

    async def count_recorded(_: Received) -> tuple[int, bytes]:
        seen.append(await _delivered_count(store, endpoint_id))
        return 200, b"ok"

    receiver.respond = count_recorded
    await _queue(store, 4)
    assert await deliver_due(store.sessionmaker, settings=store.settings) == 4
    assert seen == [0, 0, 0, 0]
    assert await _delivered_count(store, endpoint_id) == 4  # all recorded at the end

    short = hook_settings("sqlite://", webhook_lease_seconds=15, webhook_timeout_seconds=7.5)
    seen.clear()
    await _queue(store, 4)
    assert await deliver_due(store.sessionmaker, settings=short) == 4
    assert seen == [4, 5, 6, 7]


async def test_a_pause_stops_the_queue_within_a_batch(store: Store, receiver: Receiver) -> None:
    endpoint_id, _ = await store.endpoint(receiver.url)

    async def pause_at_second(received: Received) -> tuple[int, bytes]:
        if len(receiver.received) == 2:
            async with store.session() as session:
                endpoint = await session.get(WebhookEndpoint, endpoint_id)
                assert endpoint is not None
                endpoint.state = WebhookState.PAUSED
        return 200, b"ok"

    receiver.respond = pause_at_second
    await _queue(store, 60)
    sent = await deliver_due(store.sessionmaker, settings=store.settings)
    assert 2 <= sent < 60
    queue = await _deliveries(store, endpoint_id)
    # Everything sent is recorded as delivered, in order; the rest waits, untried.
    assert [d.state for d in queue[:sent]] == [WebhookDeliveryState.DELIVERED] * sent
    assert all(d.state == WebhookDeliveryState.PENDING and d.attempts == 0 for d in queue[sent:])
    assert receiver.ids() == [d.msg_id for d in queue[:sent]]
