from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # SQLite ignores foreign keys unless asked on every connection; WAL lets readers
    # proceed while a writer commits, which the dashboard needs during imports.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


CONNECT_TIMEOUT_SECONDS = 10


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    kwargs: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    else:
        # pre_ping: a connection the server dropped (restart, failover, terminated
        # backend) is replaced on checkout instead of failing the request; SQLAlchemy
        # also invalidates the whole pool when one connection is found disconnected.
        # A short connect timeout turns an unreachable server into a quick 503
        # (siaga.core.errors) rather than requests hanging for asyncpg's 60 s default.
        kwargs.update(
            pool_size=10,
            max_overflow=10,
            pool_pre_ping=True,
            connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
        )
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


_log = logging.getLogger(__name__)
_KEPT = "siaga.kept_after_rollback"

Unwritten = Callable[[list[Any], BaseException], None]


def keep_after_rollback(session: AsyncSession, row: Any) -> None:
    """Store `row` even though this unit of work is about to fail.

    For the record of a refusal (a wrong password, a denied write): the error that follows
    rolls the work back, and the row is then written on the same session in a transaction
    of its own. A refused request therefore never holds one pooled connection while it
    waits for a second, which let a burst of refusals deadlock the pool.
    """
    session.info.setdefault(_KEPT, []).append(row)


async def _write_kept(session: AsyncSession, on_unwritten: Unwritten | None) -> None:
    rows: list[Any] = session.info.pop(_KEPT, [])
    if not rows:
        return
    try:
        session.add_all(rows)
        await session.commit()
    except Exception as exc:  # the database is away or refused: hand the rows on
        with contextlib.suppress(Exception):  # the connection is gone: nothing to undo
            await session.rollback()
        if on_unwritten is None:
            # Never let the record of a refusal replace the refusal itself as the answer.
            _log.warning("rows kept after a rollback were not written", exc_info=exc)
        else:
            on_unwritten(rows, exc)


@asynccontextmanager
async def session_scope(
    sessionmaker: async_sessionmaker[AsyncSession], *, on_unwritten: Unwritten | None = None
) -> AsyncIterator[AsyncSession]:
    """One transaction per unit of work: commit on success, roll back on any error.

    Rows kept with `keep_after_rollback` are written after the rollback; if that fails
    too (the database is unreachable), they go to `on_unwritten` instead of being lost.
    """
    async with sessionmaker() as session:
        try:
            yield session
        except BaseException:
            try:
                await session.rollback()
            finally:
                await _write_kept(session, on_unwritten)
            raise
        else:
            await session.commit()
