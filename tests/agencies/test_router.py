from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.fixtures.factories import create_agency, create_agency_type, create_region
from tests.helpers import API, assert_error, assert_page, codes


async def _agencies(session: AsyncSession) -> None:
    """Kesbangpol and BPKAD in Samarinda (64.72), Kesbangpol in the province (64)."""
    province = await create_region(session, code="64", name="Kalimantan Timur")
    city = await create_region(session, code="64.72", name="Kota Samarinda", parent=province)
    kesbangpol = await create_agency_type(session, code="kesbangpol", name="Kesbangpol")
    bpkad = await create_agency_type(session, code="bpkad", name="BPKAD")
    await create_agency(session, region=city, agency_type=kesbangpol)
    await create_agency(session, region=city, agency_type=bpkad)
    await create_agency(
        session, region=province, agency_type=kesbangpol, name="Kesbangpol Provinsi"
    )


class TestListAgencies:
    async def test_empty(self, client: httpx.AsyncClient) -> None:
        assert assert_page(await client.get(f"{API}/agencies"), total=0) == []

    async def test_ordered_by_code(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _agencies(session)
        items = assert_page(await client.get(f"{API}/agencies"), total=3)
        assert codes(items) == ["64.72.bpkad", "64.72.kesbangpol", "64.kesbangpol"]
        assert items[1] == {
            "code": "64.72.kesbangpol",
            "name": "Kesbangpol Kota Samarinda",
            "type_code": "kesbangpol",
            "type_name": "Kesbangpol",
            "region_code": "64.72",
            "region_name": "Kota Samarinda",
            "is_active": True,
        }

    async def test_filter_by_region_is_exact(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _agencies(session)
        response = await client.get(f"{API}/agencies", params={"region": "64"})
        assert codes(assert_page(response, total=1)) == ["64.kesbangpol"]
        response = await client.get(f"{API}/agencies", params={"region": "64.72"})
        assert codes(assert_page(response, total=2)) == ["64.72.bpkad", "64.72.kesbangpol"]

    async def test_filter_by_type(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _agencies(session)
        response = await client.get(f"{API}/agencies", params={"type": "kesbangpol"})
        assert codes(assert_page(response, total=2)) == ["64.72.kesbangpol", "64.kesbangpol"]
        response = await client.get(f"{API}/agencies", params={"type": "dukcapil"})
        assert_page(response, total=0)

    async def test_filters_combine(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _agencies(session)
        params = {"type": "kesbangpol", "region": "64.72"}
        response = await client.get(f"{API}/agencies", params=params)
        assert codes(assert_page(response, total=1)) == ["64.72.kesbangpol"]

    async def test_paging(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _agencies(session)
        response = await client.get(f"{API}/agencies", params={"limit": 1, "offset": 1})
        assert codes(assert_page(response, total=3, limit=1, offset=1)) == ["64.72.kesbangpol"]

    @pytest.mark.parametrize(
        ("param", "value"), [("region", "x64"), ("type", "Kesbangpol!"), ("type", "a" * 41)]
    )
    async def test_malformed_filter_is_422(
        self, client: httpx.AsyncClient, param: str, value: str
    ) -> None:
        response = await client.get(f"{API}/agencies", params={param: value})
        error = assert_error(response, 422, "invalid_input")
        assert ["query", param] in [d["loc"] for d in error["details"]]


class TestGetAgency:
    async def test_found(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _agencies(session)
        response = await client.get(f"{API}/agencies/64.72.bpkad")
        assert response.status_code == 200
        body = response.json()
        assert (body["code"], body["type_code"], body["region_code"]) == (
            "64.72.bpkad",
            "bpkad",
            "64.72",
        )

    async def test_unknown_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{API}/agencies/64.72.nothing")
        error = assert_error(response, 404, "agency_not_found")
        assert "64.72.nothing" in error["message"]


class TestListAgencyTypes:
    async def test_empty(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{API}/agency-types")
        assert response.status_code == 200
        assert response.json() == []

    async def test_ordered_by_code(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await create_agency_type(session, code="kesbangpol", name="Kesbangpol")
        await create_agency_type(session, code="bpkad", name="BPKAD")
        response = await client.get(f"{API}/agency-types")
        assert response.json() == [
            {"code": "bpkad", "name": "BPKAD"},
            {"code": "kesbangpol", "name": "Kesbangpol"},
        ]
