"""`run_import` without HTTP, as the CLI's local mode and the benchmark call it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor
from siaga.core.security import Capability, Principal
from siaga.imports import service
from siaga.imports.exceptions import IdempotencyKeyReused, ImportFileInvalid, KindNotAllowed
from siaga.models import ImportKind, Submission
from tests.imports.conftest import World, csv_bytes


def _principal(world: World) -> Principal:
    # A real user id: batches reference their author.
    return Principal(
        kind="user",
        id=world.province_admin.id,
        label="admin.64",
        capabilities=frozenset(Capability),
        region_code="64",
    )


async def _answers(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Submission)) or 0


async def test_run_import_and_replay(session: AsyncSession, world: World, tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_bytes(
        csv_bytes(
            "period;region;indicator;value;narrative;status",
            "2023-Q4;64.72;P.01;80;;submitted",
            "2023-Q4;64.72;C.01;1;;draft",
        )
    )
    principal, actor = _principal(world), Actor(label="admin.64", user_id=world.province_admin.id)
    seen: list[int] = []
    batch, replayed = await service.run_import(
        session,
        principal,
        actor,
        ImportKind.SUBMISSIONS,
        path,
        filename=path.name,
        dry_run=False,
        idempotency_key="cli-1",
        progress=seen.append,
    )
    assert (batch.status, batch.counts.created, replayed) == ("succeeded", 2, False)
    assert seen == [2]
    assert batch.region_code == "64" and batch.file_sha256 == service.file_sha256(path)
    assert await _answers(session) == 2
    again, replayed = await service.run_import(
        session,
        principal,
        actor,
        ImportKind.SUBMISSIONS,
        path,
        filename=path.name,
        dry_run=False,
        idempotency_key="cli-1",
    )
    assert (again.id, replayed) == (batch.id, True)
    with pytest.raises(IdempotencyKeyReused):
        await service.run_import(
            session,
            principal,
            actor,
            ImportKind.SUBMISSIONS,
            path,
            filename=path.name,
            dry_run=True,
            idempotency_key="cli-1",
        )


async def test_indicators_need_a_national_caller(
    session: AsyncSession, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "indicators.csv"
    path.write_bytes(b"x\r\n")
    with pytest.raises(KindNotAllowed):
        await service.run_import(
            session,
            _principal(world),
            Actor(label="admin.64"),
            ImportKind.INDICATORS,
            path,
            filename=path.name,
            dry_run=True,
        )


async def test_header_only_is_a_file_error(
    session: AsyncSession, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(csv_bytes("period,region,indicator,value,narrative"))
    with pytest.raises(ImportFileInvalid) as caught:
        await service.run_import(
            session,
            _principal(world),
            Actor(label="admin.64"),
            ImportKind.SUBMISSIONS,
            path,
            filename=path.name,
            dry_run=False,
        )
    assert caught.value.code == "import_file_empty"
