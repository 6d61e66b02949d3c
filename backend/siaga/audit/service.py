from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict, Unpack

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.actions import checked
from siaga.core.database import keep_after_rollback
from siaga.core.jsontypes import JsonObject, JsonValue
from siaga.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who acts, from where: attached to every audit event a request writes."""

    label: str
    user_id: int | None = None
    api_key_id: int | None = None
    client_addr: str | None = None
    request_id: str | None = None
    # When the request arrived (core.middleware); not recorded, used to recognise races.
    received_at: datetime | None = None


SYSTEM = Actor(label="system")


class Subject(TypedDict, total=False):
    """What an event is about; the snapshots are JSON documents shaped by the entity."""

    entity_type: str | None
    entity_id: str | None
    region_code: str | None
    before: JsonObject | None


class EventFields(Subject, total=False):
    # Apart from Subject because record_refusal sets these two itself: the outcome of a
    # refusal, and a count added to `after` of the refusals it left out.
    after: JsonObject | None
    outcome: str


def record(
    session: AsyncSession, actor: Actor, action: str, **fields: Unpack[EventFields]
) -> AuditEvent:
    """Add an audit event to the current transaction, so it commits with the change."""
    event = _event(actor, action, **fields)
    session.add(event)
    return event


def _event(
    actor: Actor,
    action: str,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    region_code: str | None = None,
    before: JsonObject | None = None,
    after: JsonObject | None = None,
    outcome: str = "success",
) -> AuditEvent:
    return AuditEvent(
        action=checked(action),
        actor_label=actor.label,
        actor_user_id=actor.user_id,
        actor_api_key_id=actor.api_key_id,
        client_addr=actor.client_addr,
        request_id=actor.request_id,
        entity_type=entity_type,
        entity_id=entity_id,
        region_code=region_code,
        before=None if before is None else dict(before),
        after=None if after is None else dict(after),
        outcome=outcome,
    )


class RefusalThrottle:
    """How many refusals per client address are audited: a token bucket per address.

    A flood of refused requests must not become a flood of audit rows (nor of writes):
    past the budget, refusals are only counted, and the next one recorded says how many
    were left out. Kept in process memory on purpose: it bounds the writes of this
    process, and the records it lets through are in the shared database.
    """

    def __init__(self, per_minute: int, *, max_sources: int = 10_000) -> None:
        self.capacity = float(per_minute)
        self._rate = per_minute / 60.0
        self._max_sources = max_sources
        # address -> (tokens, last refill, refusals left out since the last record)
        self._buckets: dict[str, tuple[float, float, int]] = {}

    def admit(self, source: str, now: float | None = None) -> int | None:
        """None if this refusal is only counted; else how many were left out before it."""
        now = time.monotonic() if now is None else now
        tokens, last, skipped = self._buckets.get(source, (self.capacity, now, 0))
        tokens = min(self.capacity, tokens + (now - last) * self._rate)
        if tokens < 1:
            self._buckets[source] = (tokens, now, skipped + 1)
            return None
        if source not in self._buckets and len(self._buckets) >= self._max_sources:
            self._forget_full_buckets(now)
        self._buckets[source] = (tokens - 1, now, 0)
        return skipped

    def _forget_full_buckets(self, now: float) -> None:
        # A bucket refilled to capacity with nothing left out says nothing: drop it.
        for source, (tokens, last, skipped) in list(self._buckets.items()):
            if not skipped and tokens + (now - last) * self._rate >= self.capacity:
                del self._buckets[source]
        while len(self._buckets) >= self._max_sources:
            del self._buckets[next(iter(self._buckets))]


def record_refusal(
    session: AsyncSession,
    throttle: RefusalThrottle,
    actor: Actor,
    action: str,
    *,
    outcome: str = "denied",
    after: JsonObject | None = None,
    **fields: Unpack[Subject],
) -> None:
    """Audit a refused request, written even though the request's work is rolled back.

    The row is kept on the request's own session (core.database.keep_after_rollback),
    never through a second connection, and only within the throttle's budget.
    """
    skipped = throttle.admit(actor.client_addr or "unknown")
    if skipped is None:
        return
    if skipped:
        after = {**(after or {}), "refusals_not_recorded_before": skipped}
    keep_after_rollback(session, _event(actor, action, outcome=outcome, after=after, **fields))


def changes(
    before: JsonObject, after: JsonObject
) -> tuple[dict[str, JsonValue], dict[str, JsonValue]]:
    """Only the fields that differ, for compact before/after pairs."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
