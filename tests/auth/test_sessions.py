"""GET /auth/me and POST /auth/logout: session lifetime, credentials that fail, and CSRF."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.types import utcnow
from siaga.models import AuthSession, Role
from tests.auth.support import Committed, audit_events, close_to, create_login_user, login
from tests.fixtures.auth import bearer, create_api_key, create_session_token
from tests.fixtures.factories import create_agency, create_region, create_user
from tests.helpers import API, assert_error

ME = f"{API}/auth/me"
LOGOUT = f"{API}/auth/logout"


async def _session_row(session: AsyncSession, app: FastAPI, token: str) -> AuthSession:
    from siaga.core.security import token_digest

    row = await session.scalar(
        select(AuthSession)
        .where(AuthSession.token_hash == token_digest(app.state.settings.secret_key, token))
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


class TestMe:
    async def test_describes_an_operator_with_its_agency_scope(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        province = await create_region(session, code="64")
        city = await create_region(session, code="64.72", name="Kota Samarinda", parent=province)
        agency = await create_agency(session, region=city, name="Kesbangpol Samarinda")
        user = await create_user(
            session, username="op.smd", role=Role.OPERATOR, agency=agency, full_name="Budi"
        )
        token = await create_session_token(session, user, app.state.settings)
        response = await anon_client.get(ME, headers=bearer(token))
        assert response.status_code == 200, response.text
        assert response.json() == {
            "kind": "user",
            "username": "op.smd",
            "full_name": "Budi",
            "role": "operator",
            "region_code": "64.72",
            "region_name": "Kota Samarinda",
            "agency_code": agency.code,
            "agency_name": "Kesbangpol Samarinda",
            "capabilities": ["answer", "read"],
            "email": None,
            "phone": None,
            "locale": "id",
            "must_change_password": False,
        }

    async def test_national_admin_has_every_capability(self, client: httpx.AsyncClient) -> None:
        body = (await client.get(ME)).json()
        assert (body["role"], body["region_code"]) == ("admin", None)
        assert body["capabilities"] == ["admin", "answer", "import", "read", "review"]

    async def test_describes_an_api_key(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        region = await create_region(session, code="64")
        key = await create_api_key(
            session, app.state.settings, scopes=["read", "import"], region=region
        )
        body = (await anon_client.get(ME, headers=bearer(key))).json()
        assert body["kind"] == "api_key"
        assert body["username"] == f"apikey:{key.split('_')[1]}"
        assert (body["role"], body["region_code"]) == (None, "64")
        assert body["capabilities"] == ["import", "read"]

    async def test_without_credentials_is_401_with_bearer_challenge(
        self, anon_client: httpx.AsyncClient
    ) -> None:
        response = await anon_client.get(ME)
        assert_error(response, 401, "not_authenticated")
        assert response.headers["www-authenticate"].startswith("Bearer")

    @pytest.mark.parametrize(
        "authorization",
        [
            "Bearer not-a-real-token",
            "Bearer " + "x" * 201,
            "Bearer sgk_",
            "Bearer sgk_abc",
            "Bearer sgk__secret",
            "Bearer sgk_0123456789ab_wrong-secret",
            "Basic YWRtaW46cGFzc3dvcmQ=",
            "Bearer",
            "token",
        ],
        ids=[
            "unknown-token",
            "oversized",
            "bare-key-prefix",
            "key-without-secret",
            "key-without-prefix",
            "unknown-key",
            "basic-auth",
            "no-token",
            "no-scheme",
        ],
    )
    async def test_malformed_or_unknown_credentials_are_401(
        self, anon_client: httpx.AsyncClient, authorization: str
    ) -> None:
        response = await anon_client.get(ME, headers={"Authorization": authorization})
        assert_error(response, 401, "not_authenticated")

    async def test_disabled_users_token_is_401(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        user = await create_user(session, role=Role.ADMIN)
        token = await create_session_token(session, user, app.state.settings)
        assert (await anon_client.get(ME, headers=bearer(token))).status_code == 200
        user.is_active = False
        await session.flush()
        assert_error(await anon_client.get(ME, headers=bearer(token)), 401, "not_authenticated")


class TestSessionLifetime:
    async def test_idle_session_ends_after_the_idle_timeout(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        idle = timedelta(minutes=app.state.settings.session_idle_minutes)
        user = await create_user(session, role=Role.ADMIN)
        token = await create_session_token(
            session, user, app.state.settings, last_seen_at=utcnow() - idle - timedelta(seconds=5)
        )
        assert_error(await anon_client.get(ME, headers=bearer(token)), 401, "not_authenticated")

    async def test_activity_keeps_a_session_alive(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        idle = timedelta(minutes=app.state.settings.session_idle_minutes)
        user = await create_user(session, role=Role.ADMIN)
        almost_idle = utcnow() - idle + timedelta(minutes=1)
        token = await create_session_token(
            session, user, app.state.settings, last_seen_at=almost_idle
        )
        assert (await anon_client.get(ME, headers=bearer(token))).status_code == 200
        row = await _session_row(session, app, token)
        assert close_to(row.last_seen_at, utcnow(), timedelta(seconds=30))

    async def test_idle_timeout_follows_the_setting(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        user = await create_user(session, role=Role.ADMIN)
        token = await create_session_token(
            session, user, app.state.settings, last_seen_at=utcnow() - timedelta(minutes=6)
        )
        monkeypatch.setattr(app.state.settings, "session_idle_minutes", 5)
        assert_error(await anon_client.get(ME, headers=bearer(token)), 401, "not_authenticated")

    async def test_session_ends_at_its_absolute_expiry_despite_activity(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        await create_login_user(session, username="umur.sesi", role=Role.ADMIN)
        token = (await login(anon_client, "umur.sesi")).json()["token"]
        assert (await anon_client.get(ME, headers=bearer(token))).status_code == 200
        row = await _session_row(session, app, token)
        row.expires_at = utcnow() - timedelta(seconds=1)
        row.last_seen_at = utcnow()
        await session.flush()
        assert_error(await anon_client.get(ME, headers=bearer(token)), 401, "not_authenticated")

    async def test_idle_session_from_a_real_login_ends(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        await create_login_user(session, username="lama.diam", role=Role.ADMIN)
        token = (await login(anon_client, "lama.diam")).json()["token"]
        row = await _session_row(session, app, token)
        row.last_seen_at = utcnow() - timedelta(
            minutes=app.state.settings.session_idle_minutes, seconds=1
        )
        await session.flush()
        assert_error(await anon_client.get(ME, headers=bearer(token)), 401, "not_authenticated")


class TestLogout:
    async def test_ends_only_this_session(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        user = await create_user(session, username="keluar.satu", role=Role.ADMIN)
        token = await create_session_token(session, user, app.state.settings)
        other = await create_session_token(session, user, app.state.settings)
        response = await anon_client.post(LOGOUT, headers=bearer(token))
        assert response.status_code == 204
        assert_error(await anon_client.get(ME, headers=bearer(token)), 401, "not_authenticated")
        assert (await anon_client.get(ME, headers=bearer(other))).status_code == 200
        assert (await _session_row(session, app, token)).revoked_at is not None
        assert (await _session_row(session, app, other)).revoked_at is None

    async def test_is_audited(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        user = await create_user(session, username="keluar.jejak", role=Role.ADMIN)
        token = await create_session_token(session, user, app.state.settings)
        await anon_client.post(LOGOUT, headers={**bearer(token), "X-Request-ID": "req-out"})
        (event,) = await audit_events(session, action="auth.logout")
        assert (event.actor_label, event.actor_user_id, event.outcome, event.entity_id) == (
            "keluar.jejak",
            user.id,
            "success",
            "keluar.jejak",
        )
        assert (event.request_id, event.client_addr) == ("req-out", "127.0.0.1")

    async def test_clears_the_cookies(
        self, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_login_user(session, username="hapus.kue", role=Role.ADMIN)
        csrf = (await login(anon_client, "hapus.kue")).json()["csrf_token"]
        response = await anon_client.post(LOGOUT, headers={"X-CSRF-Token": csrf})
        assert response.status_code == 204, response.text
        cleared = response.headers.get_list("set-cookie")
        for name in ("siaga_session", "siaga_csrf"):
            (header,) = [h for h in cleared if h.startswith(f"{name}=")]
            assert "Max-Age=0" in header
        assert "siaga_session" not in anon_client.cookies
        assert_error(await anon_client.get(ME), 401, "not_authenticated")

    async def test_without_credentials_is_401(self, anon_client: httpx.AsyncClient) -> None:
        assert_error(await anon_client.post(LOGOUT), 401, "not_authenticated")


class TestCookieAuthentication:
    async def test_cookie_alone_authenticates_reads(
        self, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_login_user(session, username="baca.kue", role=Role.ADMIN)
        await login(anon_client, "baca.kue")
        assert "Authorization" not in anon_client.headers
        response = await anon_client.get(ME)
        assert response.status_code == 200
        assert response.json()["username"] == "baca.kue"

    @pytest.mark.parametrize("header", [None, "", "salah"], ids=["missing", "empty", "wrong"])
    async def test_cookie_change_without_right_csrf_header_is_403(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, header: str | None
    ) -> None:
        await create_login_user(session, username="tanpa.csrf", role=Role.ADMIN)
        await login(anon_client, "tanpa.csrf")
        headers = {} if header is None else {"X-CSRF-Token": header}
        response = await anon_client.post(
            f"{API}/users",
            json={"username": "x.baru", "role": "admin", "password": "Panjang-Sekali-99"},
            headers=headers,
        )
        assert_error(response, 403, "csrf_failed")
        # Logout is a change too, and the session survives the refused attempt.
        assert_error(await anon_client.post(LOGOUT, headers=headers), 403, "csrf_failed")
        assert (await anon_client.get(ME)).status_code == 200

    async def test_csrf_token_of_another_session_is_refused(
        self, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_login_user(session, username="dua.sesi", role=Role.ADMIN)
        first_csrf = (await login(anon_client, "dua.sesi")).json()["csrf_token"]
        await login(anon_client, "dua.sesi")  # the cookie now holds the second session
        assert_error(
            await anon_client.post(LOGOUT, headers={"X-CSRF-Token": first_csrf}),
            403,
            "csrf_failed",
        )

    async def test_cookie_change_with_csrf_header_succeeds(
        self, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_login_user(session, username="dengan.csrf", role=Role.ADMIN)
        await login(anon_client, "dengan.csrf")
        csrf = anon_client.cookies["siaga_csrf"]
        response = await anon_client.patch(
            f"{API}/users/dengan.csrf", json={"full_name": "Baru"}, headers={"X-CSRF-Token": csrf}
        )
        assert response.status_code == 200, response.text
        assert response.json()["full_name"] == "Baru"

    async def test_bearer_change_needs_no_csrf_header(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        user = await create_user(session, username="pakai.bearer", role=Role.ADMIN)
        token = await create_session_token(session, user, app.state.settings)
        response = await anon_client.patch(
            f"{API}/users/pakai.bearer", json={"full_name": "Lewat Bearer"}, headers=bearer(token)
        )
        assert response.status_code == 200, response.text

    async def test_api_key_is_refused_as_a_session_cookie(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        key = await create_api_key(session, app.state.settings, scopes=["read"])
        assert (await anon_client.get(ME, headers=bearer(key))).status_code == 200
        anon_client.cookies.set("siaga_session", key)
        assert_error(await anon_client.get(ME), 401, "not_authenticated")

    async def test_unknown_cookie_is_401(self, anon_client: httpx.AsyncClient) -> None:
        anon_client.cookies.set("siaga_session", "bukan-token")
        assert_error(await anon_client.get(ME), 401, "not_authenticated")

    async def test_csrf_failure_is_audited(self, committed: Committed) -> None:
        async with committed.session() as session:
            await create_login_user(session, username="jejak.csrf", role=Role.ADMIN)
        async with committed.client("10.5.5.5") as client:
            await login(client, "jejak.csrf")
            response = await client.post(LOGOUT, headers={"X-Request-ID": "req-csrf"})
            assert_error(response, 403, "csrf_failed")
        async with committed.session() as session:
            (event,) = await audit_events(session, action="authz.csrf_failed")
            logouts = await audit_events(session, action="auth.logout")
        assert (event.actor_label, event.outcome, event.entity_type, event.entity_id) == (
            "jejak.csrf",
            "denied",
            "route",
            "POST /api/v1/auth/logout",
        )
        assert (event.client_addr, event.request_id) == ("10.5.5.5", "req-csrf")
        assert logouts == []
