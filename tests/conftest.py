from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from siaga.models import Role, User
from tests.fixtures.auth import bearer, create_session_token
from tests.fixtures.client import bind_app_to, build_app, http_client
from tests.fixtures.db import (
    POSTGRES_URL_ENV,
    REQUIRE_POSTGRES_ENV,
    backends,
    check_postgres_reachable,
    create_test_engine,
    postgres_url,
    prepare_database,
    rolled_back_connection,
    session_on,
)
from tests.fixtures.factories import create_user


def pytest_configure(config: pytest.Config) -> None:
    # CI sets REQUIRE so a missing or broken PostgreSQL fails the run instead of
    # silently shrinking it to SQLite only.
    if os.environ.get(REQUIRE_POSTGRES_ENV) != "1":
        return
    url = postgres_url()
    if url is None:
        raise pytest.UsageError(f"{REQUIRE_POSTGRES_ENV}=1 but {POSTGRES_URL_ENV} is not set")
    try:
        check_postgres_reachable(url)
    except Exception as exc:
        raise pytest.UsageError(
            f"{REQUIRE_POSTGRES_ENV}=1 but PostgreSQL at {url!r} is unreachable: {exc!r}"
        ) from exc


@pytest.fixture(scope="session", params=backends())
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of this test: `sqlite` always, `postgresql` when configured."""
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly migrated database (Alembic `upgrade head`) for this backend."""
    tmp: Path = tmp_path_factory.mktemp(f"db_{backend}")
    return prepare_database(backend, tmp)


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_test_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def app(database_url: str) -> AsyncIterator[FastAPI]:
    app = build_app(database_url)
    yield app
    await app.state.engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection in an outer transaction, rolled back when the test ends."""
    async for connection in rolled_back_connection(engine):
        yield connection


@pytest.fixture
async def session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """The test's session for factories; its commits only release savepoints."""
    session = session_on(connection)
    try:
        yield session
    finally:
        await session.close()


@pytest.fixture
async def anon_client(
    app: FastAPI, connection: AsyncConnection
) -> AsyncIterator[httpx.AsyncClient]:
    """A client with no credentials."""
    bind_app_to(app, connection)
    async with http_client(app) as client:
        yield client


@pytest.fixture
async def admin_user(session: AsyncSession) -> User:
    return await create_user(session, username="admin.nasional", role=Role.ADMIN)


@pytest.fixture
async def client(
    app: FastAPI, connection: AsyncConnection, session: AsyncSession, admin_user: User
) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in as a national administrator (sees and may do everything)."""
    token = await create_session_token(session, admin_user, app.state.settings)
    bind_app_to(app, connection)
    async with http_client(app) as client:
        client.headers.update(bearer(token))
        yield client


@pytest.fixture
def login_as(app: FastAPI, session: AsyncSession) -> Callable[[User], Awaitable[dict[str, str]]]:
    """Headers that authenticate as `user` (a fresh session token)."""

    async def headers(user: User) -> dict[str, str]:
        return bearer(await create_session_token(session, user, app.state.settings))

    return headers
