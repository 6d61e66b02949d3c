"""The worker: claims due outbox events, fans them out through every channel, then lets
each channel attempt its own due deliveries.

`siaga worker` runs it on its own; `siaga serve` runs it inside the server process
unless SIAGA_WORKER=external (siaga.main). Any number may run side by side: a claim
takes events under a lease (siaga.events.repository), so no two workers hold one event
at once, and a worker that dies lets its lease run out for another to retake.

One pass (`run_once`): claim a batch (one short transaction, committed, so the lease is
visible to the other workers), then write every channel's deliveries and mark the events
processed in one more transaction: either all of it is stored or none. A batch that
fails is retried one event at a time, so one bad event cannot hold up the others; that
one is retried with a growing back-off and given up after `max_attempts` claims.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from siaga.core.database import session_scope
from siaga.core.errors import is_database_unavailable
from siaga.core.settings import Settings
from siaga.core.types import utcnow
from siaga.events import repository
from siaga.events.channels import Channel, ClaimedEvent
from siaga.events.inbox import InboxChannel

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# The first retry of a failed event waits this long, each further one twice as long as
# the one before, up to the cap.
RETRY_BASE = timedelta(seconds=10)
RETRY_CAP = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    batch_size: int = 200
    lease: timedelta = timedelta(seconds=120)
    poll_seconds: float = 2.0
    max_attempts: int = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkerConfig:
        return cls(
            batch_size=settings.worker_batch_size,
            lease=timedelta(seconds=settings.worker_lease_seconds),
            poll_seconds=settings.worker_poll_seconds,
            max_attempts=settings.worker_max_attempts,
        )


def default_channels() -> list[Channel]:
    """The channel of a worker given none: the inbox, which events owns. The deployment's
    list (e-mail, webhooks, the reminders' schedule) is siaga.channels', above the
    packages that build on events."""
    return [InboxChannel()]


def retry_delay(attempts: int) -> timedelta:
    """The back-off before retrying an event whose fan-out failed `attempts` times."""
    doublings: int = min(max(attempts - 1, 0), 20)
    return min(RETRY_BASE * (1 << doublings), RETRY_CAP)


class Worker:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        channels: Sequence[Channel] | None = None,
        config: WorkerConfig | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.channels = list(default_channels() if channels is None else channels)
        self.config = config or WorkerConfig()
        self.clock = clock
        self._stopping = asyncio.Event()

    async def claim(self) -> list[ClaimedEvent]:
        """Take a batch of due events under a lease, committed before it returns."""
        now = self.clock()
        async with session_scope(self.sessionmaker) as session:
            if not await repository.has_due(session, now):
                return []
        async with session_scope(self.sessionmaker) as session:
            return await repository.claim(
                session, now, now + self.config.lease, self.config.batch_size
            )

    async def process(self, events: Sequence[ClaimedEvent]) -> int:
        """Fan the claimed events out; returns how many were processed."""
        if not events:
            return 0
        try:
            async with session_scope(self.sessionmaker) as session:
                await self._fan_out(session, events)
            return len(events)
        except Exception as exc:
            # The database away is no fault of these events: counting it against them
            # would give events up after a few outages. run() tries the pass again, and
            # the lease hands the events to the next pass that gets through.
            if is_database_unavailable(exc):
                raise
            if len(events) == 1:
                await self._failed(events[0], exc)
                return 0
            logger.warning("outbox batch failed, retrying its events one by one", exc_info=True)
        return await self._one_by_one(events)

    async def _one_by_one(self, events: Sequence[ClaimedEvent]) -> int:
        done = 0
        for event in events:
            try:
                async with session_scope(self.sessionmaker) as session:
                    await self._fan_out(session, [event])
                done += 1
            except Exception as exc:
                if is_database_unavailable(exc):
                    raise
                await self._failed(event, exc)
        return done

    async def _fan_out(self, session: AsyncSession, events: Sequence[ClaimedEvent]) -> None:
        for channel in self.channels:
            await channel.fan_out(session, events)
        await repository.mark_processed(session, [e.id for e in events], self.clock())

    async def _failed(self, event: ClaimedEvent, exc: Exception) -> None:
        now = self.clock()
        give_up = event.attempts >= self.config.max_attempts
        logger.error(
            "outbox event %s (%s) failed on attempt %s%s",
            event.id,
            event.type,
            event.attempts,
            ": given up" if give_up else "",
            exc_info=exc,
        )
        async with session_scope(self.sessionmaker) as session:
            await repository.mark_failed(
                session,
                event.id,
                f"{type(exc).__name__}: {exc}",
                retry_at=None if give_up else now + retry_delay(event.attempts),
                now=now,
            )

    async def run_once(self) -> int:
        """One pass: a batch of events fanned out, then every channel's due deliveries.
        Returns how many events were processed."""
        processed = await self.process(await self.claim())
        for channel in self.channels:
            await channel.deliver_due(self.sessionmaker, self.clock())
        return processed

    async def drain(self) -> int:
        """Pass after pass until nothing is due; returns how many events were processed."""
        total = 0
        while processed := await self.run_once():
            total += processed
        return total

    async def run(self) -> None:
        """Pass after pass until `stop()`: at once while batches come full, else after the
        poll interval. A pass that fails (the database is away) is logged and retried."""
        logger.info("outbox worker started")
        while not self._stopping.is_set():
            try:
                processed = await self.run_once()
            except Exception:
                logger.warning("outbox worker pass failed; retrying", exc_info=True)
                processed = 0
            if processed < self.config.batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.config.poll_seconds)
        logger.info("outbox worker stopped")

    def stop(self) -> None:
        """Finish the pass under way, then return from `run` (SIGTERM, shutdown)."""
        self._stopping.set()
