"""Property-based fuzzing of every operation against its own OpenAPI description.

Stateless: schemathesis generates valid and invalid requests from the document and
checks that the API never answers 5xx and that every response (status, content type,
body) is one the document declares.
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from siaga.core.database import create_sessionmaker
from siaga.core.migrations import upgrade
from siaga.core.settings import normalise_database_url
from siaga.models import PeriodState, RegionLevel, Role
from tests.fixtures.auth import bearer, create_session_token
from tests.fixtures.client import build_app, settings_for
from tests.fixtures.db import run_in_thread
from tests.fixtures.factories import (
    create_agency,
    create_agency_type,
    create_framework,
    create_period,
    create_region,
    create_user,
)

pytestmark = pytest.mark.fuzz

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


async def _populate(url: str) -> str:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with async_sessionmaker(engine)() as session, session.begin():
            return await _seed(session)
    finally:
        await engine.dispose()


async def _seed(session: AsyncSession) -> str:
    """Reference data and a national administrator; returns the administrator's token."""
    province = await create_region(session, code="64", name="Kalimantan Timur")
    city = await create_region(
        session, code="64.72", name="Kota Samarinda", parent=province, level=RegionLevel.CITY
    )
    kesbangpol = await create_agency_type(session, code="kesbangpol", name="Kesbangpol")
    await create_agency(session, region=city, agency_type=kesbangpol)
    framework = await create_framework(session, code="PEMILU2024", agency_type=kesbangpol)
    await create_period(
        session,
        framework=framework,
        code="2023-Q4",
        start_date=date(2023, 10, 1),
        end_date=date(2023, 12, 31),
        state=PeriodState.OPEN,
    )
    # A national administrator may call every operation, so the fuzzer reaches the code
    # behind authorization instead of stopping at 401/403.
    admin = await create_user(session, username="fuzz-admin-zz", role=Role.ADMIN)
    return await create_session_token(session, admin, settings_for("sqlite://"))


def _fuzz_app() -> tuple[FastAPI, str]:
    """The app on a migrated, lightly populated SQLite file of its own.

    Built at import time because `schema.parametrize()` needs the document to create
    one test per operation (schemathesis' lazy `from_fixture` does not work with
    pytest 9). The file is removed when the process exits.
    """
    directory = Path(tempfile.mkdtemp(prefix="siaga-fuzz-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    url = normalise_database_url(f"sqlite:///{directory / 'siaga.db'}")
    run_in_thread(upgrade, url)
    token: str = run_in_thread(lambda: asyncio.run(_populate(url)))
    app = build_app(url, storage_dir=directory / "evidence")
    # Schemathesis drives the app from its own event loop thread; without a pool no
    # connection outlives the request that opened it.
    app.state.engine = create_async_engine(url, poolclass=NullPool)
    app.state.sessionmaker = create_sessionmaker(app.state.engine)
    return app, token


_app, _token = _fuzz_app()
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _app)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS, headers=bearer(_token))
