"""Webhook tests: a committing database of their own, receivers on 127.0.0.1, and a
guard that fails any test that would send a packet anywhere but loopback.

The guard wraps `socket.connect` and `socket.getaddrinfo` for every test here: a
connection to a non-loopback address, or a DNS lookup of any name but localhost, is
refused before it happens and fails the test. Names are resolved by `StubResolver`.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from siaga.core.database import create_engine, create_sessionmaker
from siaga.core.settings import Settings
from siaga.core.types import utcnow
from siaga.models import AuditEvent, Notification, OutboxEvent, Region, User, WebhookEndpoint
from siaga.webhooks import signing
from siaga.webhooks.events import EventEnvelope
from tests.fixtures.client import settings_for
from tests.fixtures.db import postgres_url, prepare_postgres, prepare_sqlite, scratch_postgres_url
from tests.webhooks.receiver import Receiver

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class NetworkViolation(AssertionError):
    """A test tried to reach something other than loopback."""


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host in LOOPBACK_NAMES


def guard_network(patch: Any, violations: list[str]) -> None:
    """Refuse (and note) every connection and name lookup that is not loopback."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def _check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(str(address[0])):
            violations.append(f"connect {address!r}")
            raise NetworkViolation(f"a test tried to connect to {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        _check(self, address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check(self, address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if host is not None and not _is_loopback(name):
            violations.append(f"getaddrinfo {name!r}")
            raise NetworkViolation(f"a test tried to resolve {name!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    patch.setattr(socket.socket, "connect", connect)
    patch.setattr(socket.socket, "connect_ex", connect_ex)
    patch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    violations: list[str] = []
    guard_network(monkeypatch, violations)
    yield violations
    assert not violations, f"traffic beyond loopback was attempted: {violations}"


@dataclass
class StubResolver:
    """Names to addresses, as a test says; unknown names do not resolve."""

    names: dict[str, list[str]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(self.names[host])


@pytest.fixture
def resolver() -> StubResolver:
    return StubResolver({"localhost": ["127.0.0.1"]})


# --- a committing database ------------------------------------------------------------


@pytest.fixture(scope="session")
def hooks_database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if backend == "sqlite":
        return prepare_sqlite(tmp_path_factory.mktemp("db_webhooks") / "webhooks.db")
    url = postgres_url()
    assert url is not None
    return prepare_postgres(scratch_postgres_url(url, "webhooks"))


@pytest.fixture(scope="session")
async def hooks_engine(hooks_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(hooks_database_url)
    yield engine
    await engine.dispose()


def hook_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "webhook_allow_hosts": "127.0.0.1,localhost",
        "webhook_retry_delays": "5,30,120",
        "webhook_timeout_seconds": 2.0,
        **overrides,
    }
    return settings_for(database_url, **values)


@dataclass
class Store:
    """The committing database, emptied of webhooks, outbox, inbox, regions, users and
    audit after a test."""

    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    settings: Settings

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker() as session, session.begin():
            yield session

    async def endpoint(
        self, url: str, *, events: Sequence[str] = ("submission.submitted",), **values: Any
    ) -> tuple[int, str]:
        """A new active endpoint; returns its id and signing secret."""
        values.setdefault("secret_nonce", signing.new_nonce())
        nonce = values["secret_nonce"]
        async with self.session() as session:
            endpoint = WebhookEndpoint(
                url=url, events=list(events), consecutive_failures=0, **values
            )
            session.add(endpoint)
            await session.flush()
            endpoint_id = endpoint.id
        return endpoint_id, signing.derive_secret(self.settings.secret_key, nonce)

    async def empty(self) -> None:
        async with self.engine.begin() as connection:
            # The outbox and the inbox too: a failing endpoint tells its administrators.
            tables = (WebhookEndpoint, Notification, OutboxEvent, AuditEvent, User, Region)
            for table in tables:
                if table is Region:
                    # Children first: a region's parent is restricted while it has any.
                    await connection.execute(delete(Region).where(Region.parent_id.is_not(None)))
                await connection.execute(delete(table))


@pytest.fixture
async def store(hooks_engine: AsyncEngine, hooks_database_url: str) -> AsyncIterator[Store]:
    world = Store(
        hooks_engine, create_sessionmaker(hooks_engine), hook_settings(hooks_database_url)
    )
    await world.empty()
    try:
        yield world
    finally:
        await world.empty()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    started = await Receiver().start()
    try:
        yield started
    finally:
        await started.stop()


_event_ids = iter(range(1, 10**9))


def envelope(
    event_type: str = "submission.submitted", region: str | None = "64.72", **data: Any
) -> EventEnvelope:
    return EventEnvelope(
        id=next(_event_ids),
        type=event_type,
        occurred_at=utcnow(),
        region_code=region,
        data={"period": "2024-Q1", "region": region, **data},
    )


SOURCE = Path(__file__).resolve().parents[2]
