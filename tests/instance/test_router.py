"""GET /instance: the name and time zone for everyone, demo accounts only in development."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.settings import DEFAULT_DEMO_PASSWORD
from siaga.models import Role, User
from tests.fixtures.client import API
from tests.fixtures.factories import create_agency, create_region, create_user

URL = f"{API}/instance"


@pytest.fixture
def development(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app.state.settings, "env", "development")


async def _showcase_users(session: AsyncSession) -> dict[str, User]:
    """The four accounts as the demo seed makes them: no password change recorded."""
    province = await create_region(session, code="64", name="Kalimantan Timur")
    city = await create_region(session, code="64.72", name="Kota Samarinda", parent=province)
    agency = await create_agency(
        session, region=city, code="64.72.kesbangpol", name="Kesbangpol Kota Samarinda"
    )
    roles = {
        "admin": (Role.ADMIN, None, None),
        "verifikator.64": (Role.VERIFIER, province, None),
        "pemantau.64": (Role.VIEWER, province, None),
        "operator.64.72.kesbangpol": (Role.OPERATOR, city, agency),
    }
    return {
        name: await create_user(
            session, username=name, role=role, region=region, agency=agency, full_name=name
        )
        for name, (role, region, agency) in roles.items()
    }


class TestGetInstance:
    async def test_anonymous_gets_name_and_timezone_cacheably(
        self, anon_client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(app.state.settings, "instance_name", "Siaga Kalimantan Timur")
        monkeypatch.setattr(app.state.settings, "timezone", "Asia/Makassar")
        response = await anon_client.get(URL)
        assert response.status_code == 200, response.text
        assert response.json() == {
            "name": "Siaga Kalimantan Timur",
            "timezone": "Asia/Makassar",
            "demo_accounts": [],
            "demo_password": None,
        }
        assert response.headers["Cache-Control"] == "public, max-age=60"

    @pytest.mark.parametrize("env", ["production", "test"])
    async def test_no_accounts_outside_development(
        self,
        anon_client: httpx.AsyncClient,
        app: FastAPI,
        session: AsyncSession,
        monkeypatch: pytest.MonkeyPatch,
        env: str,
    ) -> None:
        await _showcase_users(session)
        monkeypatch.setattr(app.state.settings, "env", env)
        body = (await anon_client.get(URL)).json()
        assert body["demo_accounts"] == [] and body["demo_password"] is None
        assert body["name"] == "Siaga"

    async def test_development_with_the_demo_data_lists_the_accounts(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, development: None
    ) -> None:
        await _showcase_users(session)
        body = (await anon_client.get(URL)).json()
        assert body["demo_password"] == DEFAULT_DEMO_PASSWORD
        assert body["demo_accounts"] == [
            {
                "username": "admin",
                "role": "admin",
                "full_name": "admin",
                "region": None,
                "region_name": None,
                "agency": None,
                "agency_name": None,
            },
            {
                "username": "verifikator.64",
                "role": "verifier",
                "full_name": "verifikator.64",
                "region": "64",
                "region_name": "Kalimantan Timur",
                "agency": None,
                "agency_name": None,
            },
            {
                "username": "pemantau.64",
                "role": "viewer",
                "full_name": "pemantau.64",
                "region": "64",
                "region_name": "Kalimantan Timur",
                "agency": None,
                "agency_name": None,
            },
            {
                "username": "operator.64.72.kesbangpol",
                "role": "operator",
                "full_name": "operator.64.72.kesbangpol",
                "region": "64.72",
                "region_name": "Kota Samarinda",
                "agency": "64.72.kesbangpol",
                "agency_name": "Kesbangpol Kota Samarinda",
            },
        ]

    async def test_development_without_the_demo_data_lists_none(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, development: None
    ) -> None:
        # Other accounts do not make a demo.
        await create_user(session, username="admin.nasional", role=Role.ADMIN)
        body = (await anon_client.get(URL)).json()
        assert body["demo_accounts"] == [] and body["demo_password"] is None

    async def test_accounts_no_longer_as_seeded_are_left_out(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, development: None
    ) -> None:
        users = await _showcase_users(session)
        # A password set since the seed (the users API, the CLI) is not the demo's; a
        # disabled account opens nothing.
        await session.execute(
            update(User)
            .where(User.id == users["admin"].id)
            .values(password_changed_at=datetime.now(UTC))
        )
        await session.execute(
            update(User).where(User.id == users["pemantau.64"].id).values(is_active=False)
        )
        await session.flush()
        body = (await anon_client.get(URL)).json()
        assert [a["username"] for a in body["demo_accounts"]] == [
            "verifikator.64",
            "operator.64.72.kesbangpol",
        ]

    async def test_a_chosen_demo_password_is_not_shown(
        self,
        anon_client: httpx.AsyncClient,
        app: FastAPI,
        session: AsyncSession,
        development: None,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        await _showcase_users(session)
        monkeypatch.setattr(app.state.settings, "demo_password", "kata-sandi-demo-bersama")
        body = (await anon_client.get(URL)).json()
        assert len(body["demo_accounts"]) == 4 and body["demo_password"] is None
