"""The database going away mid-request: a clean 503 in the error shape, and recovery.

The PostgreSQL tests use a scratch database of their own (they terminate every
connection to it) and reach it either directly or through a TCP proxy run here, which
is stopped to make the server unreachable and started again on the same port.
"""

from __future__ import annotations

import asyncio
import errno
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from siaga.core.database import create_engine, create_sessionmaker, session_scope
from siaga.core.deps import DbSession
from siaga.core.errors import DATABASE_RETRY_AFTER, is_database_unavailable
from siaga.models import Role
from tests.fixtures.auth import bearer, create_session_token
from tests.fixtures.client import build_app, settings_for
from tests.fixtures.db import postgres_url, prepare_postgres, run_in_thread, scratch_postgres_url
from tests.fixtures.factories import create_user
from tests.helpers import API, assert_error

SLEEP_SECONDS = 5
requires_postgres = pytest.mark.skipif(
    postgres_url() is None, reason="needs PostgreSQL (SIAGA_TEST_DATABASE_URL)"
)


class TcpProxy:
    """Forwards 127.0.0.1:<port> to the database; stop() cuts every connection at once."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._link, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        await self._server.wait_closed()
        self._server = None

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self._writers -= {writer, up_writer}

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.transport.abort()


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _terminate_backends(url: str) -> int:
    conn = await asyncpg.connect(_dsn(url))
    try:
        rows = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    return len(rows)


async def _wait_for_sleep(url: str) -> None:
    """Until the probe's pg_sleep is running on the server."""
    conn = await asyncpg.connect(_dsn(url))
    try:
        for _ in range(100):
            running = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND query LIKE 'SELECT pg_sleep%'"
            )
            if running:
                return
            await asyncio.sleep(0.05)
    finally:
        await conn.close()
    pytest.fail("the probe's query never started")


def _with_probe(app: FastAPI) -> FastAPI:
    """A route that holds a database query for SLEEP_SECONDS, like a slow report."""

    async def sleep(session: DbSession) -> dict[str, bool]:
        await session.execute(text(f"SELECT pg_sleep({SLEEP_SECONDS})"))
        return {"slept": True}

    app.add_api_route(f"{API}/_probe/sleep", sleep, methods=["GET"])
    return app


@pytest.fixture(scope="module")
def outage_url() -> str:
    base = postgres_url()
    if base is None:
        pytest.skip("needs PostgreSQL (SIAGA_TEST_DATABASE_URL)")
    return str(prepare_postgres(scratch_postgres_url(base, "outage")))


@pytest.fixture
async def token(outage_url: str) -> str:
    """A national administrator's session token, committed in the scratch database."""
    engine = create_engine(outage_url)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            user = await create_user(session, role=Role.ADMIN)
            return await create_session_token(session, user, settings_for(outage_url))
    finally:
        await engine.dispose()


@pytest.fixture
async def client_on() -> AsyncIterator[Callable[[str], Awaitable[httpx.AsyncClient]]]:
    """Clients of fresh apps (with the probe route) on a given database URL."""
    apps: list[FastAPI] = []
    clients: list[httpx.AsyncClient] = []

    async def make(url: str) -> httpx.AsyncClient:
        app = _with_probe(build_app(url))
        apps.append(app)
        # Unhandled errors must reach the test: a 500 would fail it loudly.
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
    for app in apps:
        await app.state.engine.dispose()


def assert_unavailable(response: httpx.Response) -> None:
    assert_error(response, 503, "database_unavailable")
    assert response.headers["retry-after"] == str(DATABASE_RETRY_AFTER)
    assert response.headers["x-request-id"]


@requires_postgres
class TestTerminatedConnections:
    async def test_connections_killed_between_requests_are_replaced(
        self, outage_url: str, token: str, client_on: Any
    ) -> None:
        client = await client_on(outage_url)
        for _ in range(3):
            assert (await client.get(f"{API}/regions", headers=bearer(token))).status_code == 200
        assert await _terminate_backends(outage_url) >= 1
        # Every pooled connection is dead; pre-ping replaces them unseen by the client.
        for _ in range(3):
            response = await client.get(f"{API}/regions", headers=bearer(token))
            assert response.status_code == 200, response.text
        assert (await client.get(f"{API}/readyz")).status_code == 200

    async def test_connection_killed_mid_request_is_503_then_recovers(
        self, outage_url: str, token: str, client_on: Any
    ) -> None:
        client = await client_on(outage_url)
        slow = asyncio.create_task(client.get(f"{API}/_probe/sleep"))
        await _wait_for_sleep(outage_url)
        started = time.monotonic()
        assert await _terminate_backends(outage_url) >= 1
        response = await asyncio.wait_for(slow, timeout=SLEEP_SECONDS * 2)
        assert time.monotonic() - started < SLEEP_SECONDS - 1
        assert_unavailable(response)
        after = await client.get(f"{API}/regions", headers=bearer(token))
        assert after.status_code == 200, after.text


@requires_postgres
class TestUnreachableServer:
    async def test_503_while_away_and_recovery_without_restart(
        self, outage_url: str, token: str, client_on: Any
    ) -> None:
        target = make_url(outage_url)
        proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
        await proxy.start()
        try:
            client = await client_on(target.set(port=proxy.port).render_as_string(False))
            regions = f"{API}/regions"
            assert (await client.get(regions, headers=bearer(token))).status_code == 200

            # Mid-request: the connection under a running query is cut.
            slow = asyncio.create_task(client.get(f"{API}/_probe/sleep"))
            await _wait_for_sleep(outage_url)
            started = time.monotonic()
            await proxy.stop()
            response = await asyncio.wait_for(slow, timeout=SLEEP_SECONDS * 2)
            assert time.monotonic() - started < SLEEP_SECONDS - 1
            assert_unavailable(response)

            # While away: new connections are refused; every request says so quickly.
            for _ in range(2):
                assert_unavailable(await client.get(regions, headers=bearer(token)))
            assert_error(await client.get(f"{API}/readyz"), 503, "database_unavailable")
            assert (await client.get(f"{API}/healthz")).status_code == 200

            # Back: the same app serves again, no restart.
            await proxy.start()
            response = await client.get(regions, headers=bearer(token))
            assert response.status_code == 200, response.text
            assert (await client.get(f"{API}/readyz")).status_code == 200
            metrics = await client.get("/metrics")
            assert "siaga_database_unavailable_total" in metrics.text
        finally:
            await proxy.stop()


class TestSqlite:
    async def test_unopenable_database_is_503_then_recovers(self, tmp_path: Path) -> None:
        path = tmp_path / "db" / "siaga.db"
        url = f"sqlite:///{path}"
        app = build_app(url)
        try:
            path.mkdir(parents=True)  # a directory where the database file should be
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t"
            ) as client:
                # A token must be looked up, so the database is needed to answer.
                headers = bearer("a-token-that-does-not-exist")
                assert_unavailable(await client.get(f"{API}/regions", headers=headers))
                assert_error(await client.get(f"{API}/readyz"), 503, "database_unavailable")
                path.rmdir()
                run_in_thread(_migrate, url)
                assert_error(
                    await client.get(f"{API}/regions", headers=headers), 401, "not_authenticated"
                )
                assert (await client.get(f"{API}/readyz")).status_code == 200
        finally:
            await app.state.engine.dispose()

    async def test_other_database_errors_stay_500(self, tmp_path: Path) -> None:
        # A wrong query is a bug to fix, not an outage to wait out.
        app = build_app(f"sqlite:///{tmp_path / 'x.db'}")

        async def broken(session: DbSession) -> None:
            await session.execute(text("SELECT * FROM no_such_table_at_all"))

        app.add_api_route(f"{API}/_probe/broken", broken, methods=["GET"])
        try:
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                assert_error(await client.get(f"{API}/_probe/broken"), 500, "internal_error")
        finally:
            await app.state.engine.dispose()


def _migrate(url: str) -> None:
    from siaga.core.migrations import upgrade

    upgrade(url)


def _raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


class TestClassification:
    @pytest.mark.parametrize(
        "exc",
        [
            DBAPIError("SELECT 1", None, Exception("gone"), connection_invalidated=True),
            OperationalError("SELECT 1", None, Exception("server closed the connection")),
            PoolTimeoutError("QueuePool limit reached"),
            asyncpg.exceptions.ConnectionDoesNotExistError("closed mid-operation"),
            asyncpg.exceptions.AdminShutdownError("terminating connection"),
            asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
            asyncpg.exceptions.TooManyConnectionsError("too many clients"),
        ],
        ids=lambda e: type(e).__name__,
    )
    def test_outages(self, exc: BaseException) -> None:
        assert is_database_unavailable(exc)

    def test_outage_found_through_the_cause_chain(self) -> None:
        try:
            try:
                raise asyncpg.exceptions.ConnectionDoesNotExistError("closed")
            except Exception as inner:
                raise RuntimeError("while committing") from inner
        except RuntimeError as outer:
            assert is_database_unavailable(outer)

    @pytest.mark.parametrize(
        "exc",
        [
            IntegrityError("INSERT", None, Exception("duplicate key")),
            ProgrammingError("SELECT", None, Exception("syntax error")),
            OSError(errno.ENOSPC, "No space left on device"),
            ValueError("not a database thing"),
        ],
        ids=lambda e: type(e).__name__,
    )
    def test_not_outages(self, exc: BaseException) -> None:
        assert not is_database_unavailable(_raised(exc))

    def test_refused_socket_outside_the_database_layer_is_not_an_outage(self) -> None:
        # Object storage (boto3) failing to connect must not be blamed on the database.
        assert not is_database_unavailable(_raised(ConnectionRefusedError(errno.ECONNREFUSED)))
