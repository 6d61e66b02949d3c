"""The answer workflow's world and the reporting chain's people (tests/submissions,
tests/reporting), the committing application for races, and the outbox read back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from siaga.core.types import utcnow
from siaga.events.channels import Channel
from siaga.events.worker import Worker, WorkerConfig
from siaga.models import Notification, OutboxEvent
from tests.auth.support import committed, committed_app, committed_database_url
from tests.reporting.conftest import chain
from tests.submissions.conftest import world

__all__ = ["chain", "committed", "committed_app", "committed_database_url", "world"]


async def outbox(session: AsyncSession, type_: str | None = None) -> list[OutboxEvent]:
    """The outbox's events (of one type), oldest first, read fresh."""
    stmt = select(OutboxEvent).order_by(OutboxEvent.id)
    if type_ is not None:
        stmt = stmt.where(OutboxEvent.type == type_)
    return list((await session.scalars(stmt.execution_options(populate_existing=True))).all())


async def inbox(session: AsyncSession, user_id: int | None = None) -> list[Notification]:
    stmt = select(Notification).order_by(Notification.id)
    if user_id is not None:
        stmt = stmt.where(Notification.user_id == user_id)
    return list((await session.scalars(stmt.execution_options(populate_existing=True))).all())


def on_connection(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions in the test's transaction, as the API's are (tests/fixtures/client.py):
    the worker's commits release savepoints, the test rolls everything back."""
    return async_sessionmaker(
        bind=connection,
        class_=AsyncSession,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )


class Clock:
    """A clock the test moves: leases and back-offs run out when the test says so."""

    def __init__(self) -> None:
        self.now: datetime = utcnow()

    def __call__(self) -> datetime:
        return self.now


MakeWorker = Callable[..., Worker]


@pytest.fixture
def make_worker(connection: AsyncConnection) -> MakeWorker:
    """Workers on the test's connection; `channels`, `config` and `clock` as given."""

    def make(
        channels: list[Channel] | None = None,
        config: WorkerConfig | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> Worker:
        return Worker(on_connection(connection), channels, config, clock)

    return make
