"""The transactional outbox: `emit` writes an event row in the caller's transaction, so an
event exists exactly when the change that caused it commits (architecture rule 13).

Why a table of our own rather than procrastinate or pgqueuer: both are PostgreSQL-only
(LISTEN/NOTIFY, advisory locks, PL/pgSQL), and Siaga also runs on one SQLite file (`make
run`, small installations). What they would give us is one claim statement and a loop;
the claim here is the same idea with a lease (siaga.events.repository): `UPDATE ...
WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED LIMIT n) RETURNING` on PostgreSQL, where
any number of workers share the queue, and the same statement on SQLite, where SQLite's
single writer makes it the single claimer. Delivery is at least once; the channels'
unique constraints make a repeated fan-out harmless.

Who emits: the one writer of each kind of record (submissions.records for answers, the
answers import's chunk writer, reporting.records for reports, periods.service), so that
every path that changes the state emits, as every path that changes it audits.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor
from siaga.events.catalogue import DATA_OF, AnyEventType, EventData
from siaga.models import OutboxEvent

ACTOR_LABEL_MAX_LENGTH = 120


def emit(
    session: AsyncSession,
    event_type: AnyEventType,
    data: EventData,
    *,
    region: str | None,
    actor: Actor,
) -> OutboxEvent:
    """Add the event to the current transaction; it commits (or rolls back) with it."""
    expected = DATA_OF[event_type]
    if type(data) is not expected:
        # A programming error, caught by the first test that takes the path.
        raise TypeError(f"{event_type} carries {expected.__name__}, not {type(data).__name__}")
    event = OutboxEvent(
        type=event_type.value,
        occurred_at=data.occurred_at,
        region_code=region,
        actor_user_id=actor.user_id,
        actor_label=actor.label[:ACTOR_LABEL_MAX_LENGTH],
        data=data.model_dump(mode="json"),
        attempts=0,
    )
    session.add(event)
    return event
