"""What an attempt leaves behind: the attempt in the log, the delivery's new state, the
endpoint's failure streak and lease, and the administrators told of a failure.

Successes are recorded in batches (one transaction for several deliveries, with Core
statements), failures one at a time: a failure stops the endpoint's queue, needs the
delivery's schedule, and may disable the endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.settings import Settings
from siaga.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryState,
    WebhookEndpoint,
    WebhookState,
)
from siaga.webhooks import repository, rules
from siaga.webhooks.notify import EndpointFailure, FailureKind, on_endpoint_failed
from siaga.webhooks.repository import QueueHead
from siaga.webhooks.sender import AttemptResult


@dataclass(frozen=True, slots=True)
class Sent:
    """An attempt made, not yet recorded."""

    delivery_id: int
    result: AttemptResult
    at: datetime


def _attempt_row(sent: Sent) -> dict[str, object]:
    return {
        "delivery_id": sent.delivery_id,
        "attempted_at": sent.at,
        "status_code": sent.result.status_code,
        "duration_ms": sent.result.duration_ms,
        "response_excerpt": sent.result.excerpt,
        "error": sent.result.error,
    }


# Core, for one executemany UPDATE over a batch: each row has its own time and status.
_deliveries: Table = WebhookDelivery.__table__  # type: ignore[assignment]
_MARK_DELIVERED = (
    update(_deliveries)
    .where(_deliveries.c.id == bindparam("_id"))
    .values(
        state=WebhookDeliveryState.DELIVERED,
        delivered_at=bindparam("_at"),
        last_status_code=bindparam("_status"),
        last_error=None,
        schedule_step=0,
        attempts=_deliveries.c.attempts + 1,
    )
)


async def record_delivered(
    session: AsyncSession, endpoint_id: int, token: str, sent: Sequence[Sent], lease: timedelta
) -> bool:
    """Record delivered attempts and renew the lease; whether the endpoint is still ours
    and active (the attempts are recorded either way: they happened)."""
    last = max(s.at for s in sent)
    await session.execute(insert(WebhookAttempt), [_attempt_row(s) for s in sent])
    await session.execute(
        _MARK_DELIVERED,
        [{"_id": s.delivery_id, "_at": s.at, "_status": s.result.status_code} for s in sent],
    )
    renewed = await session.execute(
        update(WebhookEndpoint)
        .where(
            WebhookEndpoint.id == endpoint_id,
            WebhookEndpoint.claim_token == token,
            WebhookEndpoint.state == WebhookState.ACTIVE,
        )
        .values(
            claimed_until=last + lease,
            consecutive_failures=0,
            failing_since=None,
            last_success_at=last,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(renewed, "rowcount", 0))


async def record_failure(
    session: AsyncSession,
    settings: Settings,
    *,
    endpoint_id: int,
    token: str,
    head: QueueHead,
    sent: Sent,
    rand: Callable[[], float],
) -> bool:
    """Record a failed attempt: the next try on the schedule, or the delivery failed for
    good; the endpoint's streak, perhaps its end (410, or failing too long). Whether the
    queue moves on: the delivery failed for good and the endpoint is still ours."""
    now = sent.at
    endpoint, delivery = await repository.lock_for_record(session, endpoint_id, sent.delivery_id)
    if endpoint is None or delivery is None:
        return False  # deleted meanwhile, with its log
    session.add(WebhookAttempt(**_attempt_row(sent)))
    ours = endpoint.claim_token == token
    if ours:
        endpoint.claimed_until = now + timedelta(seconds=settings.webhook_lease_seconds)
    delivery.attempts += 1
    delivery.last_status_code = sent.result.status_code
    delivery.last_error = sent.result.error
    exhausted = not _schedule_retry(delivery, settings.webhook_retry_schedule, rand, now)
    endpoint.consecutive_failures += 1
    if endpoint.failing_since is None:
        endpoint.failing_since = now
    kinds: list[FailureKind] = ["delivery_failed"] if exhausted else []
    if rules.outcome(sent.result.status_code) is rules.Outcome.GONE:
        kinds.append("gone")
    elif rules.should_disable(
        endpoint.failing_since,
        endpoint.consecutive_failures,
        now,
        after=timedelta(hours=settings.webhook_disable_after_hours),
        min_failures=settings.webhook_disable_after_failures,
    ):
        kinds.append("failing")
    ending = kinds[-1] if kinds and kinds[-1] != "delivery_failed" else None
    if ending is not None and endpoint.state != WebhookState.DISABLED:
        endpoint.state = WebhookState.DISABLED
        endpoint.disabled_reason = ending
        endpoint.disabled_at = now
    for kind in kinds:
        await _notify(session, kind, endpoint_id, head, delivery)
    return exhausted and ours and endpoint.state == WebhookState.ACTIVE


def _schedule_retry(
    delivery: WebhookDelivery, delays: Sequence[int], rand: Callable[[], float], now: datetime
) -> bool:
    """Schedule the next attempt; False when the schedule is exhausted (failed)."""
    delivery.schedule_step += 1
    delay = rules.retry_delay(delivery.schedule_step, delays, rand)
    if delay is None:
        delivery.state = WebhookDeliveryState.FAILED
        delivery.failed_at = now
        return False
    delivery.next_attempt_at = now + delay
    return True


async def _notify(
    session: AsyncSession,
    kind: FailureKind,
    endpoint_id: int,
    head: QueueHead,
    delivery: WebhookDelivery,
) -> None:
    await on_endpoint_failed(
        session,
        EndpointFailure(
            kind=kind,
            endpoint_id=endpoint_id,
            region_code=head.region_code,
            url=head.url,
            delivery_id=delivery.id,
            msg_id=delivery.msg_id,
            event_type=delivery.type,
            attempts=delivery.attempts,
            status_code=delivery.last_status_code,
            error=delivery.last_error,
        ),
    )
