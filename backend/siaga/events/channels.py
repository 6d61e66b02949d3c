"""What a channel is: one way events reach people or systems (the inbox; e-mail and
webhooks plug in the same way).

A channel works in two steps. `fan_out` runs in the worker's transaction for a batch of
claimed events and writes the channel's own delivery rows, one per event and recipient,
under a unique constraint on (event, recipient): an event fanned out again (its lease
ran out while a slow worker still held it) then adds nothing. `deliver_due` then
attempts the deliveries that are due, on the channel's own schedule and with its own
claim and attempt log (an e-mail or a webhook POST may fail and be retried; the inbox
delivers by writing its rows, so it has nothing left to attempt).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


@dataclass(frozen=True, slots=True)
class ClaimedEvent:
    """An outbox row a worker holds (its lease), as the channels read it."""

    id: int
    type: str
    occurred_at: datetime
    region_code: str | None
    actor_user_id: int | None
    actor_label: str
    data: dict[str, Any]
    attempts: int


class Channel(ABC):
    name: ClassVar[str]

    @abstractmethod
    async def fan_out(self, session: AsyncSession, events: Sequence[ClaimedEvent]) -> None:
        """Write this channel's deliveries of `events` in `session` (the worker commits
        them together with the events' processed mark); idempotent."""

    async def deliver_due(
        self, sessionmaker: async_sessionmaker[AsyncSession], now: datetime
    ) -> int:
        """Attempt the deliveries that are due at `now`, each channel in transactions of
        its own; returns how many were attempted."""
        return 0
