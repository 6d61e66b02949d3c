"""The webhook channel: outbox events to the administrators' endpoints.

Here, in webhooks, and not in events: webhooks builds on the outbox (it is a channel,
and it tells a failing endpoint's administrators through `outbox.emit`), as mail/ and
reminders/ do, so events knows nothing of webhooks and the packages import one way.
The deployment's channel list (siaga.channels) puts it in the worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from siaga.core.settings import Settings
from siaga.events.channels import Channel, ClaimedEvent
from siaga.webhooks import delivery
from siaga.webhooks.events import EventEnvelope


class WebhookChannel(Channel):
    name = "webhook"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    async def fan_out(self, session: AsyncSession, events: Sequence[ClaimedEvent]) -> None:
        await delivery.fan_out_many(
            session,
            [
                EventEnvelope(
                    id=e.id,
                    type=e.type,
                    occurred_at=e.occurred_at,
                    region_code=e.region_code,
                    data=e.data,
                )
                for e in events
            ],
        )

    async def deliver_due(
        self, sessionmaker: async_sessionmaker[AsyncSession], now: datetime
    ) -> int:
        # The real clock, not the pass's `now`: a long drain renews leases and stamps
        # attempts as it goes, and a frozen time would let a lease run out under it.
        return await delivery.deliver_due(sessionmaker, settings=self.settings)
