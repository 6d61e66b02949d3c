"""POST /regions and the wider PATCH /regions/{code}: where a new region may sit, who may
add or change it, and the audit trail of both."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import Region, RegionLevel, Role, User
from tests.auth.support import audit_events
from tests.fixtures.factories import create_region, create_user
from tests.helpers import API, assert_error

LoginAs = Callable[[User], Awaitable[dict[str, str]]]


async def _regions(session: AsyncSession) -> dict[str, Region]:
    kaltim = await create_region(session, code="64", name="Kalimantan Timur")
    papua = await create_region(session, code="94", name="Papua")
    samarinda = await create_region(
        session, code="64.72", name="Kota Samarinda", level=RegionLevel.CITY, parent=kaltim
    )
    jayapura = await create_region(
        session, code="94.71", name="Kota Jayapura", level=RegionLevel.CITY, parent=papua
    )
    await session.commit()
    return {"64": kaltim, "94": papua, "64.72": samarinda, "94.71": jayapura}


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "64.75",
        "name": "Kabupaten Baru",
        "level": "regency",
        "parent": "64",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


class TestCreate:
    async def test_regency_after_a_split(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        response = await client.post(f"{API}/regions", json=_body(bps_code="6475"))
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["code"] == "64.75"
        assert body["parent_code"] == "64"
        assert body["level"] == "regency"
        assert body["bps_code"] == "6475"
        assert body["time_zone"] == "Asia/Makassar"  # inherited from its province
        assert body["own_time_zone"] is None
        listed = (await client.get(f"{API}/regions", params={"parent": "64"})).json()
        assert "64.75" in [r["code"] for r in listed["items"]]
        (event,) = await audit_events(session, action="region.create")
        assert event.entity_id == "64.75"
        assert event.before is None
        assert event.after is not None and event.after["name"] == "Kabupaten Baru"

    async def test_province_by_national_admin(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        body = {"code": "66", "name": "Provinsi Baru", "level": "province"}
        response = await client.post(f"{API}/regions", json=body)
        assert response.status_code == 201, response.text
        assert response.json()["parent_code"] is None

    async def test_own_time_zone(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _regions(session)
        response = await client.post(f"{API}/regions", json=_body(time_zone="WIT"))
        assert response.status_code == 201, response.text
        assert response.json()["own_time_zone"] == "Asia/Jayapura"

    async def test_existing_code_is_409(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        response = await client.post(f"{API}/regions", json=_body(code="64.72", level="city"))
        assert_error(response, 409, "region_exists")

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"code": "6475"}, "code"),
            ({"code": "64.7"}, "code"),
            ({"code": "64.75.01"}, "code"),
            ({"code": 64.75}, "code"),
            ({"code": "64"}, "code"),  # a regency's code has two parts
            ({"level": "district"}, "level"),
            ({"level": "province"}, "code"),  # NN.NN is not a province's code
            ({"parent": "63"}, "parent"),  # the code says province 64
            ({"parent": None}, "parent"),
            ({"parent": ...}, "parent"),
            ({"parent": "64.72"}, "parent"),
            ({"name": ""}, "name"),
            ({"name": "   "}, "name"),
            ({"name": "Kab\u200bBaru"}, "name"),
            ({"name": "x" * 201}, "name"),
            ({"name": ...}, "name"),
            ({"bps_code": "64-75"}, "bps_code"),
            ({"time_zone": "UTC"}, "time_zone"),
            ({"extra": 1}, "extra"),
        ],
    )
    async def test_bad_input_is_422_naming_the_field(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        changes: dict[str, Any],
        field: str,
    ) -> None:
        await _regions(session)
        error = assert_error(
            await client.post(f"{API}/regions", json=_body(**changes)), 422, "invalid_input"
        )
        assert field in [d["loc"][1] for d in error["details"] if len(d["loc"]) > 1]
        assert not await audit_events(session, action="region.create")

    async def test_province_with_parent_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        body = {"code": "66", "name": "Provinsi Baru", "level": "province", "parent": "64"}
        error = assert_error(await client.post(f"{API}/regions", json=body), 422, "invalid_input")
        assert ["body", "parent"] in [d["loc"] for d in error["details"]]

    async def test_unknown_parent_is_404(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        response = await client.post(f"{API}/regions", json=_body(code="65.01", parent="65"))
        assert_error(response, 404, "region_not_found")

    async def test_provincial_admin_in_its_province_only(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _regions(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        headers = await login_as(admin)
        other = _body(code="94.75", parent="94")
        response = await anon_client.post(f"{API}/regions", json=other, headers=headers)
        assert_error(response, 404, "region_not_found")
        province = {"code": "66", "name": "Provinsi Baru", "level": "province"}
        response = await anon_client.post(f"{API}/regions", json=province, headers=headers)
        assert_error(response, 403, "province_needs_national_admin")
        response = await anon_client.post(f"{API}/regions", json=_body(), headers=headers)
        assert response.status_code == 201, response.text

    @pytest.mark.parametrize("role", [Role.VERIFIER, Role.VIEWER, Role.OPERATOR])
    async def test_other_roles_are_403(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        login_as: LoginAs,
        role: Role,
    ) -> None:
        regions = await _regions(session)
        user = await create_user(session, role=role, region=regions["64.72"])
        response = await anon_client.post(
            f"{API}/regions", json=_body(), headers=await login_as(user)
        )
        assert response.status_code == 403, response.text

    async def test_unauthenticated_is_401(
        self, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        response = await anon_client.post(f"{API}/regions", json=_body())
        assert response.status_code == 401, response.text


class TestUpdate:
    async def test_rename_and_bps_code(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        body = {"name": "Kota Samarinda Baru", "bps_code": "6472"}
        response = await client.patch(f"{API}/regions/64.72", json=body)
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["name"] == "Kota Samarinda Baru"
        assert data["bps_code"] == "6472"
        assert data["own_time_zone"] is None  # not sent, not changed
        (event,) = await audit_events(session, action="region.update")
        assert event.before == {"name": "Kota Samarinda", "bps_code": None}
        assert event.after == body

    async def test_clearing_bps_code(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        await client.patch(f"{API}/regions/64.72", json={"bps_code": "6472"})
        response = await client.patch(f"{API}/regions/64.72", json={"bps_code": None})
        assert response.json()["bps_code"] is None

    async def test_same_values_record_nothing(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        response = await client.patch(f"{API}/regions/64.72", json={"name": "Kota Samarinda"})
        assert response.status_code == 200, response.text
        assert not await audit_events(session, action="region.update")

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"name": None}, "name"),
            ({"name": ""}, "name"),
            ({"name": "a\u202eb"}, "name"),
            ({"bps_code": "abc"}, "bps_code"),
            ({"bps_code": 6472}, "bps_code"),
            ({"level": "city"}, "level"),
            ({"code": "64.73"}, "code"),
        ],
    )
    async def test_bad_input_is_422(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        payload: dict[str, Any],
        field: str,
    ) -> None:
        await _regions(session)
        error = assert_error(
            await client.patch(f"{API}/regions/64.72", json=payload), 422, "invalid_input"
        )
        assert field in [d["loc"][1] for d in error["details"] if len(d["loc"]) > 1]

    async def test_other_province_is_404(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _regions(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        response = await anon_client.patch(
            f"{API}/regions/94.71", json={"name": "X"}, headers=await login_as(admin)
        )
        assert_error(response, 404, "region_not_found")
