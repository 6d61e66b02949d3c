"""The Idempotency-Key's rules that hold under concurrency: one batch per author and key
(in the schema itself), and a key still importing answers 409 instead of a second import.
The races themselves, against a real server: tests/faults/test_idempotency_race.py."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.database import create_engine
from siaga.core.migrations import upgrade
from siaga.core.security import Principal
from siaga.core.settings import normalise_database_url
from siaga.core.types import utcnow
from siaga.imports import batch_repository as repository
from siaga.models import ApiKey, ImportKind, ImportStatus, User
from tests.fixtures.auth import bearer, create_api_key
from tests.fixtures.db import (
    ensure_postgres_database,
    postgres_url,
    reset_postgres_schema,
    run_in_thread,
    scratch_postgres_url,
)
from tests.helpers import assert_error
from tests.imports.conftest import World, csv_bytes, upload

ANSWERS = csv_bytes("period,region,indicator,value,narrative,status", "2023-Q4,64.72,C.01,2,,draft")


def _batch(
    *,
    created_by_id: int | None = None,
    api_key_id: int | None = None,
    idempotency_key: str | None = None,
) -> repository.NewBatch:
    return repository.NewBatch(
        kind=ImportKind.SUBMISSIONS,
        dry_run=False,
        status=ImportStatus.SUCCEEDED,
        filename="a.csv",
        file_sha256=None,
        region_code=None,
        created_by_id=created_by_id,
        api_key_id=api_key_id,
        idempotency_key=idempotency_key,
        created_at=utcnow(),
    )


async def _api_key_id(session: AsyncSession, app: FastAPI) -> int:
    token = await create_api_key(session, app.state.settings, scopes=["import"])
    stmt = select(ApiKey.id).where(ApiKey.prefix == token.split("_")[1])
    key_id: int = (await session.execute(stmt)).scalar_one()
    return key_id


class TestOneBatchPerKey:
    async def test_a_users_key(self, session: AsyncSession, world: World, admin_user: User) -> None:
        mine = world.province_admin.id
        first = await repository.insert_batch(
            session, _batch(created_by_id=mine, idempotency_key="k")
        )
        assert first is not None
        # The same author and key: refused by the schema, not by a lookup before it.
        again = await repository.insert_batch(
            session, _batch(created_by_id=mine, idempotency_key="k")
        )
        assert again is None
        # Another author's key, or no key at all, is another request.
        other = _batch(created_by_id=admin_user.id, idempotency_key="k")
        assert await repository.insert_batch(session, other) is not None
        for _ in range(2):
            assert await repository.insert_batch(session, _batch(created_by_id=mine)) is not None

    async def test_an_api_keys_key(self, session: AsyncSession, app: FastAPI, world: World) -> None:
        key_id = await _api_key_id(session, app)
        values = _batch(api_key_id=key_id, idempotency_key="k")
        assert await repository.insert_batch(session, values) is not None
        assert await repository.insert_batch(session, replace(values)) is None


async def test_a_key_still_importing_answers_409(
    backend: str,
    client: httpx.AsyncClient,
    app: FastAPI,
    session: AsyncSession,
    world: World,
    database_url: str,
) -> None:
    """While another transaction holds the caller's key (an import of it still running),
    the request is told so at once, and gets the result once that transaction is over."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: a second request waits for the first")
    token = await create_api_key(session, app.state.settings, scopes=["import"])
    key_id = (
        await session.execute(select(ApiKey.id).where(ApiKey.prefix == token.split("_")[1]))
    ).scalar_one()
    principal = Principal(
        kind="api_key", id=key_id, label="", capabilities=frozenset(), region_code=None
    )
    lock_id = repository.idempotency_lock_id(principal, "kunci-1")
    other = await asyncpg.connect(normalise_database_url(database_url).replace("+asyncpg", ""))
    try:
        await other.execute("SELECT pg_advisory_lock($1)", lock_id)
        response = await upload(
            client, "submissions", ANSWERS, headers={**bearer(token), "Idempotency-Key": "kunci-1"}
        )
        assert_error(response, 409, "import_in_progress")
        assert response.headers["Retry-After"] == "5"
        # Another key of the same caller is not held up.
        response = await upload(
            client, "submissions", ANSWERS, headers={**bearer(token), "Idempotency-Key": "kunci-2"}
        )
        assert response.status_code == 200, response.text
        await other.execute("SELECT pg_advisory_unlock($1)", lock_id)
    finally:
        await other.close()
    response = await upload(
        client, "submissions", ANSWERS, headers={**bearer(token), "Idempotency-Key": "kunci-1"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["unchanged"] == 1  # kunci-2 created it


# -- migration 0006 -----------------------------------------------------------------------


@pytest.fixture
def scratch_url(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    base = postgres_url()
    assert base is not None
    url = scratch_postgres_url(base, "idempotency")
    run_in_thread(lambda: asyncio.run(ensure_postgres_database(url)))
    run_in_thread(lambda: asyncio.run(reset_postgres_schema(url)))
    yield url


def _sql(url: str, *statements: str) -> list[Any]:
    async def run() -> list[Any]:
        engine = create_engine(normalise_database_url(url))
        try:
            async with engine.begin() as conn:
                rows: list[Any] = []
                for statement in statements:
                    result = await conn.execute(text(statement))
                    rows = list(result.all()) if result.returns_rows else []
                return rows
        finally:
            await engine.dispose()

    rows: list[Any] = run_in_thread(lambda: asyncio.run(run()))
    return rows


def test_migration_keeps_each_key_on_its_first_batch(scratch_url: str) -> None:
    """Keys the old, never-holding constraint let through twice stay on the first batch;
    every batch and its row errors are kept."""
    run_in_thread(upgrade, scratch_url, "0005")
    now = "'2026-12-01 00:00:00+00'"
    columns = (
        "INSERT INTO import_batches (id, kind, dry_run, status, filename, created_by_id, "
        "idempotency_key, created_at, row_count, created_count, updated_count, "
        "unchanged_count, error_count) VALUES "
    )
    _sql(
        scratch_url,
        "INSERT INTO users (id, username, full_name, password_hash, role, is_active, locale, "
        "created_at, updated_at) VALUES (1, 'a', 'A', '!', 'admin', true, 'id', "
        "'2026-12-01 00:00:00+00', '2026-12-01 00:00:00+00')",
        columns
        + ", ".join(
            f"({n}, 'submissions', false, 'failed', 'a.csv', 1, {key}, {now}, 1, 0, 0, 0, 1)"
            for n, key in ((1, "'k'"), (2, "'k'"), (3, "'k'"), (4, "'j'"), (5, "NULL"))
        ),
        "INSERT INTO import_row_errors (batch_id, row, code, message, message_en) VALUES "
        "(1, 2, 'x', 'x', 'x'), (2, 2, 'x', 'x', 'x'), (3, 2, 'x', 'x', 'x')",
    )
    run_in_thread(upgrade, scratch_url)
    rows = _sql(scratch_url, "SELECT id, idempotency_key FROM import_batches ORDER BY id")
    assert [tuple(r) for r in rows] == [(1, "k"), (2, None), (3, None), (4, "j"), (5, None)]
    errors = _sql(scratch_url, "SELECT count(*) FROM import_row_errors")
    assert errors[0][0] == 3
