"""The database restarting under a running worker (issue 20): nothing lost, nothing doubled.

PostgreSQL only, on a scratch database of its own. The worker reaches it through the
TCP proxy of tests/hardening/test_database_outage.py: stopping the proxy cuts every
connection at once (one of them in the middle of a fan-out transaction) and refuses new
ones, as a server going down does; starting it again on the same port brings the
database back. The shared PostgreSQL server itself is never restarted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.database import create_engine, create_sessionmaker
from siaga.events.channels import ClaimedEvent
from siaga.events.inbox import InboxChannel
from siaga.events.worker import Worker, WorkerConfig
from siaga.models import Notification, OutboxEvent
from siaga.webhooks.channel import WebhookChannel
from tests.auth.support import Committed
from tests.events.test_concurrency import _queue, _world
from tests.fixtures.client import build_app
from tests.fixtures.db import postgres_url, prepare_postgres, scratch_postgres_url
from tests.hardening.test_database_outage import TcpProxy, _terminate_backends

EVENTS = 240
AWAY_SECONDS = 3.0
# Short enough that the batch cut mid-transaction is retaken within the test's patience.
LEASE = timedelta(seconds=2)

requires_postgres = pytest.mark.skipif(
    postgres_url() is None, reason="needs PostgreSQL (SIAGA_TEST_DATABASE_URL)"
)


class _HeldInbox(InboxChannel):
    """The inbox, which holds its `hold_at`-th fan-out (its rows written, the transaction
    still open) until the test has cut the database off, so the cut lands mid-batch."""

    def __init__(self, hold_at: int) -> None:
        super().__init__()
        self.hold_at = hold_at
        self.calls = 0
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def fan_out(self, session: AsyncSession, events: Sequence[ClaimedEvent]) -> None:
        await super().fan_out(session, events)
        self.calls += 1
        if self.calls == self.hold_at:
            self.holding.set()
            await self.release.wait()


@pytest.fixture(scope="module")
def restart_url() -> str:
    base = postgres_url()
    if base is None:
        pytest.skip("needs PostgreSQL (SIAGA_TEST_DATABASE_URL)")
    return str(prepare_postgres(scratch_postgres_url(base, "dbrestart")))


@pytest.fixture
async def direct(restart_url: str) -> AsyncIterator[Committed]:
    """The scratch database reached directly (never through the proxy), emptied."""
    app: FastAPI = build_app(restart_url)
    world = Committed(app)
    await world.empty()
    try:
        yield world
    finally:
        await world.empty()
        await app.state.engine.dispose()


async def _state(direct: Committed) -> tuple[int, int, int, set[int]]:
    """Events still pending, events processed, inbox items, and the set of inbox items
    per event (one number per distinct count)."""
    async with direct.session() as session:
        pending = await session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None))
        )
        processed = await session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.processed_at.is_not(None))
        )
        items = await session.scalar(select(func.count()).select_from(Notification))
        per_event = (
            await session.scalars(
                select(func.count(Notification.id))
                .select_from(OutboxEvent)
                .outerjoin(Notification, Notification.event_id == OutboxEvent.id)
                .group_by(OutboxEvent.id)
            )
        ).all()
    return int(pending or 0), int(processed or 0), int(items or 0), set(per_event)


async def _until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(600):  # a minute
        if await condition():
            return
        await asyncio.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@requires_postgres
@pytest.mark.parametrize("cut", ["away", "terminated"])
async def test_worker_survives_the_database_restarting_under_it(
    restart_url: str, direct: Committed, caplog: pytest.LogCaptureFixture, cut: str
) -> None:
    """`away`: every connection dropped and new ones refused for a while (the server
    down, then up again). `terminated`: every backend killed while the server stays up
    (a fast restart, a failover); the batch in flight is the one hit."""
    caplog.set_level(logging.WARNING, logger="siaga.events.worker")
    await _queue(direct, await _world(direct), EVENTS)

    target = make_url(restart_url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    await proxy.start()
    engine = create_engine(target.set(port=proxy.port).render_as_string(False))
    inbox = _HeldInbox(hold_at=3)
    config = WorkerConfig(batch_size=20, lease=LEASE, poll_seconds=0.2)
    worker = Worker(create_sessionmaker(engine), [inbox, WebhookChannel()], config)
    task = asyncio.create_task(worker.run())
    try:
        # Two batches stored, the third written but not committed: cut everything now.
        await asyncio.wait_for(inbox.holding.wait(), timeout=30)
        before = await _state(direct)
        assert before[:3] == (EVENTS - 40, 40, 80), before
        if cut == "away":
            await proxy.stop()
            inbox.release.set()
            # Away: the worker's passes fail (the batch in flight, then every connect)
            # and it keeps trying instead of exiting.
            await asyncio.sleep(AWAY_SECONDS)
            assert not task.done(), task
            assert await _state(direct) == before  # the cut transaction left nothing
            assert "outbox worker pass failed" in caplog.text
            # Back, on the same address: the very same worker carries on to the end.
            await proxy.start()
        else:
            assert await _terminate_backends(restart_url) >= 1
            inbox.release.set()

        async def all_processed() -> bool:
            return (await _state(direct))[0] == 0

        await _until(all_processed, "the worker to process every event")
        assert not task.done(), task
        # The cut hit a batch in flight: rolled back, its fan-out was done again.
        assert inbox.calls > EVENTS // config.batch_size, inbox.calls
    finally:
        worker.stop()
        await asyncio.wait_for(task, timeout=10)
        await proxy.stop()
        await engine.dispose()

    pending, processed, items, per_event = await _state(direct)
    # Every event processed, each in exactly its two inboxes (operator and coordinator).
    assert (pending, processed, items, per_event) == (0, EVENTS, 2 * EVENTS, {2})
    async with direct.session() as session:
        distinct = await session.scalar(
            select(func.count()).select_from(
                select(Notification.user_id, Notification.event_id).distinct().subquery()
            )
        )
        given_up = await session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.last_error.is_not(None))
        )
    assert distinct == 2 * EVENTS
    # The outage is not the events' fault: none is recorded as failed.
    assert given_up == 0
