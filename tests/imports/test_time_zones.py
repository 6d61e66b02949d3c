"""Imports judge lateness like the API: midnight ending the deadline in each region's zone,
and the regions import takes an optional time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.imports import service as imports_service
from siaga.models import AuditEvent, Region, Submission
from tests.imports.conftest import World, csv_bytes, upload


async def test_submitted_answers_are_late_by_their_regions_zone(
    client: httpx.AsyncClient,
    session: AsyncSession,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert world.period.deadline == date(2099, 1, 10)
    world.other_city.time_zone = "Asia/Jakarta"  # 63.71 keeps WIB, 64.72 inherits WITA
    await session.flush()
    # 23:30 WIB on the deadline day = 00:30 WITA on the next.
    instant = datetime(2099, 1, 10, 16, 30, tzinfo=UTC)
    monkeypatch.setattr(imports_service, "utcnow", lambda: instant)
    response = await upload(
        client,
        "submissions",
        csv_bytes(
            "period,region,indicator,value,narrative,status",
            "2023-Q4,64.72,Y.01,ya,,submitted",
            "2023-Q4,63.71,Y.01,ya,,submitted",
        ),
    )
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["created"] == 2
    late = dict(
        (
            await session.execute(
                select(Submission.region_id, Submission.is_late).execution_options(
                    populate_existing=True
                )
            )
        ).all()
    )
    assert late == {world.city.id: True, world.other_city.id: False}


def _zones(rows: list[Any]) -> dict[str, str | None]:
    return {code: zone for code, zone in rows}


async def test_regions_import_sets_and_defaults_zones(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    response = await upload(
        client,
        "regions",
        csv_bytes(
            "code,name,level,time_zone",
            "94,Papua,province,",
            "94.71,Kota Jayapura,city,",
            "64.02,Kabupaten Kutai Kartanegara,regency,wib",
            "64.72,Kota Samarinda,city,Asia/Jayapura",
        ),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["counts"]["errors"] == 0, body["errors"]
    rows = await session.execute(
        select(Region.code, Region.time_zone)
        .where(Region.code.in_(["94", "94.71", "64.02", "64.72"]))
        .execution_options(populate_existing=True)
    )
    assert _zones(list(rows)) == {
        "94": "Asia/Jayapura",  # from its code
        "94.71": None,  # inherits Papua's
        "64.02": "Asia/Jakarta",  # the abbreviation, stored as its IANA name
        "64.72": "Asia/Jayapura",
    }
    audit = await session.scalar(
        select(AuditEvent.before).where(
            AuditEvent.action == "region.imported", AuditEvent.entity_id == "64.72"
        )
    )
    assert audit is not None and audit["time_zone"] is None

    # A file without the column keeps the stored zones.
    response = await upload(
        client, "regions", csv_bytes("code,name,level", "64.72,Kota Samarinda,city")
    )
    assert response.json()["counts"]["unchanged"] == 1
    stored = await session.scalar(
        select(Region.time_zone)
        .where(Region.code == "64.72")
        .execution_options(populate_existing=True)
    )
    assert stored == "Asia/Jayapura"


@pytest.mark.parametrize("zone", ["UTC", "Asia/Singapore", "WITA+1", "Europe/Paris"])
async def test_regions_import_refuses_an_unknown_zone_naming_the_column(
    client: httpx.AsyncClient, session: AsyncSession, world: World, zone: str
) -> None:
    response = await upload(
        client,
        "regions",
        csv_bytes("code,name,level,time_zone", f"64.72,Kota Samarinda,city,{zone}"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (2, "time_zone", "invalid_time_zone")
    ]
    stored = await session.scalar(
        select(Region.time_zone)
        .where(Region.code == "64.72")
        .execution_options(populate_existing=True)
    )
    assert stored is None
