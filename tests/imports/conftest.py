"""A small world for imports: provinces 64 and 63 with a city each, two agency types, a
framework with one indicator per answer type (L.01 requires evidence), an open and a
closed period, and a provincial administrator of 64."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.storage import LocalStorage
from siaga.models import (
    AgencyType,
    AnswerType,
    AuditEvent,
    Framework,
    Period,
    Region,
    RegionLevel,
    Role,
    Submission,
    SubmissionVersion,
    User,
)
from tests.fixtures.factories import (
    IndicatorSpec,
    create_agency,
    create_agency_type,
    create_q4_open_q3_closed,
    create_region,
    create_uji_framework,
    create_user,
)
from tests.helpers import API

Headers = dict[str, str]
LoginAs = Callable[[User], Awaitable[Headers]]
IMPORTS = f"{API}/imports"


@dataclass
class World:
    province: Region
    city: Region
    other_city: Region
    kesbangpol: AgencyType
    bpkad: AgencyType
    framework: Framework
    period: Period
    closed_period: Period
    province_admin: User
    viewer: User


async def _framework(session: AsyncSession, kesbangpol: AgencyType, bpkad: AgencyType) -> Framework:
    specs: list[IndicatorSpec] = [
        ("L.01", AnswerType.LEVEL, None, True, kesbangpol),
        ("Y.01", AnswerType.YES_NO, None, False, kesbangpol),
        ("P.01", AnswerType.PERCENT, None, False, kesbangpol),
        ("C.01", AnswerType.COUNT, 4.0, False, bpkad),
        # Regency and city only: does not apply to the province.
        ("R.01", AnswerType.LEVEL, None, False, kesbangpol),
    ]
    return await create_uji_framework(session, specs)


@pytest.fixture
async def world(session: AsyncSession) -> World:
    province = await create_region(session, code="64", name="Kalimantan Timur")
    city = await create_region(
        session, code="64.72", name="Kota Samarinda", parent=province, level=RegionLevel.CITY
    )
    other_province = await create_region(session, code="63", name="Kalimantan Selatan")
    other_city = await create_region(
        session, code="63.71", parent=other_province, level=RegionLevel.CITY
    )
    kesbangpol = await create_agency_type(session, code="kesbangpol", name="Kesbangpol")
    bpkad = await create_agency_type(session, code="bpkad", name="BPKAD")
    framework = await _framework(session, kesbangpol, bpkad)
    period, closed = await create_q4_open_q3_closed(
        session, framework, q4_deadline=date(2099, 1, 10)
    )
    await create_agency(session, region=city, agency_type=kesbangpol)
    await create_agency(session, region=city, agency_type=bpkad)
    await create_agency(session, region=other_city, agency_type=kesbangpol)
    province_admin = await create_user(
        session, username="admin.64", role=Role.ADMIN, region=province
    )
    viewer = await create_user(session, role=Role.VIEWER, region=province)
    return World(
        province=province,
        city=city,
        other_city=other_city,
        kesbangpol=kesbangpol,
        bpkad=bpkad,
        framework=framework,
        period=period,
        closed_period=closed,
        province_admin=province_admin,
        viewer=viewer,
    )


@pytest.fixture(autouse=True)
def storage(app: FastAPI, tmp_path: Path) -> Iterator[LocalStorage]:
    """Staging for uploads of this test only (never the project's var/)."""
    storage = LocalStorage(tmp_path / "evidence")
    app.state.evidence_storage = storage
    yield storage
    if hasattr(app.state, "evidence_storage"):
        del app.state.evidence_storage


async def upload(
    client: httpx.AsyncClient,
    kind: str,
    content: bytes,
    *,
    filename: str = "data.csv",
    dry_run: bool = False,
    headers: Headers | None = None,
) -> httpx.Response:
    return await client.post(
        IMPORTS,
        params={"kind": kind, "dry_run": str(dry_run).lower()},
        files={"file": (filename, content, "text/csv")},
        headers=headers or {},
    )


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


async def table_counts(session: AsyncSession) -> dict[str, Any]:
    counts = {}
    for model in (Submission, SubmissionVersion, AuditEvent, Region, User):
        counts[model.__name__] = await session.scalar(select(func.count()).select_from(model))
    return counts
