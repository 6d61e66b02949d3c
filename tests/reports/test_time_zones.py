"""The PDF report tells time on the Pemda's clock, with the zone named."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.exports.world import World, build_world
from tests.helpers import API
from tests.reports.test_router import pdf_text


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


@pytest.mark.parametrize(("zone", "name"), [("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT")])
async def test_a_citys_report_uses_its_provinces_zone(
    client: httpx.AsyncClient, session: AsyncSession, world: World, zone: str, name: str
) -> None:
    world.written.regions["64"].time_zone = zone
    await session.flush()
    text = pdf_text(await client.get(f"{API}/reports/64.72/2023-Q4.pdf"))
    assert re.search(
        rf"Tanggal cetak : \d{{1,2}} [A-Z][a-z]+ \d{{4}}, pukul \d\d\.\d\d {name}\b", text
    )
    assert f"Batas pengisian : 10 Januari 2024, pukul 23.59 {name}" in text
    assert "WIB" not in text


async def test_without_a_zone_the_deployments_default_is_named(
    client: httpx.AsyncClient, world: World
) -> None:
    # The builders store no zone: SIAGA_TIMEZONE (Asia/Jakarta) applies, and says so.
    text = pdf_text(await client.get(f"{API}/reports/64/2023-Q4.pdf"))
    assert "Batas pengisian : 10 Januari 2024, pukul 23.59 WIB" in text
