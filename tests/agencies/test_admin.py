"""POST /agencies and PATCH /agencies/{code}: in the admin's scope, audited, and
deactivation that keeps the agency's history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import Agency, Region, Role, User
from tests.auth.support import audit_events
from tests.fixtures.factories import create_agency, create_agency_type, create_region, create_user
from tests.helpers import API, assert_error

LoginAs = Callable[[User], Awaitable[dict[str, str]]]


async def _setup(session: AsyncSession) -> dict[str, Region]:
    kaltim = await create_region(session, code="64", name="Kalimantan Timur")
    papua = await create_region(session, code="94", name="Papua")
    samarinda = await create_region(session, code="64.72", name="Kota Samarinda", parent=kaltim)
    jayapura = await create_region(session, code="94.71", name="Kota Jayapura", parent=papua)
    kesbangpol = await create_agency_type(session, code="kesbangpol", name="Kesbangpol")
    await create_agency_type(session, code="bpkad", name="BPKAD")
    await create_agency(session, region=samarinda, agency_type=kesbangpol)
    await create_agency(session, region=jayapura, agency_type=kesbangpol)
    await session.commit()
    return {"64": kaltim, "94": papua, "64.72": samarinda, "94.71": jayapura}


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "64.72.bpkad",
        "region": "64.72",
        "type": "bpkad",
        "name": "BPKAD Kota Samarinda",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


class TestCreate:
    async def test_created_and_audited(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _setup(session)
        response = await client.post(f"{API}/agencies", json=_body())
        assert response.status_code == 201, response.text
        assert response.json() == {
            "code": "64.72.bpkad",
            "name": "BPKAD Kota Samarinda",
            "type_code": "bpkad",
            "type_name": "BPKAD",
            "region_code": "64.72",
            "region_name": "Kota Samarinda",
            "is_active": True,
        }
        (event,) = await audit_events(session, action="agency.create")
        assert event.entity_id == "64.72.bpkad"
        assert event.before is None
        assert event.after is not None and event.after["type"] == "bpkad"

    async def test_existing_is_409(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _setup(session)
        body = _body(code="64.72.kesbangpol", type="kesbangpol")
        assert_error(await client.post(f"{API}/agencies", json=body), 409, "agency_exists")

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"type": "dinas_x", "code": "64.72.dinas_x"}, "type"),
            ({"region": "64.99", "code": "64.99.bpkad"}, "region"),
            ({"code": "64.72.kesbangpol"}, "code"),  # must be <region>.<type>
            ({"name": ""}, "name"),
            ({"name": "a\u200bb"}, "name"),
            ({"name": "x" * 301}, "name"),
            ({"name": ...}, "name"),
            ({"type": 5}, "type"),
            ({"region": ...}, "region"),
            ({"is_active": False}, "is_active"),
        ],
    )
    async def test_bad_input_is_422_naming_the_field(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        changes: dict[str, Any],
        field: str,
    ) -> None:
        await _setup(session)
        error = assert_error(
            await client.post(f"{API}/agencies", json=_body(**changes)), 422, "invalid_input"
        )
        assert field in [d["loc"][1] for d in error["details"] if len(d["loc"]) > 1]

    async def test_other_province_is_unknown_region(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _setup(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        headers = await login_as(admin)
        body = _body(code="94.71.bpkad", region="94.71")
        error = assert_error(
            await anon_client.post(f"{API}/agencies", json=body, headers=headers),
            422,
            "invalid_input",
        )
        assert ["body", "region"] in [d["loc"] for d in error["details"]]
        response = await anon_client.post(f"{API}/agencies", json=_body(), headers=headers)
        assert response.status_code == 201, response.text

    @pytest.mark.parametrize("role", [Role.VERIFIER, Role.VIEWER])
    async def test_other_roles_are_403(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        login_as: LoginAs,
        role: Role,
    ) -> None:
        regions = await _setup(session)
        user = await create_user(session, role=role, region=regions["64"])
        headers = await login_as(user)
        response = await anon_client.post(f"{API}/agencies", json=_body(), headers=headers)
        assert response.status_code == 403, response.text
        response = await anon_client.patch(
            f"{API}/agencies/64.72.kesbangpol", json={"name": "X"}, headers=headers
        )
        assert response.status_code == 403, response.text

    async def test_unauthenticated_is_401(
        self, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _setup(session)
        assert (await anon_client.post(f"{API}/agencies", json=_body())).status_code == 401


class TestUpdate:
    async def test_rename_and_deactivate(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _setup(session)
        body = {"name": "Badan Kesbangpol Samarinda", "is_active": False}
        response = await client.patch(f"{API}/agencies/64.72.kesbangpol", json=body)
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Badan Kesbangpol Samarinda"
        assert response.json()["is_active"] is False
        # Kept, with its history: it is still listed and readable.
        agency = await session.scalar(select(Agency).where(Agency.code == "64.72.kesbangpol"))
        assert agency is not None
        (event,) = await audit_events(session, action="agency.update")
        assert event.before == {"name": "Kesbangpol Kota Samarinda", "is_active": True}
        assert event.after == body
        again = await client.patch(f"{API}/agencies/64.72.kesbangpol", json={"is_active": True})
        assert again.json()["is_active"] is True

    async def test_no_change_records_nothing(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _setup(session)
        response = await client.patch(f"{API}/agencies/64.72.kesbangpol", json={"is_active": True})
        assert response.status_code == 200, response.text
        assert not await audit_events(session, action="agency.update")

    @pytest.mark.parametrize(
        "payload",
        [{}, {"name": None}, {"is_active": None}, {"is_active": "maybe"}, {"type": "bpkad"}, []],
    )
    async def test_bad_input_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession, payload: object
    ) -> None:
        await _setup(session)
        response = await client.patch(f"{API}/agencies/64.72.kesbangpol", json=payload)
        assert_error(response, 422, "invalid_input")

    async def test_unknown_and_other_province_are_404(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _setup(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        headers = await login_as(admin)
        for code in ("94.71.kesbangpol", "64.72.nothing"):
            response = await anon_client.patch(
                f"{API}/agencies/{code}", json={"name": "X"}, headers=headers
            )
            assert_error(response, 404, "agency_not_found")
