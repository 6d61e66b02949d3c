"""The worker's side of webhooks: queue deliveries for an event, send what is due.

`deliver_due` claims endpoints, not single deliveries: a worker holds an endpoint's
queue under a lease (`claimed_until`) and sends its due deliveries one at a time, oldest
first, so order per endpoint needs no more than the claim, and no delivery is ever sent
by two workers at once. A worker killed while sending leaves the delivery pending; once
the lease has run out another worker claims the endpoint and sends it again, with the
same `webhook-id` (delivery is at least once).

Successes are recorded in batches (outcomes.record_delivered), each renewing the lease,
and always before the queue is read again; a lease is renewed before it could run out
during the next attempt. A failure is recorded at once and stops the queue.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from siaga.core.settings import Settings, get_settings
from siaga.core.types import utcnow
from siaga.models import WebhookDelivery, WebhookDeliveryState
from siaga.webhooks import outcomes, repository, rules, signing
from siaga.webhooks.events import EventEnvelope
from siaga.webhooks.outcomes import Sent
from siaga.webhooks.repository import QueueHead
from siaga.webhooks.sender import Sender
from siaga.webhooks.ssrf import Resolver

# Deliveries of one endpoint read per query while its queue drains.
_QUEUE_BATCH = 50
# Delivered attempts recorded per transaction at most.
_RECORD_BATCH = 25
# Endpoints sent to at the same time by one call; each is sent to one delivery at a time.
_PARALLEL_ENDPOINTS = 8
_random = secrets.SystemRandom()


async def fan_out(session: AsyncSession, event: EventEnvelope) -> int:
    """Queue `event` for every active endpoint subscribed to it in whose scope it lies,
    in the caller's transaction; returns how many deliveries were new (a second call
    for the same event adds none)."""
    return await fan_out_many(session, [event])


async def fan_out_many(session: AsyncSession, events: Sequence[EventEnvelope]) -> int:
    """`fan_out` for a batch of events, reading the active endpoints once (the outbox
    worker's batches are up to a few hundred events)."""
    if not events:
        return 0
    subscribers = await repository.active_subscribers(session)
    if not subscribers:
        return 0
    now = utcnow()
    rows = [
        {
            "endpoint_id": s.id,
            "event_id": event.id,
            "msg_id": signing.message_id(),
            "type": event.type,
            "occurred_at": event.occurred_at,
            "data": event.data,
            "state": WebhookDeliveryState.PENDING,
            "attempts": 0,
            "schedule_step": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for event in events
        for s in subscribers
        if rules.receives(s.events, s.region_code, event.type, event.region_code)
    ]
    return await repository.insert_deliveries(session, rows)


@dataclass
class _Budget:
    left: int

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


@dataclass(frozen=True)
class _Run:
    sessionmaker: async_sessionmaker[AsyncSession]
    settings: Settings
    sender: Sender
    token: str
    clock: Callable[[], datetime]
    rand: Callable[[], float]
    budget: _Budget

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.settings.webhook_lease_seconds)


async def deliver_due(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    now: datetime | None = None,
    limit: int = 100,
    settings: Settings | None = None,
    resolver: Resolver | None = None,
    sender: Sender | None = None,
    rand: Callable[[], float] | None = None,
) -> int:
    """Send the deliveries that are due (at most `limit` attempts); returns how many
    attempts were made. `now` fixes the clock of schedules and leases (tests); the
    signature's timestamp is always the real time of sending."""
    settings = settings or get_settings()
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    token = str(uuid.uuid4())
    async with session_factory() as session, session.begin():
        claimed = await repository.claim_endpoints(
            session,
            now=clock(),
            until=clock() + timedelta(seconds=settings.webhook_lease_seconds),
            token=token,
            limit=limit,
        )
    if not claimed:
        return 0
    own_sender = sender is None
    run = _Run(
        sessionmaker=session_factory,
        settings=settings,
        sender=sender or sender_for(settings, resolver),
        token=token,
        clock=clock,
        rand=rand or _random.random,
        budget=_Budget(limit),
    )
    gate = asyncio.Semaphore(_PARALLEL_ENDPOINTS)

    async def drain(endpoint_id: int) -> int:
        async with gate:
            return await _Queue(run, endpoint_id).drain()

    try:
        counts = await asyncio.gather(*(drain(endpoint_id) for endpoint_id in claimed))
    finally:
        try:
            async with session_factory() as session, session.begin():
                await repository.release_endpoints(session, claimed, token)
        finally:
            if own_sender:
                await run.sender.aclose()
    return sum(counts)


def sender_for(settings: Settings, resolver: Resolver | None = None) -> Sender:
    return Sender(
        production=settings.env == "production",
        allowed_hosts=settings.webhook_allowed_hosts,
        timeout_seconds=settings.webhook_timeout_seconds,
        resolver=resolver,
    )


@dataclass
class _Queue:
    """One claimed endpoint's queue, drained in order by one worker."""

    run: _Run
    endpoint_id: int
    attempted: int = 0
    delivered: list[Sent] = field(default_factory=list)  # sent, not yet recorded
    renewed: float = field(default_factory=time.monotonic)  # when the lease last grew

    async def drain(self) -> int:
        """Send due deliveries in order until one fails, none is due, the budget is spent
        or the endpoint is no longer ours (paused, deleted, lease lost)."""
        try:
            while True:
                async with self.run.sessionmaker() as session:
                    head, queue = await repository.load_queue(
                        session, self.endpoint_id, self.run.token, _QUEUE_BATCH
                    )
                if head is None or not queue or not await self._send_all(head, queue):
                    return self.attempted
                if len(queue) < _QUEUE_BATCH or not await self._flush():
                    return self.attempted
        finally:
            await self._flush()

    async def _send_all(self, head: QueueHead, queue: list[WebhookDelivery]) -> bool:
        """Send `queue` in order; whether the endpoint's queue may go on after it."""
        for delivery in queue:
            if delivery.next_attempt_at > self.run.clock() or not self.run.budget.take():
                return False
            if self._flush_due() and not await self._flush():
                return False
            result = await self.run.sender.send(head.url, *self._request(head, delivery))
            self.attempted += 1
            sent = Sent(delivery.id, result, self.run.clock())
            if rules.outcome(result.status_code) is rules.Outcome.DELIVERED:
                self.delivered.append(sent)
                continue
            # Record the successes before the failure, so that the log reads in order.
            ours = await self._flush()
            async with self.run.sessionmaker() as session, session.begin():
                moves_on = await outcomes.record_failure(
                    session,
                    self.run.settings,
                    endpoint_id=self.endpoint_id,
                    token=self.run.token,
                    head=head,
                    sent=sent,
                    rand=self.run.rand,
                )
            self.renewed = time.monotonic()
            if not (ours and moves_on):
                return False
        return True

    def _flush_due(self) -> bool:
        """Record before the next attempt: a full batch, or a lease that might not
        outlast the attempt (half the lease as margin for recording it afterwards)."""
        if not self.delivered:
            return False
        left = self.run.settings.webhook_lease_seconds / 2 - (time.monotonic() - self.renewed)
        return (
            len(self.delivered) >= _RECORD_BATCH
            or left <= self.run.settings.webhook_timeout_seconds
        )

    async def _flush(self) -> bool:
        """Record the delivered attempts; whether the endpoint is still ours."""
        if not self.delivered:
            return True
        batch, self.delivered = self.delivered, []
        async with self.run.sessionmaker() as session, session.begin():
            ours = await outcomes.record_delivered(
                session, self.endpoint_id, self.run.token, batch, self.run.lease
            )
        self.renewed = time.monotonic()
        return ours

    def _request(
        self, head: QueueHead, delivery: WebhookDelivery
    ) -> tuple[list[tuple[bytes, bytes]], bytes]:
        sent_at = utcnow()
        signers = signing.signing_secrets(
            self.run.settings.secret_key,
            head.secret_nonce,
            head.previous_secret_nonce,
            head.previous_secret_until,
            sent_at,
        )
        payload = signing.body(delivery.type, delivery.occurred_at, delivery.data)
        return signing.headers(delivery.msg_id, signers, payload, sent_at), payload
