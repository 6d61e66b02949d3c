"""API keys are accounts of other systems: no key manages keys or accounts, and an
administrator manages only keys inside its own scope (users.rules)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import ApiKeyScope
from siaga.models import ApiKey, Region, Role, User
from tests.auth.support import audit_events
from tests.fixtures.auth import bearer, create_api_key
from tests.fixtures.factories import create_region, create_user
from tests.helpers import API, assert_error

KEYS = f"{API}/api-keys"
LoginAs = Callable[[User], Awaitable[dict[str, str]]]
ALL_SCOPES = [s.value for s in ApiKeyScope]


async def _provinces(session: AsyncSession) -> dict[str, Region]:
    kaltim = await create_region(session, code="64")
    samarinda = await create_region(session, code="64.72", parent=kaltim)
    kalsel = await create_region(session, code="63")
    return {"64": kaltim, "64.72": samarinda, "63": kalsel}


def _prefix(key: str) -> str:
    return key.split("_")[1]


async def _keys(session: AsyncSession) -> list[tuple[str, bool]]:
    rows = await session.execute(
        select(ApiKey.prefix, ApiKey.revoked_at.is_(None))
        .order_by(ApiKey.prefix)
        .execution_options(populate_existing=True)
    )
    return [(p, bool(live)) for p, live in rows.all()]


@pytest.mark.parametrize("scopes", [["import"], ALL_SCOPES], ids=["import", "every-scope"])
async def test_no_key_creates_lists_or_revokes_keys(
    anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI, scopes: list[str]
) -> None:
    await _provinces(session)
    caller = await create_api_key(session, app.state.settings, scopes=scopes)
    other = await create_api_key(session, app.state.settings, scopes=["read"])
    headers = bearer(caller)
    before = await _keys(session)
    requests = [
        ("POST", KEYS, {"name": "kunci kedua", "scopes": ALL_SCOPES}),
        ("POST", KEYS, {"name": "kunci kedua", "scopes": ["import"], "region": "64"}),
        ("GET", KEYS, None),
        ("GET", f"{KEYS}/{_prefix(other)}", None),
        ("DELETE", f"{KEYS}/{_prefix(other)}", None),
        ("DELETE", f"{KEYS}/{_prefix(caller)}", None),
    ]
    for method, url, body in requests:
        assert_error(
            await anon_client.request(method, url, json=body, headers=headers), 403, "forbidden"
        )
    assert await _keys(session) == before
    denied = await audit_events(session, action="authz.denied")
    assert len(denied) == len(requests)
    assert all(e.actor_api_key_id is not None and e.after == {"needs": "admin"} for e in denied)
    assert await audit_events(session, action="api_key.create") == []
    assert await audit_events(session, action="api_key.revoke") == []


class TestProvincialAdministrator:
    @pytest.mark.parametrize("region", [None, "63"], ids=["national", "other-province"])
    async def test_cannot_create_a_key_wider_than_itself(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        login_as: LoginAs,
        region: str | None,
    ) -> None:
        regions = await _provinces(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        body = {"name": "Sistem", "scopes": ALL_SCOPES, "region": region}
        response = await anon_client.post(KEYS, json=body, headers=await login_as(admin))
        error = assert_error(response, 422, "invalid_input")
        assert error["details"][0]["field"] == "region"
        assert await session.scalar(select(func.count()).select_from(ApiKey)) == 0

    async def test_revokes_keys_of_its_subtree_only_and_others_read_as_missing(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
        login_as: LoginAs,
    ) -> None:
        regions = await _provinces(session)
        settings = app.state.settings
        own = await create_api_key(session, settings, scopes=["import"], region=regions["64.72"])
        national = await create_api_key(session, settings, scopes=ALL_SCOPES)
        elsewhere = await create_api_key(session, settings, scopes=["import"], region=regions["63"])
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        headers = await login_as(admin)
        missing = await anon_client.delete(f"{KEYS}/{'0' * 12}", headers=headers)
        assert_error(missing, 404, "api_key_not_found")
        for key in (national, elsewhere):
            hidden = await anon_client.delete(f"{KEYS}/{_prefix(key)}", headers=headers)
            assert (hidden.status_code, hidden.content) == (404, missing.content)
        revoked = await anon_client.delete(f"{KEYS}/{_prefix(own)}", headers=headers)
        assert revoked.status_code == 200, revoked.text
        assert dict(await _keys(session)) == {
            _prefix(own): False,
            _prefix(national): True,
            _prefix(elsewhere): True,
        }
