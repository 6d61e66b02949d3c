from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import RegionLevel
from tests.fixtures.factories import create_agency, create_region
from tests.helpers import API, assert_error, assert_page, codes


async def _kaltim(session: AsyncSession) -> None:
    """Province 64 with two regencies and a city, and province 63 with one regency."""
    kaltim = await create_region(session, code="64", name="Kalimantan Timur")
    await create_region(session, code="64.02", name="Kabupaten Kutai Kartanegara", parent=kaltim)
    await create_region(
        session, code="64.72", name="Kota Samarinda", parent=kaltim, level=RegionLevel.CITY
    )
    await create_region(session, code="64.01", name="Kabupaten Paser", parent=kaltim)
    kalsel = await create_region(session, code="63", name="Kalimantan Selatan")
    await create_region(session, code="63.71", name="Kota Banjarmasin", parent=kalsel)


class TestListRegions:
    async def test_empty(self, client: httpx.AsyncClient) -> None:
        assert assert_page(await client.get(f"{API}/regions"), total=0) == []

    async def test_ordered_by_code_with_parent(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _kaltim(session)
        items = assert_page(await client.get(f"{API}/regions"), total=6)
        assert codes(items) == ["63", "63.71", "64", "64.01", "64.02", "64.72"]
        samarinda = items[-1]
        assert samarinda == {
            "code": "64.72",
            "name": "Kota Samarinda",
            "level": "city",
            "parent_code": "64",
            "bps_code": None,
            "time_zone": "Asia/Makassar",
            "time_zone_abbreviation": "WITA",
            "own_time_zone": None,
        }
        assert items[0]["parent_code"] is None

    async def test_filter_by_level(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _kaltim(session)
        items = assert_page(
            await client.get(f"{API}/regions", params={"level": "province"}), total=2
        )
        assert codes(items) == ["63", "64"]
        items = assert_page(await client.get(f"{API}/regions", params={"level": "city"}), total=1)
        assert codes(items) == ["64.72"]

    async def test_filter_by_parent(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _kaltim(session)
        items = assert_page(await client.get(f"{API}/regions", params={"parent": "64"}), total=3)
        assert codes(items) == ["64.01", "64.02", "64.72"]
        assert_page(await client.get(f"{API}/regions", params={"parent": "99"}), total=0)

    async def test_filters_combine(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _kaltim(session)
        response = await client.get(f"{API}/regions", params={"parent": "64", "level": "regency"})
        assert codes(assert_page(response, total=2)) == ["64.01", "64.02"]

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("samarinda", ["64.72"]),  # case-insensitive name match
            ("KALIMANTAN", ["63", "64"]),
            ("64.7", ["64.72"]),  # code prefix
            ("kota", ["63.71", "64.72"]),
            ("%", []),  # LIKE wildcards are searched for literally
            ("_", []),
        ],
    )
    async def test_search(
        self, client: httpx.AsyncClient, session: AsyncSession, q: str, expected: list[str]
    ) -> None:
        await _kaltim(session)
        response = await client.get(f"{API}/regions", params={"q": q})
        assert codes(assert_page(response, total=len(expected))) == expected

    async def test_paging(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _kaltim(session)
        response = await client.get(f"{API}/regions", params={"limit": 2, "offset": 2})
        assert codes(assert_page(response, total=6, limit=2, offset=2)) == ["64", "64.01"]
        response = await client.get(f"{API}/regions", params={"limit": 2, "offset": 10})
        assert assert_page(response, total=6, limit=2, offset=10) == []

    async def test_bad_level_is_422(self, client: httpx.AsyncClient) -> None:
        error = assert_error(
            await client.get(f"{API}/regions", params={"level": "village"}), 422, "invalid_input"
        )
        assert ["query", "level"] in [d["loc"] for d in error["details"]]

    @pytest.mark.parametrize("parent", ["abc", "6", "64.", "64.7"])
    async def test_malformed_parent_is_422(self, client: httpx.AsyncClient, parent: str) -> None:
        response = await client.get(f"{API}/regions", params={"parent": parent})
        error = assert_error(response, 422, "invalid_input")
        assert ["query", "parent"] in [d["loc"] for d in error["details"]]


class TestGetRegion:
    async def test_detail_with_counts(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _kaltim(session)
        response = await client.get(f"{API}/regions/64")
        assert response.status_code == 200
        assert response.json() == {
            "code": "64",
            "name": "Kalimantan Timur",
            "level": "province",
            "parent_code": None,
            "parent_name": None,
            "bps_code": None,
            "time_zone": "Asia/Makassar",
            "time_zone_abbreviation": "WITA",
            "own_time_zone": "Asia/Makassar",
            "children_count": 3,
            "agencies_count": 0,
        }

    async def test_child_names_parent_and_counts_agencies(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        province = await create_region(session, code="64", name="Kalimantan Timur")
        city = await create_region(session, code="64.72", parent=province, bps_code="6472")
        await create_agency(session, region=city)
        await create_agency(session, region=city)
        body = (await client.get(f"{API}/regions/64.72")).json()
        assert body["parent_code"] == "64"
        assert body["parent_name"] == "Kalimantan Timur"
        assert body["bps_code"] == "6472"
        assert (body["children_count"], body["agencies_count"]) == (0, 2)

    async def test_unknown_is_404(self, client: httpx.AsyncClient) -> None:
        error = assert_error(await client.get(f"{API}/regions/99.99"), 404, "region_not_found")
        assert "99.99" in error["message"]

    async def test_too_long_code_is_422(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get(f"{API}/regions/{'1' * 21}"), 422, "invalid_input")
