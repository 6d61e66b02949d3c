"""POST /auth/login: tokens, cookies, refusals that reveal nothing, and rate limiting."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import token_digest
from siaga.core.types import utcnow
from siaga.models import AuthSession, LoginAttempt, Role
from tests.auth.support import (
    PASSWORD,
    WRONG_PASSWORD,
    Committed,
    audit_events,
    close_to,
    create_login_user,
    login,
)
from tests.fixtures.factories import create_region
from tests.helpers import API, assert_error


def _cookies(response: httpx.Response) -> dict[str, SimpleCookie]:
    jar = {}
    for header in response.headers.get_list("set-cookie"):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        (name,) = cookie.keys()
        jar[name] = cookie
    return jar


class TestLogin:
    async def test_returns_token_and_the_user(
        self, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        region = await create_region(session, code="64", name="Kalimantan Timur")
        await create_login_user(
            session, username="pemantau.64", role=Role.VIEWER, region=region, full_name="Ani"
        )
        response = await login(anon_client, "pemantau.64")
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"token", "csrf_token", "expires_at", "user"}
        assert body["user"] == {
            "kind": "user",
            "username": "pemantau.64",
            "full_name": "Ani",
            "role": "viewer",
            "region_code": "64",
            "region_name": "Kalimantan Timur",
            "agency_code": None,
            "agency_name": None,
            "capabilities": ["read"],
            "email": None,
            "phone": None,
            "locale": "id",
            "must_change_password": False,
        }
        assert response.headers["cache-control"] == "no-store"
        # The token works as a bearer credential.
        me = await anon_client.get(
            f"{API}/auth/me", headers={"Authorization": f"Bearer {body['token']}"}
        )
        assert me.status_code == 200 and me.json()["username"] == "pemantau.64"

    async def test_token_is_random_with_at_least_128_bits(
        self, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_login_user(session, username="acak.token", role=Role.ADMIN)
        tokens = {(await login(anon_client, "acak.token")).json()["token"] for _ in range(2)}
        assert len(tokens) == 2
        for token in tokens:
            # URL-safe base64: 6 bits per character, so 22+ characters carry 128+ bits.
            assert len(token) >= 22
            assert set(token) <= set(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            )

    async def test_database_holds_only_an_hmac_of_the_token(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        user = await create_login_user(session, username="hash.saja", role=Role.ADMIN)
        token = (await login(anon_client, "hash.saja")).json()["token"]
        rows = (
            await session.scalars(select(AuthSession).where(AuthSession.user_id == user.id))
        ).all()
        assert len(rows) == 1
        row = rows[0]
        assert row.token_hash == token_digest(app.state.settings.secret_key, token)
        stored = [str(getattr(row, c.key)) for c in AuthSession.__table__.columns]
        assert not any(token in value for value in stored)

    async def test_session_lasts_the_configured_maximum(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        user = await create_login_user(session, username="batas.waktu", role=Role.ADMIN)
        before = utcnow()
        response = await login(anon_client, "batas.waktu")
        row = await session.scalar(select(AuthSession).where(AuthSession.user_id == user.id))
        assert row is not None
        max_age = timedelta(hours=app.state.settings.session_max_hours)
        assert close_to(row.expires_at, before + max_age, timedelta(seconds=30))
        assert response.json()["expires_at"].startswith(row.expires_at.isoformat()[:16])

    async def test_sets_httponly_session_cookie_and_readable_csrf_cookie(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        await create_login_user(session, username="kue.sesi", role=Role.ADMIN)
        response = await login(anon_client, "kue.sesi")
        body = response.json()
        cookies = _cookies(response)
        assert set(cookies) == {"siaga_session", "siaga_csrf"}
        max_age = str(app.state.settings.session_max_hours * 3600)

        session_cookie = cookies["siaga_session"]["siaga_session"]
        assert session_cookie.value == body["token"]
        assert session_cookie["httponly"] is True
        assert session_cookie["samesite"].lower() == "lax"
        assert session_cookie["path"] == "/"
        assert session_cookie["max-age"] == max_age

        csrf_cookie = cookies["siaga_csrf"]["siaga_csrf"]
        assert csrf_cookie.value == body["csrf_token"]
        assert csrf_cookie["httponly"] == ""  # readable by the SPA's JavaScript
        assert csrf_cookie["samesite"].lower() == "lax"
        assert csrf_cookie.value != body["token"]

    async def test_username_is_trimmed_and_case_insensitive(
        self, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_login_user(session, username="huruf.kecil", role=Role.ADMIN)
        response = await login(anon_client, "  Huruf.KECIL ")
        assert response.status_code == 200, response.text
        assert response.json()["user"]["username"] == "huruf.kecil"

    async def test_records_last_login_and_an_audit_event(
        self, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        region = await create_region(session, code="64")
        user = await create_login_user(
            session, username="jejak.masuk", role=Role.ADMIN, region=region
        )
        assert user.last_login_at is None
        response = await login(anon_client, "jejak.masuk", headers={"X-Request-ID": "req-login-1"})
        assert response.status_code == 200
        await session.refresh(user)
        assert user.last_login_at is not None
        (event,) = await audit_events(session, action="auth.login")
        assert (event.actor_label, event.actor_user_id, event.outcome) == (
            "jejak.masuk",
            user.id,
            "success",
        )
        assert (event.entity_type, event.entity_id, event.region_code) == (
            "user",
            "jejak.masuk",
            "64",
        )
        assert (event.client_addr, event.request_id) == ("127.0.0.1", "req-login-1")

    async def test_unknown_user_wrong_password_and_disabled_user_look_the_same(
        self, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_login_user(session, username="ada.aktif", role=Role.ADMIN)
        await create_login_user(session, username="ada.nonaktif", role=Role.ADMIN, is_active=False)
        responses = [
            await login(anon_client, "tidak.ada"),
            await login(anon_client, "ada.aktif", WRONG_PASSWORD),
            # Even the right password does not reveal that a disabled account exists.
            await login(anon_client, "ada.nonaktif", PASSWORD),
            await login(anon_client, "ada.nonaktif", WRONG_PASSWORD),
        ]
        for response in responses:
            assert_error(response, 401, "invalid_credentials")
            assert "set-cookie" not in response.headers
        assert len({(r.status_code, r.text) for r in responses}) == 1

    async def test_a_password_of_1024_characters_is_checked_not_refused(
        self, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_login_user(session, username="sandi.panjang", role=Role.ADMIN)
        response = await login(anon_client, "sandi.panjang", "p" * 1024)
        assert_error(response, 401, "invalid_credentials")

    @pytest.mark.parametrize(
        "payload",
        [
            {"username": "admin", "password": "p" * 1025},
            {"username": "a" * 81, "password": "rahasia-sekali"},
            {"username": "admin", "password": "rahasia-sekali", "remember": True},
            {"username": 123, "password": "rahasia-sekali"},
            {"username": "admin", "password": ["rahasia-sekali"]},
            {"username": "admin"},
            {"password": "rahasia-sekali"},
            {"username": "", "password": "rahasia-sekali"},
            {"username": "admin", "password": ""},
            ["admin", "rahasia-sekali"],
            None,
        ],
        ids=[
            "password-too-long",
            "username-too-long",
            "extra-field",
            "username-not-string",
            "password-not-string",
            "no-password",
            "no-username",
            "empty-username",
            "empty-password",
            "array",
            "null",
        ],
    )
    async def test_malformed_payload_is_422(
        self, anon_client: httpx.AsyncClient, payload: object
    ) -> None:
        response = await anon_client.post(f"{API}/auth/login", json=payload)
        error = assert_error(response, 422, "invalid_input")
        assert error["details"]

    @pytest.mark.parametrize(
        ("content", "content_type"),
        [
            ("username=admin&password=rahasia", "application/x-www-form-urlencoded"),
            ('{"username": "admin", "password": ', "application/json"),
            ("", "application/json"),
            (b"\xff\xfe\x00", "application/json"),
        ],
        ids=["form", "truncated-json", "empty", "not-utf8"],
    )
    async def test_non_json_body_is_422(
        self, anon_client: httpx.AsyncClient, content: str | bytes, content_type: str
    ) -> None:
        response = await anon_client.post(
            f"{API}/auth/login", content=content, headers={"Content-Type": content_type}
        )
        assert_error(response, 422, "invalid_input")


class TestLoginFailures:
    """What a refused login leaves behind (written in a transaction of its own)."""

    async def test_failure_is_counted_and_audited(self, committed: Committed) -> None:
        async with committed.session() as session:
            await create_login_user(session, username="salah.sandi", role=Role.ADMIN)
            await create_login_user(
                session, username="sudah.mati", role=Role.ADMIN, is_active=False
            )
        async with committed.client("10.1.1.1") as client:
            for username, password in (
                ("salah.sandi", WRONG_PASSWORD),
                ("siapa.ini", PASSWORD),
                ("sudah.mati", PASSWORD),
            ):
                response = await login(
                    client, username, password, headers={"X-Request-ID": f"req-{username}"}
                )
                assert_error(response, 401, "invalid_credentials")
        async with committed.session() as session:
            attempts = (await session.scalars(select(LoginAttempt).order_by(LoginAttempt.id))).all()
            assert [(a.username, a.client_addr, a.succeeded) for a in attempts] == [
                ("salah.sandi", "10.1.1.1", False),
                ("siapa.ini", "10.1.1.1", False),
                ("sudah.mati", "10.1.1.1", False),
            ]
            events = await audit_events(session, action="auth.login")
        assert [
            (e.actor_label, e.outcome, e.entity_id, e.after, e.client_addr, e.request_id)
            for e in events
        ] == [
            (
                "salah.sandi",
                "failure",
                "salah.sandi",
                {"reason": "invalid_credentials"},
                "10.1.1.1",
                "req-salah.sandi",
            ),
            (
                "siapa.ini",
                "failure",
                "siapa.ini",
                {"reason": "invalid_credentials"},
                "10.1.1.1",
                "req-siapa.ini",
            ),
            (
                "sudah.mati",
                "failure",
                "sudah.mati",
                {"reason": "disabled"},
                "10.1.1.1",
                "req-sudah.mati",
            ),
        ]
        assert all(e.actor_user_id is None for e in events)


class TestLoginRateLimit:
    async def _fail(self, client: httpx.AsyncClient, username: str, times: int) -> None:
        for _ in range(times):
            assert_error(await login(client, username, WRONG_PASSWORD), 401, "invalid_credentials")

    async def test_account_locked_after_max_failures_even_for_the_right_password(
        self, committed: Committed
    ) -> None:
        limit = committed.app.state.settings.login_max_failures_per_account
        assert limit == 5
        window = committed.app.state.settings.login_window_minutes * 60
        async with committed.session() as session:
            await create_login_user(session, username="target.akun", role=Role.ADMIN)
            await create_login_user(session, username="akun.lain", role=Role.ADMIN)
        async with committed.client("10.2.2.2") as client:
            await self._fail(client, "target.akun", limit)
            response = await login(client, "target.akun", PASSWORD)
            error = assert_error(response, 429, "rate_limited")
            retry_after = int(response.headers["retry-after"])
            assert 0 < retry_after <= window
            assert error["details"] == [{"retry_after_seconds": retry_after}]
            # Another account from the same address is not affected.
            assert (await login(client, "akun.lain")).status_code == 200
        # Nor is the locked account from another address: the limit is per account.
        async with committed.client("10.2.2.3") as client:
            assert_error(await login(client, "target.akun"), 429, "rate_limited")

    async def test_limit_is_not_reached_one_failure_early(self, committed: Committed) -> None:
        limit = committed.app.state.settings.login_max_failures_per_account
        async with committed.session() as session:
            await create_login_user(session, username="hampir.kunci", role=Role.ADMIN)
        async with committed.client() as client:
            await self._fail(client, "hampir.kunci", limit - 1)
            assert (await login(client, "hampir.kunci")).status_code == 200

    async def test_unknown_account_is_limited_like_a_real_one(self, committed: Committed) -> None:
        limit = committed.app.state.settings.login_max_failures_per_account
        async with committed.session() as session:
            await create_login_user(session, username="akun.nyata", role=Role.ADMIN)
        answers = []
        async with committed.client() as client:
            for username in ("akun.nyata", "akun.khayalan"):
                await self._fail(client, username, limit)
                response = await login(client, username)
                assert_error(response, 429, "rate_limited")
                answers.append(response.json()["error"]["code"])
        assert answers[0] == answers[1]

    async def test_failures_older_than_the_window_do_not_count(self, committed: Committed) -> None:
        settings = committed.app.state.settings
        async with committed.session() as session:
            await create_login_user(session, username="lama.gagal", role=Role.ADMIN)
        async with committed.client() as client:
            await self._fail(client, "lama.gagal", settings.login_max_failures_per_account)
            assert_error(await login(client, "lama.gagal"), 429, "rate_limited")
            async with committed.session() as session:
                await session.execute(
                    update(LoginAttempt).values(
                        created_at=utcnow()
                        - timedelta(minutes=settings.login_window_minutes, seconds=5)
                    )
                )
            assert (await login(client, "lama.gagal")).status_code == 200

    async def test_address_locked_after_max_failures_across_accounts(
        self, committed: Committed, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        settings = committed.app.state.settings
        assert settings.login_max_failures_per_address == 30
        # Three instead of thirty keeps the test fast; the rule is the same.
        monkeypatch.setattr(settings, "login_max_failures_per_address", 3)
        async with committed.session() as session:
            await create_login_user(session, username="korban.alamat", role=Role.ADMIN)
        async with committed.client("10.3.3.3") as client:
            for n in range(3):  # one failure each: no account reaches its own limit
                await self._fail(client, f"tebak.{n}", 1)
            response = await login(client, "korban.alamat")
            assert_error(response, 429, "rate_limited")
            assert int(response.headers["retry-after"]) > 0
        async with committed.client("10.3.3.4") as client:
            assert (await login(client, "korban.alamat")).status_code == 200

    async def test_rate_limited_attempt_is_audited(self, committed: Committed) -> None:
        limit = committed.app.state.settings.login_max_failures_per_account
        async with committed.client("10.4.4.4") as client:
            await self._fail(client, "dikunci", limit)
            response = await login(client, "dikunci", headers={"X-Request-ID": "req-limited"})
            assert_error(response, 429, "rate_limited")
        async with committed.session() as session:
            events = await audit_events(session, action="auth.login", outcome="rate_limited")
            # A refused attempt is not counted as another failure.
            failures = (
                await session.scalars(
                    select(LoginAttempt).where(LoginAttempt.username == "dikunci")
                )
            ).all()
        assert [(e.actor_label, e.entity_id, e.client_addr, e.request_id) for e in events] == [
            ("dikunci", "dikunci", "10.4.4.4", "req-limited")
        ]
        assert len(failures) == limit
