"""A small world for evidence: one province with a city, another province with a city,
an open and a closed period, operators of the answering agency and of others."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.storage import LocalStorage
from siaga.models import Framework, Period, PeriodState, Region, RegionLevel, Role, User
from tests.evidence import files
from tests.fixtures.factories import (
    create_agency,
    create_agency_type,
    create_framework,
    create_period,
    create_region,
    create_user,
)
from tests.helpers import API

Headers = dict[str, str]
LoginAs = Callable[[User], Awaitable[Headers]]


@dataclass
class World:
    province: Region
    city: Region
    other_city: Region
    framework: Framework
    period: Period
    closed_period: Period
    operator: User  # answers D1.01 and D1.02 for the city
    colleague: User  # another operator of the same agency
    other_agency_operator: User  # same city, an agency type that answers nothing here
    foreign_operator: User  # same agency type, the other province's city
    verifier: User  # the province
    viewer: User  # the province
    foreign_viewer: User  # the other province
    indicator: str = "D1.01"
    other_indicator: str = "D1.02"

    def answer_url(self, indicator: str | None = None, period: Period | None = None) -> str:
        period = period or self.period
        return f"{API}/submissions/{period.code}/{self.city.code}/{indicator or self.indicator}"

    def upload_url(self, indicator: str | None = None, period: Period | None = None) -> str:
        return self.answer_url(indicator, period) + "/evidence"


@pytest.fixture
async def world(session: AsyncSession) -> World:
    province = await create_region(session)
    city = await create_region(session, parent=province, level=RegionLevel.CITY)
    other_province = await create_region(session)
    other_city = await create_region(session, parent=other_province, level=RegionLevel.CITY)
    kesbangpol = await create_agency_type(session)
    unrelated = await create_agency_type(session)
    framework = await create_framework(
        session, dimensions=1, indicators_per_dimension=2, agency_type=kesbangpol
    )
    period = await create_period(
        session,
        framework=framework,
        start_date=date(2023, 10, 1),
        end_date=date(2023, 12, 31),
        deadline=date(2099, 1, 10),
        state=PeriodState.OPEN,
    )
    closed = await create_period(session, framework=framework, state=PeriodState.CLOSED)
    agency = await create_agency(session, region=city, agency_type=kesbangpol)
    other_agency = await create_agency(session, region=city, agency_type=unrelated)
    foreign_agency = await create_agency(session, region=other_city, agency_type=kesbangpol)
    return World(
        province=province,
        city=city,
        other_city=other_city,
        framework=framework,
        period=period,
        closed_period=closed,
        operator=await create_user(session, role=Role.OPERATOR, agency=agency, region=city),
        colleague=await create_user(session, role=Role.OPERATOR, agency=agency, region=city),
        other_agency_operator=await create_user(
            session, role=Role.OPERATOR, agency=other_agency, region=city
        ),
        foreign_operator=await create_user(
            session, role=Role.OPERATOR, agency=foreign_agency, region=other_city
        ),
        verifier=await create_user(session, role=Role.VERIFIER, region=province),
        viewer=await create_user(session, role=Role.VIEWER, region=province),
        foreign_viewer=await create_user(session, role=Role.VIEWER, region=other_province),
    )


@pytest.fixture(autouse=True)
def storage(app: FastAPI, tmp_path: Path) -> Iterator[LocalStorage]:
    """Evidence of this test only, in its own directory (never the project's var/)."""
    storage = LocalStorage(tmp_path / "evidence")
    app.state.evidence_storage = storage
    yield storage
    # A test may have swapped in another backend, or had the app build one.
    if hasattr(app.state, "evidence_storage"):
        del app.state.evidence_storage


@pytest.fixture
async def operator_headers(world: World, login_as: LoginAs) -> Headers:
    return await login_as(world.operator)


async def create_draft(
    client: httpx.AsyncClient, world: World, headers: Headers, indicator: str | None = None
) -> str:
    """A draft answer made through the API as the operator; returns its ETag."""
    response = await client.put(
        world.answer_url(indicator), json={"value": 1, "narrative": ""}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.headers["etag"]


async def upload(
    client: httpx.AsyncClient,
    url: str,
    headers: Headers,
    content: bytes,
    filename: str = "bukti.pdf",
    *,
    content_type: str = "application/pdf",
) -> httpx.Response:
    return await client.post(
        url,
        content=files.multipart(content, filename, content_type=content_type),
        headers={**headers, "Content-Type": files.CONTENT_TYPE},
    )


def stored_files(storage: LocalStorage) -> list[Path]:
    """Every file under the storage root, staging included."""
    if not storage.root.exists():
        return []
    return sorted(p for p in storage.root.rglob("*") if p.is_file())


def staging_files(storage: LocalStorage) -> list[Path]:
    if not storage.staging_dir.exists():
        return []
    return sorted(storage.staging_dir.iterdir())


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from tests.evidence.s3 import moto_server

    with moto_server() as endpoint:
        yield endpoint
