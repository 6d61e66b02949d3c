"""Workers side by side on a database of their own (really committed): on PostgreSQL, 2
and 20 workers passing at once never claim nor fan out one event twice; and a backlog of
10,000 events is worked off completely (the time is printed: run with -s to see it)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.events.catalogue import EventType, SubmissionEventData
from siaga.events.channels import ClaimedEvent
from siaga.events.inbox import InboxChannel
from siaga.events.worker import Worker, WorkerConfig
from siaga.models import Notification, OutboxEvent, RegionLevel, Role
from tests.auth.support import Committed
from tests.fixtures.factories import create_agency, create_region, create_user


class _Counting(InboxChannel):
    """The inbox, counting the events it fans out (every pass here commits)."""

    def __init__(self, seen: Counter[int]) -> None:
        self.seen = seen

    async def fan_out(self, session: AsyncSession, events: Sequence[ClaimedEvent]) -> None:
        await super().fan_out(session, events)
        self.seen.update(e.id for e in events)


async def _world(committed: Committed) -> str:
    """A city with one operator of its Kesbangpol and one coordinator: each returned
    answer of the agency lands in two inboxes. Returns the agency's code."""
    async with committed.session() as session:
        # No parent: the committed database is emptied table by table afterwards, and
        # SQLite refuses to delete a parent region in the same statement as its child.
        city = await create_region(session, code="64.72", level=RegionLevel.CITY)
        agency = await create_agency(session, region=city)
        await create_user(session, role=Role.OPERATOR, agency=agency, region=city)
        await create_user(session, role=Role.COORDINATOR, region=city)
        return agency.code


async def _queue(committed: Committed, agency: str, count: int) -> None:
    """`count` returned answers at once, as committed transitions would leave them."""
    at = datetime(2024, 1, 5, 3, 0, tzinfo=UTC)
    rows = []
    for n in range(count):
        data = SubmissionEventData(
            period="2023-Q4",
            region="64.72",
            indicator=f"X.{n:05d}",
            agency=agency,
            status="returned",  # type: ignore[arg-type]
            previous_status="submitted",  # type: ignore[arg-type]
            version=3,
            late=False,
            reason="Bukti belum lengkap, mohon lampirkan SK",
            actor="verifikator.64",
            occurred_at=at,
        )
        rows.append(
            {
                "type": EventType.SUBMISSION_RETURNED.value,
                "occurred_at": at,
                "region_code": "64.72",
                "actor_label": "verifikator.64",
                "data": data.model_dump(mode="json"),
                "attempts": 0,
            }
        )
    async with committed.session() as session:
        await session.execute(insert(OutboxEvent), rows)


async def _drain_together(workers: list[Worker]) -> list[int]:
    """Every worker passes until it finds nothing due, all at the same time."""

    async def drain(worker: Worker) -> int:
        done = 0
        while processed := await worker.run_once():
            done += processed
        return done

    return list(await asyncio.gather(*(drain(w) for w in workers)))


async def _counts(committed: Committed) -> tuple[int, int, int, int]:
    async with committed.session() as session:
        pending = await session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None))
        )
        claims = await session.scalar(select(func.sum(OutboxEvent.attempts)))
        items = await session.scalar(select(func.count()).select_from(Notification))
        distinct = await session.scalar(
            select(func.count()).select_from(
                select(Notification.user_id, Notification.event_id).distinct().subquery()
            )
        )
    return int(pending or 0), int(claims or 0), int(items or 0), int(distinct or 0)


@pytest.mark.parametrize("workers", [2, 20])
async def test_workers_side_by_side_never_take_one_event_twice(
    committed: Committed, backend: str, workers: int
) -> None:
    if backend != "postgresql":
        pytest.skip("concurrent claims are what is tested; SQLite has a single writer")
    events = 600
    await _queue(committed, await _world(committed), events)
    seen: Counter[int] = Counter()
    config = WorkerConfig(batch_size=7)  # small batches: many claims race each other
    team = [
        Worker(committed.app.state.sessionmaker, [_Counting(seen)], config) for _ in range(workers)
    ]
    done = await _drain_together(team)
    assert sum(done) == events
    assert sum(1 for n in done if n) >= 2, f"the workers did not overlap: {done}"
    # Each event fanned out once, claimed once, and landed in two inboxes once each.
    assert len(seen) == events and set(seen.values()) == {1}
    assert await _counts(committed) == (0, events, 2 * events, 2 * events)


async def test_ten_thousand_events_at_once(committed: Committed, backend: str) -> None:
    events = 10_000
    await _queue(committed, await _world(committed), events)
    # Several workers where they can share the queue, one on SQLite (a single writer).
    count = 4 if backend == "postgresql" else 1
    team = [Worker(committed.app.state.sessionmaker) for _ in range(count)]
    started = time.perf_counter()
    done = await _drain_together(team)
    elapsed = time.perf_counter() - started
    print(
        f"\n{events} events, {2 * events} inbox items, {count} worker(s) on {backend}: "
        f"{elapsed:.1f} s ({events / elapsed:.0f} events/s)"
    )
    assert sum(done) == events
    assert await _counts(committed) == (0, events, 2 * events, 2 * events)
    # A generous bound: a regression to one statement per item would take far longer.
    assert elapsed < 120
