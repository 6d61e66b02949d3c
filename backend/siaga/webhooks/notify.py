"""What the endpoint's administrators are told when its deliveries fail.

`on_endpoint_failed` is called by the worker, in the transaction that records the
failing attempt, when a delivery has failed for good or the endpoint was disabled. It
writes an audit row and, through the outbox, one `webhook.failed` event per active
administrator whose scope covers the endpoint's region (national ones always): the
worker then puts it in their inbox and, if they want it, mails it. Emitted in that same
transaction, so the notice exists exactly when the failure is recorded. The event is
internal (a ReminderType): never sent to webhooks, so a failing endpoint cannot feed
its own failures.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import SYSTEM, record
from siaga.core.types import utcnow
from siaga.events import outbox
from siaga.events.catalogue import ReminderType, WebhookFailedData
from siaga.webhooks import repository

# delivery_failed: every attempt of one delivery failed; gone: the receiver answered
# 410 and the endpoint is disabled; failing: the endpoint failed too long and is disabled.
FailureKind = Literal["delivery_failed", "gone", "failing"]


@dataclass(frozen=True, slots=True)
class EndpointFailure:
    kind: FailureKind
    endpoint_id: int
    region_code: str | None  # the endpoint's scope: whose administrators hear of it
    url: str
    delivery_id: int
    msg_id: str
    event_type: str
    attempts: int
    status_code: int | None
    error: str | None


async def on_endpoint_failed(session: AsyncSession, failure: EndpointFailure) -> None:
    action = "webhook.delivery_failed" if failure.kind == "delivery_failed" else "webhook.disable"
    record(
        session,
        SYSTEM,
        action,
        entity_type="webhook",
        entity_id=str(failure.endpoint_id),
        region_code=failure.region_code,
        after={k: v for k, v in asdict(failure).items() if k not in ("region_code",)},
        outcome="failure",
    )
    now = utcnow()
    for admin_id in await repository.admins_over(session, failure.region_code):
        outbox.emit(
            session,
            ReminderType.WEBHOOK_FAILED,
            WebhookFailedData(
                recipient=admin_id,
                occurred_at=now,
                endpoint=failure.endpoint_id,
                url=failure.url,
                kind=failure.kind,
                event_type=failure.event_type,
                attempts=failure.attempts,
                status_code=failure.status_code,
                error=failure.error,
            ),
            region=failure.region_code,
            actor=SYSTEM,
        )
