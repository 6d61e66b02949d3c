"""Shared by the auth, users, API key and audit tests.

Two ways to reach the application:

- the ordinary fixtures (`client`, `anon_client`): every request runs in a savepoint of
  the test's rolled-back transaction;
- `committed`: an application on a database of its own whose requests really commit.
  Needed for what the application writes in a *separate* transaction right before it
  answers with an error (failed logins, rate limiting, refusals, CSRF failures): on the
  test's single connection that side transaction is a savepoint nested in the request's,
  so the request's rollback would discard it and the test would see nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import hash_password
from siaga.models import AuditEvent, User
from siaga.models.base import Base
from tests.fixtures.client import BASE_URL, build_app
from tests.fixtures.db import (
    postgres_url,
    prepare_postgres,
    prepare_sqlite,
    scratch_postgres_url,
)
from tests.fixtures.factories import create_user
from tests.helpers import API

# Long, uncommon, and contains none of the usernames used in these tests.
PASSWORD = "Lumbung-Padi-Kaltim-2024"
WRONG_PASSWORD = "Lumbung-Padi-Kaltim-2025"


@lru_cache
def password_hash() -> str:
    """Argon2id hash of PASSWORD, computed once per run (hashing is slow on purpose)."""
    return hash_password(PASSWORD)


async def create_login_user(session: AsyncSession, **overrides: Any) -> User:
    """A user who can log in with PASSWORD."""
    return await create_user(session, password_hash=password_hash(), **overrides)


@asynccontextmanager
async def client_at(app: FastAPI, addr: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    """A credential-less client whose requests come from client address `addr`."""
    transport = httpx.ASGITransport(app=app, client=(addr, 50000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


async def login(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD, **kwargs: Any
) -> httpx.Response:
    return await client.post(
        f"{API}/auth/login", json={"username": username, "password": password}, **kwargs
    )


async def audit_events(session: AsyncSession, **where: Any) -> list[AuditEvent]:
    """Audit events matching column == value, oldest first, read fresh from the database."""
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    for column, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, column) == value)
    return list((await session.scalars(stmt.execution_options(populate_existing=True))).all())


def close_to(moment: datetime, expected: datetime, tolerance: timedelta) -> bool:
    return abs(moment - expected) <= tolerance


# --- the committing application -------------------------------------------------------


@pytest.fixture(scope="session")
def committed_database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if backend == "sqlite":
        tmp: Path = tmp_path_factory.mktemp("db_committed")
        return prepare_sqlite(tmp / "siaga_committed.db")
    url = postgres_url()
    assert url is not None
    return prepare_postgres(scratch_postgres_url(url, "committed"))


@pytest.fixture(scope="session")
async def committed_app(committed_database_url: str) -> AsyncIterator[FastAPI]:
    app = build_app(committed_database_url)
    yield app
    await app.state.engine.dispose()


@dataclass
class Committed:
    app: FastAPI

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session that commits when the block ends."""
        async with self.app.state.sessionmaker() as session:
            yield session
            await session.commit()

    def client(self, addr: str = "127.0.0.1") -> Any:
        return client_at(self.app, addr)

    async def empty(self) -> None:
        async with self.app.state.engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                await connection.execute(table.delete())


@pytest.fixture
async def committed(committed_app: FastAPI) -> AsyncIterator[Committed]:
    """The committing application, on an empty database, emptied again afterwards."""
    world = Committed(committed_app)
    await world.empty()
    try:
        yield world
    finally:
        await world.empty()
