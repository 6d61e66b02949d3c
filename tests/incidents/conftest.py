"""A small world for quick incident reports: Kalimantan Timur (64) with Samarinda (64.72)
and Paser (64.01), another province (63) with a city; the people who file, handle and
read incidents there; helpers to file one and take its steps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.storage import LocalStorage
from siaga.models import Region, RegionBoundary, RegionLevel, Role, User
from tests.auth.support import committed, committed_app, committed_database_url
from tests.fixtures.factories import (
    create_agency,
    create_agency_type,
    create_region,
    create_user,
)
from tests.helpers import API

__all__ = ["committed", "committed_app", "committed_database_url"]

Headers = dict[str, str]
LoginAs = Callable[[User], Awaitable[Headers]]
INCIDENTS = f"{API}/incidents"
ESCALATION_REASON = "Massa bertambah dan aparat setempat meminta dukungan provinsi"


@dataclass
class World:
    province: Region  # 64
    city: Region  # 64.72
    regency: Region  # 64.01
    other_city: Region  # 63.71
    coordinator: User  # 64.72
    operator: User  # Kesbangpol of 64.72
    bpkad_operator: User  # another agency of 64.72
    regency_coordinator: User  # 64.01
    province_coordinator: User  # 64 (the province Pemda's own)
    verifier: User  # 64
    viewer: User  # 64
    province_admin: User  # 64
    national_verifier: User
    national_admin: User
    national_viewer: User
    foreign_coordinator: User  # 63.71


@pytest.fixture
async def world(session: AsyncSession) -> World:
    province = await create_region(session, code="64", name="Kalimantan Timur")
    city = await create_region(
        session, code="64.72", name="Kota Samarinda", parent=province, level=RegionLevel.CITY
    )
    regency = await create_region(session, code="64.01", name="Kabupaten Paser", parent=province)
    other_province = await create_region(session, code="63", name="Kalimantan Selatan")
    other_city = await create_region(
        session, code="63.71", name="Kota Banjarmasin", parent=other_province,
        level=RegionLevel.CITY,
    )  # fmt: skip
    # Samarinda's outline, roughly: points of its incidents must lie near it.
    session.add(
        RegionBoundary(
            region_id=city.id,
            geometry={
                "type": "Polygon",
                "coordinates": [
                    [[117.0, -0.7], [117.3, -0.7], [117.3, -0.35], [117.0, -0.35], [117.0, -0.7]]
                ],
            },
            point_count=5,
        )
    )
    kesbangpol = await create_agency_type(session, code="kesbangpol", name="Kesbangpol")
    bpkad = await create_agency_type(session, code="bpkad", name="BPKAD")
    kesbangpol_city = await create_agency(session, region=city, agency_type=kesbangpol)
    bpkad_city = await create_agency(session, region=city, agency_type=bpkad)
    return World(
        province=province,
        city=city,
        regency=regency,
        other_city=other_city,
        coordinator=await create_user(
            session, username="koordinator.64.72", role=Role.COORDINATOR, region=city
        ),
        operator=await create_user(
            session, role=Role.OPERATOR, region=city, agency=kesbangpol_city
        ),
        bpkad_operator=await create_user(
            session, role=Role.OPERATOR, region=city, agency=bpkad_city
        ),
        regency_coordinator=await create_user(session, role=Role.COORDINATOR, region=regency),
        province_coordinator=await create_user(session, role=Role.COORDINATOR, region=province),
        verifier=await create_user(
            session, username="verifikator.64", role=Role.VERIFIER, region=province
        ),
        viewer=await create_user(session, role=Role.VIEWER, region=province),
        province_admin=await create_user(session, role=Role.ADMIN, region=province),
        national_verifier=await create_user(
            session, username="verifikator.nasional", role=Role.VERIFIER
        ),
        national_admin=await create_user(session, role=Role.ADMIN),
        national_viewer=await create_user(session, role=Role.VIEWER),
        foreign_coordinator=await create_user(session, role=Role.COORDINATOR, region=other_city),
    )


@pytest.fixture(autouse=True)
def storage(app: FastAPI, tmp_path: Path) -> Iterator[LocalStorage]:
    """This test's files in its own directory (never the project's var/)."""
    storage = LocalStorage(tmp_path / "evidence")
    app.state.evidence_storage = storage
    yield storage
    if hasattr(app.state, "evidence_storage"):
        del app.state.evidence_storage


def body(region: str = "64.72", **overrides: Any) -> dict[str, Any]:
    """A valid filing; `overrides` replace its fields (location as a whole)."""
    occurred = datetime.now(UTC) - timedelta(hours=2)
    values: dict[str, Any] = {
        "region": region,
        "category": "konflik_pendukung",
        "severity": "tinggi",
        "occurred_at": occurred.isoformat(),
        "title": "Bentrok pendukung di depan kantor KPU",
        "description": "Dua kelompok pendukung saling dorong; dua orang luka ringan.",
        "location": {
            "district": "Samarinda Ulu",
            "village": "Air Hitam",
            "lat": -0.4948,
            "lon": 117.1436,
        },
        "actions_taken": "Satpol PP dan Polresta memisahkan massa.",
    }
    values.update(overrides)
    return values


def url(number: str, action: str = "") -> str:
    return f"{INCIDENTS}/{number}" + (f"/{action}" if action else "")


async def file(
    client: httpx.AsyncClient, headers: Headers, region: str = "64.72", **overrides: Any
) -> dict[str, Any]:
    response = await client.post(INCIDENTS, json=body(region, **overrides), headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def step(
    client: httpx.AsyncClient, headers: Headers, number: str, state: str | None, note: str = ""
) -> httpx.Response:
    payload: dict[str, Any] = {"note": note or f"Catatan untuk {state or 'kejadian'}"}
    if state is not None:
        payload["state"] = state
    return await client.post(url(number, "updates"), json=payload, headers=headers)


async def escalate(
    client: httpx.AsyncClient, headers: Headers, number: str, reason: str = ESCALATION_REASON
) -> httpx.Response:
    return await client.post(url(number, "escalate"), json={"reason": reason}, headers=headers)
