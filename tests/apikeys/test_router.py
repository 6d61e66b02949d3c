"""API keys for other systems: /api-keys, and authenticating with a key."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import token_digest
from siaga.core.types import utcnow
from siaga.models import ApiKey, Region, Role, User
from tests.auth.support import audit_events, close_to
from tests.fixtures.auth import bearer, create_api_key
from tests.fixtures.factories import create_region, create_user
from tests.helpers import API, assert_error, assert_page

KEYS = f"{API}/api-keys"
ME = f"{API}/auth/me"
LoginAs = Callable[[User], Awaitable[dict[str, str]]]


async def _provinces(session: AsyncSession) -> dict[str, Region]:
    kaltim = await create_region(session, code="64")
    samarinda = await create_region(session, code="64.72", parent=kaltim)
    kalsel = await create_region(session, code="63")
    return {"64": kaltim, "64.72": samarinda, "63": kalsel}


def _new(**fields: Any) -> dict[str, Any]:
    return {"name": "SIPD Kemendagri", "scopes": ["read"], **fields}


async def _row(session: AsyncSession, prefix: str) -> ApiKey:
    row = await session.scalar(
        select(ApiKey).where(ApiKey.prefix == prefix).execution_options(populate_existing=True)
    )
    assert row is not None
    return row


def _prefix(key: str) -> str:
    return key.split("_")[1]


class TestCreateApiKey:
    async def test_returns_the_key_once_with_its_public_prefix(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _provinces(session)
        response = await client.post(KEYS, json=_new(region="64", scopes=["read", "write"]))
        assert response.status_code == 201, response.text
        body = response.json()
        key = body.pop("key")
        assert key.startswith(f"sgk_{body['prefix']}_")
        assert len(key.split("_", 2)[2]) >= 22  # 128+ random bits after the prefix
        assert body["name"] == "SIPD Kemendagri"
        assert (body["region_code"], body["scopes"]) == ("64", ["read", "write"])
        assert (body["created_by"], body["revoked_at"], body["last_used_at"]) == (
            "admin.nasional",
            None,
            None,
        )
        # Never again: not in the key's own page, not in the list.
        shown = await client.get(f"{KEYS}/{body['prefix']}")
        listed = await client.get(KEYS)
        for response in (shown, listed):
            assert response.status_code == 200
            assert key not in response.text
            assert key.split("_", 2)[2] not in response.text
        assert "key" not in shown.json()
        assert all("key" not in item for item in listed.json()["items"])

    async def test_stores_only_a_keyed_hash(
        self, client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        body = (await client.post(KEYS, json=_new())).json()
        row = await _row(session, body["prefix"])
        assert row.key_hash == token_digest(app.state.settings.secret_key, body["key"], "api_key")
        stored = [str(getattr(row, c.key)) for c in ApiKey.__table__.columns]
        assert not any(body["key"] in value for value in stored)

    async def test_created_key_authenticates_with_its_scopes_and_region(
        self, client: httpx.AsyncClient, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _provinces(session)
        key = (await client.post(KEYS, json=_new(region="64.72", scopes=["import"]))).json()["key"]
        me = await anon_client.get(ME, headers=bearer(key))
        assert me.status_code == 200, me.text
        assert (me.json()["region_code"], me.json()["capabilities"]) == ("64.72", ["import"])

    async def test_expiry_is_set_from_days(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        body = (await client.post(KEYS, json=_new(expires_in_days=10))).json()
        row = await _row(session, body["prefix"])
        assert row.expires_at is not None
        assert close_to(row.expires_at, utcnow() + timedelta(days=10), timedelta(minutes=1))

    async def test_default_expiry_is_a_year(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        body = (await client.post(KEYS, json=_new())).json()
        row = await _row(session, body["prefix"])
        assert row.expires_at is not None
        assert close_to(row.expires_at, utcnow() + timedelta(days=365), timedelta(minutes=1))

    async def test_is_audited_without_the_secret(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _provinces(session)
        body = (
            await client.post(KEYS, json=_new(region="64"), headers={"X-Request-ID": "req-key"})
        ).json()
        (event,) = await audit_events(session, action="api_key.create")
        assert (event.entity_type, event.entity_id, event.region_code, event.request_id) == (
            "api_key",
            body["prefix"],
            "64",
            "req-key",
        )
        assert event.actor_label == "admin.nasional"
        assert body["key"] not in json.dumps(event.after)
        assert body["key"].split("_", 2)[2] not in json.dumps(event.after)

    @pytest.mark.parametrize(
        "fields",
        [
            {"scopes": []},
            {"scopes": ["admin"]},
            {"scopes": "read"},
            {"name": ""},
            {"name": "n" * 201},
            {"region": "99"},
            {"expires_in_days": 0},
            {"expires_in_days": 731},
            {"expires_in_days": 3651},
            {"expires_in_days": "lama"},
            {"key": "sgk_aaaa_pilihan-saya"},
        ],
        ids=[
            "no-scopes",
            "unknown-scope",
            "scopes-not-list",
            "empty-name",
            "long-name",
            "unknown-region",
            "zero-days",
            "longer-than-settings-allow",
            "longer-than-schema-allows",
            "days-not-int",
            "chosen-key",
        ],
    )
    async def test_invalid_key_is_422_and_creates_nothing(
        self, client: httpx.AsyncClient, session: AsyncSession, fields: dict[str, Any]
    ) -> None:
        response = await client.post(KEYS, json=_new(**fields))
        assert_error(response, 422, "invalid_input")
        assert await session.scalar(select(ApiKey)) is None

    async def test_provincial_admin_creates_keys_in_its_subtree(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _provinces(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        response = await anon_client.post(
            KEYS, json=_new(region="64.72"), headers=await login_as(admin)
        )
        assert response.status_code == 201, response.text

    @pytest.mark.parametrize("region", [None, "63"], ids=["national", "other-province"])
    async def test_provincial_admin_cannot_create_keys_outside_its_subtree(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        login_as: LoginAs,
        region: str | None,
    ) -> None:
        regions = await _provinces(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        response = await anon_client.post(
            KEYS, json=_new(region=region), headers=await login_as(admin)
        )
        error = assert_error(response, 422, "invalid_input")
        assert error["details"][0]["field"] == "region"
        assert await session.scalar(select(ApiKey)) is None


class TestApiKeyAuthentication:
    async def test_records_when_and_where_a_key_was_last_used(
        self,
        client: httpx.AsyncClient,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
    ) -> None:
        key = await create_api_key(session, app.state.settings, scopes=["read"])
        assert (await client.get(f"{KEYS}/{_prefix(key)}")).json()["last_used_at"] is None
        assert (await anon_client.get(f"{API}/regions", headers=bearer(key))).status_code == 200
        shown = (await client.get(f"{KEYS}/{_prefix(key)}")).json()
        assert shown["last_used_at"] is not None
        row = await _row(session, _prefix(key))
        assert row.last_used_at is not None
        assert close_to(row.last_used_at, utcnow(), timedelta(seconds=30))
        assert row.last_used_addr == "127.0.0.1"

    async def test_revoked_key_is_401(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        key = await create_api_key(
            session, app.state.settings, scopes=["read"], revoked_at=utcnow()
        )
        assert_error(await anon_client.get(ME, headers=bearer(key)), 401, "not_authenticated")

    async def test_expired_key_is_401(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        key = await create_api_key(
            session,
            app.state.settings,
            scopes=["read"],
            expires_at=utcnow() - timedelta(seconds=1),
        )
        assert_error(await anon_client.get(ME, headers=bearer(key)), 401, "not_authenticated")

    async def test_key_with_a_wrong_secret_is_401(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        key = await create_api_key(session, app.state.settings, scopes=["read"])
        forged = f"sgk_{_prefix(key)}_{'A' * 43}"
        assert_error(await anon_client.get(ME, headers=bearer(forged)), 401, "not_authenticated")
        assert (await _row(session, _prefix(key))).last_used_at is None

    async def test_key_is_refused_as_a_session_cookie(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        key = await create_api_key(session, app.state.settings, scopes=["read", "write"])
        anon_client.cookies.set("siaga_session", key)
        assert_error(await anon_client.get(ME), 401, "not_authenticated")


class TestListApiKeys:
    async def test_lists_newest_first_without_secrets(
        self, client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        now = utcnow()
        old = await create_api_key(
            session, app.state.settings, scopes=["read"], created_at=now - timedelta(days=2)
        )
        new = await create_api_key(
            session, app.state.settings, scopes=["read"], created_at=now - timedelta(days=1)
        )
        response = await client.get(KEYS)
        items = assert_page(response, total=2)
        assert [k["prefix"] for k in items] == [_prefix(new), _prefix(old)]
        assert old not in response.text and new not in response.text

    async def test_filters_active_and_revoked(
        self, client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        live = await create_api_key(session, app.state.settings, scopes=["read"])
        dead = await create_api_key(
            session, app.state.settings, scopes=["read"], revoked_at=utcnow()
        )
        active = assert_page(await client.get(KEYS, params={"active": "true"}), total=1)
        revoked = assert_page(await client.get(KEYS, params={"active": "false"}), total=1)
        assert [k["prefix"] for k in active] == [_prefix(live)]
        assert [k["prefix"] for k in revoked] == [_prefix(dead)]

    async def test_pages(
        self, client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        for _ in range(3):
            await create_api_key(session, app.state.settings, scopes=["read"])
        assert_page(await client.get(KEYS, params={"limit": 2}), total=3, limit=2)
        assert (
            len(assert_page(await client.get(KEYS, params={"offset": 2}), total=3, offset=2)) == 1
        )

    async def test_provincial_admin_sees_only_its_subtree(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
        login_as: LoginAs,
    ) -> None:
        regions = await _provinces(session)
        settings = app.state.settings
        inside = await create_api_key(session, settings, scopes=["read"], region=regions["64.72"])
        await create_api_key(session, settings, scopes=["read"], region=regions["63"])
        await create_api_key(session, settings, scopes=["read"])  # national
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        items = assert_page(await anon_client.get(KEYS, headers=await login_as(admin)), total=1)
        assert [k["prefix"] for k in items] == [_prefix(inside)]


class TestGetApiKey:
    async def test_returns_the_key_without_its_secret(
        self, client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        regions = await _provinces(session)
        key = await create_api_key(
            session, app.state.settings, scopes=["write", "read"], region=regions["64"]
        )
        response = await client.get(f"{KEYS}/{_prefix(key)}")
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {
            "prefix",
            "name",
            "region_code",
            "scopes",
            "created_by",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
        }
        assert (body["prefix"], body["region_code"], body["scopes"]) == (
            _prefix(key),
            "64",
            ["read", "write"],
        )

    async def test_unknown_prefix_is_404(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get(f"{KEYS}/abcdef012345"), 404, "api_key_not_found")

    @pytest.mark.parametrize("prefix", ["XYZ", "a" * 33, "sgk_abc"], ids=["upper", "long", "key"])
    async def test_malformed_prefix_is_422(self, client: httpx.AsyncClient, prefix: str) -> None:
        assert_error(await client.get(f"{KEYS}/{prefix}"), 422, "invalid_input")

    async def test_key_outside_scope_is_indistinguishable_from_a_missing_one(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
        login_as: LoginAs,
    ) -> None:
        regions = await _provinces(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        headers = await login_as(admin)
        missing = await anon_client.get(f"{KEYS}/abcdef012345", headers=headers)
        assert_error(missing, 404, "api_key_not_found")
        for region in (regions["63"], None):
            key = await create_api_key(session, app.state.settings, scopes=["read"], region=region)
            for method in ("GET", "DELETE"):
                hidden = await anon_client.request(
                    method, f"{KEYS}/{_prefix(key)}", headers=headers
                )
                assert (hidden.status_code, hidden.json()) == (404, missing.json())
            assert (await _row(session, _prefix(key))).revoked_at is None


class TestRevokeApiKey:
    async def test_revoked_key_stops_working_at_once(
        self,
        client: httpx.AsyncClient,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
    ) -> None:
        key = await create_api_key(session, app.state.settings, scopes=["read"])
        assert (await anon_client.get(ME, headers=bearer(key))).status_code == 200
        response = await client.delete(f"{KEYS}/{_prefix(key)}")
        assert response.status_code == 200, response.text
        assert response.json()["revoked_at"] is not None
        assert_error(await anon_client.get(ME, headers=bearer(key)), 401, "not_authenticated")
        assert (await _row(session, _prefix(key))).revoked_at is not None

    async def test_revoking_twice_is_409(
        self, client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        key = await create_api_key(session, app.state.settings, scopes=["read"])
        assert (await client.delete(f"{KEYS}/{_prefix(key)}")).status_code == 200
        assert_error(await client.delete(f"{KEYS}/{_prefix(key)}"), 409, "already_revoked")
        assert len(await audit_events(session, action="api_key.revoke")) == 1

    async def test_unknown_prefix_is_404(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.delete(f"{KEYS}/abcdef012345"), 404, "api_key_not_found")

    async def test_is_audited(
        self, client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        regions = await _provinces(session)
        key = await create_api_key(
            session, app.state.settings, scopes=["read"], region=regions["64.72"]
        )
        await client.delete(f"{KEYS}/{_prefix(key)}", headers={"X-Request-ID": "req-rev"})
        (event,) = await audit_events(session, action="api_key.revoke")
        assert (event.entity_type, event.entity_id, event.region_code) == (
            "api_key",
            _prefix(key),
            "64.72",
        )
        assert (event.actor_label, event.request_id, event.client_addr) == (
            "admin.nasional",
            "req-rev",
            "127.0.0.1",
        )
        assert event.before == {"revoked_at": None}
        assert event.after is not None and event.after["revoked_at"]
