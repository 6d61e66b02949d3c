"""Coordinator accounts (issue 19 item 1): bound to one Pemda and to no agency, through
POST /users, the users import and the command line alike."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from siaga.cli import app
from siaga.core.security import ROLE_CAPABILITIES, Capability, Principal
from siaga.models import Region, Role, User
from siaga.users.rules import Account, Refusal, may_manage
from tests.fixtures.factories import create_agency, create_region, create_user
from tests.helpers import API, assert_error
from tests.imports.conftest import csv_bytes, upload

USERS = f"{API}/users"
GOOD_PASSWORD = "Benteng-Kokoh-Samarinda-7"
LoginAs = Callable[[User], Awaitable[dict[str, str]]]


async def _regions(session: AsyncSession) -> dict[str, Region]:
    kaltim = await create_region(session, code="64", name="Kalimantan Timur")
    samarinda = await create_region(session, code="64.72", name="Kota Samarinda", parent=kaltim)
    return {"64": kaltim, "64.72": samarinda}


def _new(**fields: Any) -> dict[str, Any]:
    return {
        "username": "koordinator.baru",
        "role": "coordinator",
        "password": GOOD_PASSWORD,
        **fields,
    }


def test_a_coordinator_reads_and_nothing_more() -> None:
    assert ROLE_CAPABILITIES[Role.COORDINATOR] == frozenset({Capability.READ})


class TestCreate:
    @pytest.mark.parametrize("region", ["64", "64.72"])
    async def test_scoped_to_one_pemda(
        self, client: httpx.AsyncClient, session: AsyncSession, region: str
    ) -> None:
        await _regions(session)
        response = await client.post(USERS, json=_new(region=region))
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["role"], body["region_code"], body["agency_code"]) == (
            "coordinator",
            region,
            None,
        )

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({}, "region"),  # a coordinator is never national
            ({"region": "99"}, "region"),
            ({"region": "64.72", "agency": "64.72.kesbangpol"}, "agency"),
        ],
        ids=["no-region", "unknown-region", "with-agency"],
    )
    async def test_needs_exactly_a_region(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        fields: dict[str, Any],
        field: str,
    ) -> None:
        regions = await _regions(session)
        await create_agency(session, region=regions["64.72"], code="64.72.kesbangpol")
        error = assert_error(await client.post(USERS, json=_new(**fields)), 422, "invalid_input")
        assert field in {d.get("field") for d in error["details"]}
        assert await session.scalar(select(User).where(User.username == "koordinator.baru")) is None

    async def test_a_provincial_administrator_creates_its_coordinators(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _regions(session)
        await create_region(session, code="63", name="Kalimantan Selatan")
        admin = await login_as(await create_user(session, role=Role.ADMIN, region=regions["64"]))
        created = await anon_client.post(USERS, json=_new(region="64.72"), headers=admin)
        assert created.status_code == 201, created.text
        elsewhere = await anon_client.post(
            USERS, json=_new(username="koordinator.lain", region="63"), headers=admin
        )
        assert_error(elsewhere, 422, "invalid_input")


@pytest.mark.parametrize(
    ("role", "status"),
    [("verifier", 201), ("admin", 201), ("viewer", 422), ("coordinator", 422)],
)
async def test_only_administrators_and_verifiers_may_be_national(
    client: httpx.AsyncClient, role: str, status: int
) -> None:
    """The Ministry's verifier (national scope) reviews the provinces' own answers."""
    response = await client.post(USERS, json=_new(username=f"nasional.{role}", role=role))
    assert response.status_code == status, response.text
    if status == 201:
        assert response.json()["region_code"] is None


def test_who_manages_a_coordinator() -> None:
    provincial = Principal(
        kind="user",
        id=1,
        label="admin.64",
        capabilities=ROLE_CAPABILITIES[Role.ADMIN],
        region_code="64",
        role=Role.ADMIN,
    )
    assert may_manage(provincial, None, Account.user(Role.COORDINATOR, "64.72")) is None
    refusal = may_manage(provincial, None, Account.user(Role.COORDINATOR, "63.71"))
    assert refusal is Refusal.OUT_OF_SCOPE


class TestImport:
    HEADER = "username,full_name,role,region,agency,email"

    async def test_imports_a_coordinator_of_a_pemda(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        regions = await _regions(session)
        content = csv_bytes(
            self.HEADER,
            "koordinator.64.72,Koordinator Samarinda,coordinator,64.72,,",
            "koordinator.tanpa,Tanpa Wilayah,coordinator,,,",
        )
        body = (await upload(client, "users", content)).json()
        # One row without its Pemda fails the file (an import with a row error writes none).
        assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
            (3, "region", "required")
        ]
        content = csv_bytes(
            self.HEADER, "koordinator.64.72,Koordinator Samarinda,coordinator,64.72,,"
        )
        body = (await upload(client, "users", content)).json()
        assert body["status"] == "succeeded", body
        user = (
            await session.scalars(select(User).where(User.username == "koordinator.64.72"))
        ).one()
        assert (user.role, user.region_id, user.agency_id) == (
            Role.COORDINATOR,
            regions["64.72"].id,
            None,
        )


def test_the_command_line_names_the_role() -> None:
    result = CliRunner().invoke(app, ["users", "create", "--help"])
    assert result.exit_code == 0
    assert "coordinator" in result.output
