"""Migrations are reviewed code: reversible, and in step with the models."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from siaga.core.database import create_engine
from siaga.core.migrations import downgrade, upgrade
from siaga.core.settings import normalise_database_url
from siaga.models import Base
from tests.fixtures.db import (
    ensure_postgres_database,
    postgres_url,
    reset_postgres_schema,
    run_in_thread,
    scratch_postgres_url,
)


@pytest.fixture
def scratch_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of this test's backend that the test may migrate up and down."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    base = postgres_url()
    assert base is not None
    url = scratch_postgres_url(base, "migrations")
    run_in_thread(lambda: asyncio.run(ensure_postgres_database(url)))
    run_in_thread(lambda: asyncio.run(reset_postgres_schema(url)))
    yield url


def _table_names(url: str) -> set[str]:
    async def _names() -> set[str]:
        engine = create_engine(normalise_database_url(url))
        try:
            async with engine.connect() as connection:
                return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await engine.dispose()

    names: set[str] = run_in_thread(lambda: asyncio.run(_names()))
    return names


def test_upgrade_downgrade_upgrade(scratch_url: str) -> None:
    model_tables = set(Base.metadata.tables)

    run_in_thread(upgrade, scratch_url)
    assert _table_names(scratch_url) == model_tables | {"alembic_version"}

    run_in_thread(downgrade, scratch_url)
    assert _table_names(scratch_url) <= {"alembic_version"}, "downgrade left tables behind"

    run_in_thread(upgrade, scratch_url)
    assert _table_names(scratch_url) == model_tables | {"alembic_version"}


def _diff(connection: Connection, metadata: MetaData) -> list[Any]:
    # The same comparison options as migrations/env.py uses for autogenerate.
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "target_metadata": metadata}
    )
    return list(compare_metadata(context, metadata))


async def test_models_match_migrated_schema(connection: AsyncConnection) -> None:
    # The comparison must be able to fail: an extra model table is reported...
    extra = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(extra)
    Table("not_migrated", extra, Column("id", Integer, primary_key=True))
    extra_diff = await connection.run_sync(_diff, extra)
    assert [d[1].name for d in extra_diff if d[0] == "add_table"] == ["not_migrated"]

    # ...so an empty diff against the real models means they agree with the migrations.
    diff = await connection.run_sync(_diff, Base.metadata)
    assert diff == [], (
        "models and migrations disagree; write a migration "
        f"(`alembic revision --autogenerate`, then review it): {diff}"
    )


def _run_sql(url: str, *statements: str | tuple[str, dict[str, Any]]) -> list[Any]:
    """Execute statements (with bound parameters) in one transaction; the last one's rows."""

    async def _run() -> list[Any]:
        engine = create_engine(normalise_database_url(url))
        try:
            async with engine.begin() as connection:
                rows: list[Any] = []
                for statement in statements:
                    sql, params = (statement, {}) if isinstance(statement, str) else statement
                    result = await connection.execute(text(sql), params)
                    rows = list(result.all()) if result.returns_rows else []
                return rows
        finally:
            await engine.dispose()

    rows: list[Any] = run_in_thread(lambda: asyncio.run(_run()))
    return rows


def test_region_time_zones_backfilled_from_province_code(scratch_url: str) -> None:
    run_in_thread(upgrade, scratch_url, "0006")
    regions = [
        (1, "64", "Kalimantan Timur", "province", None),
        (2, "64.72", "Kota Samarinda", "city", 1),
        (3, "31", "DKI Jakarta", "province", None),
        (4, "62", "Kalimantan Tengah", "province", None),
        (5, "51", "Bali", "province", None),
        (6, "94", "Papua", "province", None),
        (7, "82", "Maluku Utara", "province", None),
        (8, "99", "Not a province", "province", None),
    ]
    _run_sql(
        scratch_url,
        *(
            (
                "INSERT INTO regions (id, code, name, level, parent_id) "
                "VALUES (:id, :code, :name, :level, :parent)",
                {"id": i, "code": code, "name": name, "level": level, "parent": p},
            )
            for i, code, name, level, p in regions
        ),
        "INSERT INTO region_boundaries (region_id, geometry, point_count, updated_at) "
        "VALUES (1, '{}', 0, '2026-01-01 00:00:00')",
    )

    run_in_thread(upgrade, scratch_url)

    zones = dict(_run_sql(scratch_url, "SELECT code, time_zone FROM regions"))
    assert zones == {
        "64": "Asia/Makassar",
        "64.72": None,  # a city inherits its province's zone
        "31": "Asia/Jakarta",
        "62": "Asia/Jakarta",
        "51": "Asia/Makassar",
        "94": "Asia/Jayapura",
        "82": "Asia/Jayapura",
        "99": None,  # unknown province: the deployment's default applies
    }
    # Adding the column kept the rows that hang off regions (no table copy on SQLite).
    assert _run_sql(scratch_url, "SELECT count(*) FROM region_boundaries") == [(1,)]
    with pytest.raises(Exception, match=r"(?i)check|constraint"):
        _run_sql(scratch_url, "UPDATE regions SET time_zone = 'Europe/Paris' WHERE code = '64'")

    run_in_thread(downgrade, scratch_url, "0006")
    assert _run_sql(scratch_url, "SELECT count(*) FROM regions") == [(8,)]
    run_in_thread(upgrade, scratch_url)
