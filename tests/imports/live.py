"""A real Siaga server on loopback for the clients of the imports API (the CLI's remote mode,
examples/import_answers.py): a migrated SQLite file with a small world and an API key.

The clients speak plain synchronous HTTP over a socket, so they are tested against uvicorn
in a thread rather than an in-process transport; the database is a file of its own because
the server commits, which the rolled-back test connections could not show to another loop.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.database import create_engine, create_sessionmaker, session_scope
from siaga.core.migrations import upgrade
from siaga.core.settings import Settings, normalise_database_url
from siaga.main import create_app
from siaga.models import Indicator, PeriodState, Region, RegionLevel, Submission
from tests.fixtures.auth import create_api_key
from tests.fixtures.client import settings_for
from tests.fixtures.db import run_in_thread
from tests.fixtures.factories import (
    create_agency,
    create_agency_type,
    create_framework,
    create_period,
    create_region,
)

T = TypeVar("T")
OPEN_PERIOD = "2023-Q4"
CLOSED_PERIOD = "2023-Q3"
CITY = "64.72"
# create_framework's indicators, one per answer type: level, yes_no, percent, count.
LEVEL, YES_NO, PERCENT, COUNT = "D1.01", "D1.02", "D1.03", "D1.04"


def migrated_sqlite(path: Path) -> str:
    url = f"sqlite:///{path}"
    run_in_thread(upgrade, url)
    return normalise_database_url(url)


def in_db(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in a committed transaction on the database at `url`."""

    async def runner() -> T:
        engine = create_engine(url)
        try:
            async with session_scope(create_sessionmaker(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    value: T = run_in_thread(lambda: asyncio.run(runner()))
    return value


def seed_world(url: str, settings: Settings) -> str:
    """Kaltim with Samarinda, one framework of four indicators, an open and a closed period;
    returns a national API key with the import scope."""

    async def work(session: AsyncSession) -> str:
        kaltim = await create_region(session, code="64", name="Kalimantan Timur")
        samarinda = await create_region(
            session, code=CITY, name="Kota Samarinda", parent=kaltim, level=RegionLevel.CITY
        )
        kesbangpol = await create_agency_type(session, code="kesbangpol", name="Kesbangpol")
        framework = await create_framework(
            session, dimensions=1, indicators_per_dimension=4, agency_type=kesbangpol
        )
        for region in (kaltim, samarinda):
            await create_agency(session, region=region, agency_type=kesbangpol)
        await create_period(
            session,
            framework=framework,
            code=OPEN_PERIOD,
            start_date=date(2023, 10, 1),
            end_date=date(2023, 12, 31),
            deadline=date(2099, 1, 10),
            state=PeriodState.OPEN,
        )
        await create_period(
            session,
            framework=framework,
            code=CLOSED_PERIOD,
            start_date=date(2023, 7, 1),
            end_date=date(2023, 9, 30),
            deadline=date(2023, 10, 10),
            state=PeriodState.CLOSED,
        )
        return await create_api_key(session, settings, scopes=["import"])

    return in_db(url, work)


def answers(url: str) -> dict[tuple[str, str], tuple[float | None, str, str]]:
    """(region, indicator) -> (value, narrative, status) of every stored answer."""

    async def work(session: AsyncSession) -> dict[tuple[str, str], tuple[float | None, str, str]]:
        rows = await session.execute(
            select(
                Region.code,
                Indicator.code,
                Submission.value,
                Submission.narrative,
                Submission.status,
            )
            .join(Region, Submission.region_id == Region.id)
            .join(Indicator, Submission.indicator_id == Indicator.id)
        )
        return {(r, i): (v, n, str(s)) for r, i, v, n, s in rows}

    return in_db(url, work)


def count(url: str, model: Any) -> int:
    async def work(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    return in_db(url, work)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class LiveServer:
    base_url: str  # http://127.0.0.1:PORT, without /api/v1
    database_url: str
    settings: Settings
    api_key: str


@contextmanager
def live_server(tmp: Path) -> Iterator[LiveServer]:
    database_url = migrated_sqlite(tmp / "live.db")
    settings = settings_for(database_url, storage_dir=tmp / "evidence")
    api_key = seed_world(database_url, settings)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", database_url, settings, api_key)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
