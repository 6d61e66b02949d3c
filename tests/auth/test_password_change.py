"""POST /auth/password, the administrator's reset that forces a change, and PATCH /auth/me."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import verify_password
from siaga.models import AuthSession, LoginAttempt, Role, User
from tests.auth.support import (
    PASSWORD,
    WRONG_PASSWORD,
    Committed,
    audit_events,
    create_login_user,
    login,
)
from tests.fixtures.auth import bearer, create_api_key, create_session_token
from tests.fixtures.factories import create_user
from tests.helpers import API, assert_error

ME = f"{API}/auth/me"
CHANGE = f"{API}/auth/password"
NEW_PASSWORD = "Sungai-Mahakam-Berkelok-77"


def _fields(response: httpx.Response) -> set[str]:
    return {d.get("field") for d in response.json()["error"]["details"]}


async def _fresh(session: AsyncSession, user: User) -> User:
    found = await session.scalar(
        select(User).where(User.id == user.id).execution_options(populate_existing=True)
    )
    assert found is not None
    return found


class TestChangePassword:
    async def test_changes_keeps_this_session_and_ends_the_others(
        self, committed: Committed
    ) -> None:
        async with committed.session() as session:
            await create_login_user(session, username="siti")
        async with committed.client() as client:
            this = (await login(client, "siti")).json()["token"]
            other = (await login(client, "siti")).json()["token"]
            response = await client.post(
                CHANGE,
                json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
                headers=bearer(this),
            )
            assert response.status_code == 204, response.text
            assert (await client.get(ME, headers=bearer(this))).status_code == 200
            assert (await client.get(ME, headers=bearer(other))).status_code == 401
            assert (await login(client, "siti", NEW_PASSWORD)).status_code == 200
        async with committed.session() as session:
            user = await session.scalar(select(User).where(User.username == "siti"))
            assert user is not None and user.password_changed_at is not None
            assert verify_password(NEW_PASSWORD, user.password_hash)
            events = await audit_events(session, action="auth.password_change")
            assert len(events) == 1
            assert PASSWORD not in str(events[0].after) + str(events[0].before)
            assert NEW_PASSWORD not in str(events[0].after)

    async def test_a_wrong_current_password_is_422_and_counts_as_a_failed_sign_in(
        self, committed: Committed
    ) -> None:
        async with committed.session() as session:
            await create_login_user(session, username="wati")
        async with committed.client() as client:
            token = (await login(client, "wati")).json()["token"]
            response = await client.post(
                CHANGE,
                json={"current_password": WRONG_PASSWORD, "new_password": NEW_PASSWORD},
                headers=bearer(token),
            )
        assert_error(response, 422, "invalid_input")
        assert _fields(response) == {"current_password"}
        async with committed.session() as session:
            failed = await session.scalars(
                select(LoginAttempt).where(
                    LoginAttempt.username == "wati", LoginAttempt.succeeded.is_(False)
                )
            )
            assert len(list(failed)) == 1

    @pytest.mark.parametrize(
        ("new", "field"),
        [
            ("short", "new_password"),
            ("password123", "new_password"),
            (PASSWORD, "new_password"),  # the same as the current one
            ("x" * 129, "new_password"),
        ],
    )
    async def test_weak_or_unchanged_new_passwords_are_422(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
        new: str,
        field: str,
    ) -> None:
        user = await create_login_user(session, username="budi")
        token = await create_session_token(session, user, app.state.settings)
        response = await anon_client.post(
            CHANGE, json={"current_password": PASSWORD, "new_password": new}, headers=bearer(token)
        )
        assert_error(response, 422, "invalid_input")
        assert field in _fields(response) or response.json()["error"]["details"]

    @pytest.mark.parametrize(
        "body",
        [{}, {"current_password": 5, "new_password": NEW_PASSWORD}, {"current_password": PASSWORD}],
    )
    async def test_malformed_bodies_are_422(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI, body: object
    ) -> None:
        user = await create_login_user(session, username="ani")
        token = await create_session_token(session, user, app.state.settings)
        response = await anon_client.post(CHANGE, json=body, headers=bearer(token))
        assert_error(response, 422, "invalid_input")

    async def test_unauthenticated_is_401(self, anon_client: httpx.AsyncClient) -> None:
        response = await anon_client.post(
            CHANGE, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        )
        assert_error(response, 401, "not_authenticated")

    async def test_an_api_key_is_403(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        key = await create_api_key(session, app.state.settings, scopes=["read"])
        response = await anon_client.post(
            CHANGE,
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            headers=bearer(key),
        )
        assert_error(response, 403, "forbidden")
        response = await anon_client.patch(ME, json={"full_name": "X"}, headers=bearer(key))
        assert_error(response, 403, "forbidden")

    async def test_two_simultaneous_changes_make_exactly_one(
        self, committed: Committed, backend: str
    ) -> None:
        if backend != "postgresql":
            pytest.skip("row locks are what is tested; SQLite serialises all writers")
        async with committed.session() as session:
            await create_login_user(session, username="rina")
        async with committed.client() as client:
            tokens = [(await login(client, "rina")).json()["token"] for _ in range(2)]
            responses = await asyncio.gather(
                *(
                    client.post(
                        CHANGE,
                        json={"current_password": PASSWORD, "new_password": f"{NEW_PASSWORD}-{n}"},
                        headers=bearer(token),
                    )
                    for n, token in enumerate(tokens)
                )
            )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [204, 422], [r.text for r in responses]


class TestForcedChange:
    async def test_admin_reset_forces_a_change_before_anything_else(
        self, committed: Committed
    ) -> None:
        async with committed.session() as session:
            await create_login_user(session, username="admin.nas", role=Role.ADMIN)
            await create_login_user(session, username="dewi", role=Role.VIEWER)
        async with committed.client() as client:
            dewi_old = (await login(client, "dewi")).json()["token"]
            admin = (await login(client, "admin.nas")).json()["token"]
            response = await client.patch(
                f"{API}/users/dewi", json={"password": NEW_PASSWORD}, headers=bearer(admin)
            )
            assert response.status_code == 200, response.text
            assert (await client.get(ME, headers=bearer(dewi_old))).status_code == 401
            signed_in = await login(client, "dewi", NEW_PASSWORD)
            assert signed_in.json()["user"]["must_change_password"] is True
            token = signed_in.json()["token"]
            me = await client.get(ME, headers=bearer(token))
            assert me.json()["must_change_password"] is True
            assert_error(
                await client.get(f"{API}/periods", headers=bearer(token)),
                403,
                "password_change_required",
            )
            assert_error(
                await client.patch(ME, json={"full_name": "D"}, headers=bearer(token)),
                403,
                "password_change_required",
            )
            changed = await client.post(
                CHANGE,
                json={"current_password": NEW_PASSWORD, "new_password": "Danau-Toba-Biru-2031"},
                headers=bearer(token),
            )
            assert changed.status_code == 204, changed.text
            assert (await client.get(ME, headers=bearer(token))).json()[
                "must_change_password"
            ] is False
            assert (await client.get(f"{API}/periods", headers=bearer(token))).status_code == 200
            logout = await client.post(f"{API}/auth/logout", headers=bearer(token))
            assert logout.status_code == 204

    async def test_logout_is_allowed_while_a_change_is_required(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        user = await create_user(session, username="eko")
        user.must_change_password = True
        token = await create_session_token(session, user, app.state.settings)
        response = await anon_client.post(f"{API}/auth/logout", headers=bearer(token))
        assert response.status_code == 204
        revoked = await session.scalar(
            select(AuthSession.revoked_at)
            .where(AuthSession.user_id == user.id)
            .execution_options(populate_existing=True)
        )
        assert revoked is not None


class TestProfile:
    async def test_updates_own_profile_and_audits_it(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        user = await create_user(session, username="fajar", full_name="Fajar")
        token = await create_session_token(session, user, app.state.settings)
        response = await anon_client.patch(
            ME,
            json={
                "full_name": "Fajar Nugroho",
                "email": "fajar@example.id",
                "phone": "+62 812 3456 7890",
                "locale": "en",
            },
            headers=bearer(token),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["full_name"], body["email"], body["phone"], body["locale"]) == (
            "Fajar Nugroho",
            "fajar@example.id",
            "+62 812 3456 7890",
            "en",
        )
        fresh = await _fresh(session, user)
        assert fresh.locale == "en"
        events = await audit_events(session, action="user.profile_update")
        assert len(events) == 1
        assert events[0].after == {
            "full_name": "Fajar Nugroho",
            "email": "fajar@example.id",
            "phone": "+62 812 3456 7890",
            "locale": "en",
        }
        # Nothing changed: nothing audited.
        again = await anon_client.patch(ME, json={"locale": "en"}, headers=bearer(token))
        assert again.status_code == 200
        assert len(await audit_events(session, action="user.profile_update")) == 1

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"full_name": "a\u202eb"}, "full_name"),
            ({"full_name": "x" * 201}, "full_name"),
            ({"email": "not-an-address"}, "email"),
            ({"phone": "0812-abc"}, "phone"),
            ({"phone": "1" * 31}, "phone"),
            ({"locale": "fr"}, "locale"),
            ({"full_name": 5}, "full_name"),
            ({"role": "admin"}, "role"),
        ],
    )
    async def test_bad_input_is_422_naming_the_field(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
        body: dict[str, object],
        field: str,
    ) -> None:
        user = await create_user(session, username="gita")
        token = await create_session_token(session, user, app.state.settings)
        response = await anon_client.patch(ME, json=body, headers=bearer(token))
        error = assert_error(response, 422, "invalid_input")
        assert any(field in str(d.get("loc", d.get("field"))) for d in error["details"]), error

    async def test_unauthenticated_is_401(self, anon_client: httpx.AsyncClient) -> None:
        assert_error(await anon_client.patch(ME, json={}), 401, "not_authenticated")
