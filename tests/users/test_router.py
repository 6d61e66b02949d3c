"""Admin endpoints for user accounts: /users."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import verify_password
from siaga.models import AuthSession, Region, Role, User
from siaga.users.service import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from tests.auth.support import PASSWORD, audit_events, create_login_user, login
from tests.fixtures.auth import bearer, create_session_token
from tests.fixtures.factories import create_agency, create_region, create_user
from tests.helpers import API, assert_error, assert_page

USERS = f"{API}/users"
GOOD_PASSWORD = "Benteng-Kokoh-Samarinda-7"
LoginAs = Callable[[User], Awaitable[dict[str, str]]]


async def _provinces(session: AsyncSession) -> dict[str, Region]:
    kaltim = await create_region(session, code="64", name="Kalimantan Timur")
    samarinda = await create_region(session, code="64.72", name="Kota Samarinda", parent=kaltim)
    kalsel = await create_region(session, code="63", name="Kalimantan Selatan")
    return {"64": kaltim, "64.72": samarinda, "63": kalsel}


def _new(**fields: Any) -> dict[str, Any]:
    return {"username": "pengguna.baru", "role": "viewer", "password": GOOD_PASSWORD, **fields}


async def _fresh(session: AsyncSession, username: str) -> User:
    user = await session.scalar(
        select(User).where(User.username == username).execution_options(populate_existing=True)
    )
    assert user is not None
    return user


def _fields(error: dict[str, Any]) -> set[str]:
    """Field names a 422 blames: `field` for domain checks, `loc` for schema checks."""
    names = set()
    for detail in error["details"]:
        names.add(detail["field"] if "field" in detail else detail["loc"][-1])
    return names


class TestCreateUser:
    async def test_creates_a_viewer_scoped_to_a_region(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _provinces(session)
        response = await client.post(
            USERS, json=_new(region="64", full_name="Siti", email="siti@kaltim.go.id")
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["created_at"] and body["last_login_at"] is None
        del body["created_at"]
        assert body == {
            "username": "pengguna.baru",
            "full_name": "Siti",
            "email": "siti@kaltim.go.id",
            "role": "viewer",
            "region_code": "64",
            "agency_code": None,
            "is_active": True,
            "last_login_at": None,
        }
        assert "password" not in response.text

    async def test_stores_an_argon2id_hash_and_the_user_can_log_in(
        self, client: httpx.AsyncClient, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _provinces(session)
        await client.post(USERS, json=_new(region="64"))
        user = await _fresh(session, "pengguna.baru")
        assert user.password_hash.startswith("$argon2id$")
        assert GOOD_PASSWORD not in user.password_hash
        assert user.password_changed_at is not None
        assert (await login(anon_client, "pengguna.baru", GOOD_PASSWORD)).status_code == 200

    async def test_accepts_a_password_of_the_maximum_length(
        self, client: httpx.AsyncClient
    ) -> None:
        assert PASSWORD_MAX_LENGTH >= 64
        password = "Kalimantan-" * (PASSWORD_MAX_LENGTH // 11) + "x" * (PASSWORD_MAX_LENGTH % 11)
        assert len(password) == PASSWORD_MAX_LENGTH
        response = await client.post(USERS, json=_new(role="admin", password=password))
        assert response.status_code == 201, response.text

    async def test_operator_takes_its_agencys_region(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        regions = await _provinces(session)
        agency = await create_agency(session, region=regions["64.72"])
        response = await client.post(USERS, json=_new(role="operator", agency=agency.code))
        assert response.status_code == 201, response.text
        assert (response.json()["agency_code"], response.json()["region_code"]) == (
            agency.code,
            "64.72",
        )

    async def test_an_inactive_agency_takes_no_new_operator(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        regions = await _provinces(session)
        agency = await create_agency(session, region=regions["64.72"], is_active=False)
        before = await session.scalar(select(func.count()).select_from(User))
        error = assert_error(
            await client.post(USERS, json=_new(role="operator", agency=agency.code)),
            422,
            "invalid_input",
        )
        assert [(d["field"], d["code"]) for d in error["details"]] == [
            ("agency", "agency_inactive")
        ]
        assert "tidak aktif" in error["details"][0]["message"]
        assert await session.scalar(select(func.count()).select_from(User)) == before

    async def test_is_audited_without_the_password(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _provinces(session)
        await client.post(USERS, json=_new(region="64.72"), headers={"X-Request-ID": "req-cu"})
        (event,) = await audit_events(session, action="user.create")
        assert (event.actor_label, event.entity_type, event.entity_id, event.region_code) == (
            "admin.nasional",
            "user",
            "pengguna.baru",
            "64.72",
        )
        assert (event.request_id, event.client_addr, event.outcome) == (
            "req-cu",
            "127.0.0.1",
            "success",
        )
        assert event.before is None
        assert event.after is not None and event.after["role"] == "viewer"
        dumped = json.dumps(event.after)
        assert "password" not in dumped and GOOD_PASSWORD not in dumped and "argon2" not in dumped

    @pytest.mark.parametrize(
        ("fields", "blamed"),
        [
            ({"password": "Pendek-9"}, "password"),
            ({"password": "x" * (PASSWORD_MIN_LENGTH - 1)}, "password"),
            ({"password": "1234567890"}, "password"),
            ({"password": "Administrator"}, "password"),
            ({"password": "zzzzzzzzzzzz"}, "password"),
            ({"password": "Rahasia-PENGGUNA.BARU-1"}, "password"),
            ({"password": "k" * (PASSWORD_MAX_LENGTH + 1)}, "password"),
            ({"region": None}, "region"),
            ({"region": "99"}, "region"),
            ({"role": "operator", "region": None}, "agency"),
            ({"role": "operator", "agency": "64.tidak-ada", "region": None}, "agency"),
            ({"agency": "64.kesbangpol"}, "agency"),
            ({"username": "Huruf.Besar"}, "username"),
            ({"username": "ab"}, "username"),
            ({"username": "ada spasi"}, "username"),
            ({"username": ".titik"}, "username"),
            ({"username": "u" * 81}, "username"),
            ({"email": "bukan-email"}, "email"),
            ({"email": "a@b"}, "email"),
            ({"role": "superuser"}, "role"),
            ({"is_admin": True}, "is_admin"),
            ({"password": 1234567890123}, "password"),
        ],
        ids=[
            "short-password",
            "password-one-below-minimum",
            "common-password",
            "common-password-any-case",
            "too-simple-password",
            "password-contains-username",
            "password-too-long",
            "viewer-without-region",
            "unknown-region",
            "operator-without-agency",
            "unknown-agency",
            "agency-for-non-operator",
            "uppercase-username",
            "short-username",
            "username-with-space",
            "username-leading-dot",
            "username-too-long",
            "bad-email",
            "email-without-domain-dot",
            "unknown-role",
            "extra-field",
            "password-not-string",
        ],
    )
    async def test_invalid_user_is_422_naming_the_field(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        fields: dict[str, Any],
        blamed: str,
    ) -> None:
        await _provinces(session)
        response = await client.post(USERS, json=_new(**{"region": "64", **fields}))
        error = assert_error(response, 422, "invalid_input")
        assert blamed in _fields(error), error
        assert await session.scalar(select(User).where(User.username != "admin.nasional")) is None

    async def test_reports_every_problem_at_once(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        response = await client.post(
            USERS, json=_new(username="dua.masalah", password="pendek", region=None)
        )
        error = assert_error(response, 422, "invalid_input")
        assert _fields(error) == {"password", "region"}

    async def test_duplicate_username_is_409(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_user(session, username="sudah.ada", role=Role.ADMIN)
        response = await client.post(USERS, json=_new(username="sudah.ada", role="admin"))
        assert_error(response, 409, "user_exists")

    async def test_provincial_admin_creates_inside_its_province(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _provinces(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        response = await anon_client.post(
            USERS, json=_new(region="64.72"), headers=await login_as(admin)
        )
        assert response.status_code == 201, response.text

    @pytest.mark.parametrize(
        "fields",
        [
            {"role": "viewer", "region": "63"},
            {"role": "admin", "region": None},
            {"role": "operator", "region": None, "agency": "63.kesbangpol"},
        ],
        ids=["other-province", "national-account", "other-provinces-agency"],
    )
    async def test_provincial_admin_cannot_create_outside_its_province(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        login_as: LoginAs,
        fields: dict[str, Any],
    ) -> None:
        regions = await _provinces(session)
        await create_agency(session, region=regions["63"], code="63.kesbangpol")
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        response = await anon_client.post(USERS, json=_new(**fields), headers=await login_as(admin))
        assert_error(response, 422, "invalid_input")
        assert await session.scalar(select(User).where(User.username == "pengguna.baru")) is None


class TestListUsers:
    async def test_lists_everyone_for_a_national_admin_ordered_by_username(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        regions = await _provinces(session)
        await create_user(session, username="zaki", role=Role.VIEWER, region=regions["63"])
        await create_user(session, username="budi", role=Role.VERIFIER, region=regions["64"])
        items = assert_page(await client.get(USERS), total=3)
        assert [u["username"] for u in items] == ["admin.nasional", "budi", "zaki"]
        assert "password_hash" not in items[0]

    async def test_pages(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        for name in ("a.satu", "b.dua", "c.tiga"):
            await create_user(session, username=name, role=Role.ADMIN)
        items = assert_page(
            await client.get(USERS, params={"limit": 2, "offset": 1}), total=4, limit=2, offset=1
        )
        assert [u["username"] for u in items] == ["admin.nasional", "b.dua"]

    async def test_filters(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        regions = await _provinces(session)
        agency = await create_agency(session, region=regions["64.72"])
        await create_user(session, username="op.samarinda", role=Role.OPERATOR, agency=agency)
        await create_user(
            session, username="lihat.64", role=Role.VIEWER, region=regions["64"], full_name="Rina"
        )
        await create_user(
            session, username="mati.63", role=Role.VIEWER, region=regions["63"], is_active=False
        )

        async def names(**params: Any) -> list[str]:
            response = await client.get(USERS, params=params)
            assert response.status_code == 200, response.text
            return [u["username"] for u in response.json()["items"]]

        assert await names(role="operator") == ["op.samarinda"]
        assert await names(region="64.72") == ["op.samarinda"]
        assert await names(region="64") == ["lihat.64"]
        assert await names(active="false") == ["mati.63"]
        assert await names(q="rina") == ["lihat.64"]
        assert await names(q="SAMARINDA") == ["op.samarinda"]
        assert await names(role="viewer", active="true") == ["lihat.64"]
        assert_error(await client.get(USERS, params={"role": "raja"}), 422, "invalid_input")

    async def test_provincial_admin_sees_only_its_subtree(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _provinces(session)
        await create_user(session, username="nasional.lain", role=Role.ADMIN)
        admin = await create_user(
            session, username="admin.64", role=Role.ADMIN, region=regions["64"]
        )
        await create_user(session, username="kota.6472", role=Role.VIEWER, region=regions["64.72"])
        agency = await create_agency(session, region=regions["64.72"])
        await create_user(session, username="op.6472", role=Role.OPERATOR, agency=agency)
        await create_user(session, username="luar.63", role=Role.VIEWER, region=regions["63"])
        response = await anon_client.get(USERS, headers=await login_as(admin))
        items = assert_page(response, total=3)
        assert [u["username"] for u in items] == ["admin.64", "kota.6472", "op.6472"]


class TestGetUser:
    async def test_returns_the_user(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        regions = await _provinces(session)
        await create_user(session, username="satu.orang", role=Role.VIEWER, region=regions["64"])
        response = await client.get(f"{USERS}/satu.orang")
        assert response.status_code == 200
        assert (response.json()["username"], response.json()["region_code"]) == (
            "satu.orang",
            "64",
        )

    async def test_unknown_user_is_404(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get(f"{USERS}/tidak.ada"), 404, "user_not_found")

    async def test_user_outside_scope_is_indistinguishable_from_a_missing_one(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _provinces(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        await create_user(session, username="orang.63", role=Role.VIEWER, region=regions["63"])
        await create_user(session, username="orang.pusat", role=Role.ADMIN)
        headers = await login_as(admin)
        missing = await anon_client.get(f"{USERS}/tidak.ada", headers=headers)
        assert_error(missing, 404, "user_not_found")
        for username in ("orang.63", "orang.pusat"):
            hidden = await anon_client.get(f"{USERS}/{username}", headers=headers)
            assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())

    async def test_overlong_username_is_422(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get(f"{USERS}/{'u' * 81}"), 422, "invalid_input")


class TestUpdateUser:
    async def test_changes_name_and_email_and_audits_only_what_changed(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        regions = await _provinces(session)
        await create_user(
            session, username="ganti.nama", role=Role.VIEWER, region=regions["64"], full_name="A"
        )
        response = await client.patch(
            f"{USERS}/ganti.nama",
            json={"full_name": "Bunga", "email": "bunga@kaltim.go.id"},
            headers={"X-Request-ID": "req-upd"},
        )
        assert response.status_code == 200, response.text
        assert (response.json()["full_name"], response.json()["email"]) == (
            "Bunga",
            "bunga@kaltim.go.id",
        )
        (event,) = await audit_events(session, action="user.update")
        assert event.before == {"full_name": "A", "email": None}
        assert event.after == {"full_name": "Bunga", "email": "bunga@kaltim.go.id"}
        assert (event.entity_id, event.region_code, event.request_id, event.actor_label) == (
            "ganti.nama",
            "64",
            "req-upd",
            "admin.nasional",
        )

    async def test_email_can_be_cleared_and_omitted_fields_stay(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_user(session, username="hapus.surel", role=Role.ADMIN, full_name="Tetap")
        await client.patch(f"{USERS}/hapus.surel", json={"email": "x@y.id"})
        response = await client.patch(f"{USERS}/hapus.surel", json={"email": None})
        assert (response.json()["email"], response.json()["full_name"]) == (None, "Tetap")

    async def test_disabling_ends_every_session_at_once(
        self,
        client: httpx.AsyncClient,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
    ) -> None:
        user = await create_user(session, username="akan.mati", role=Role.ADMIN)
        tokens = [await create_session_token(session, user, app.state.settings) for _ in range(2)]
        response = await client.patch(f"{USERS}/akan.mati", json={"is_active": False})
        assert response.status_code == 200 and response.json()["is_active"] is False
        for token in tokens:
            assert_error(
                await anon_client.get(f"{API}/auth/me", headers=bearer(token)),
                401,
                "not_authenticated",
            )
        rows = (
            await session.scalars(
                select(AuthSession)
                .where(AuthSession.user_id == user.id)
                .execution_options(populate_existing=True)
            )
        ).all()
        assert len(rows) == 2 and all(r.revoked_at is not None for r in rows)
        (event,) = await audit_events(session, action="user.update")
        assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})

    async def test_re_enabling_does_not_revive_old_sessions(
        self,
        client: httpx.AsyncClient,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
    ) -> None:
        user = await create_user(session, username="hidup.lagi", role=Role.ADMIN)
        token = await create_session_token(session, user, app.state.settings)
        await client.patch(f"{USERS}/hidup.lagi", json={"is_active": False})
        response = await client.patch(f"{USERS}/hidup.lagi", json={"is_active": True})
        assert response.json()["is_active"] is True
        me = await anon_client.get(f"{API}/auth/me", headers=bearer(token))
        assert_error(me, 401, "not_authenticated")

    async def test_disabled_user_cannot_log_in(
        self, client: httpx.AsyncClient, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_login_user(session, username="login.mati", role=Role.ADMIN)
        await client.patch(f"{USERS}/login.mati", json={"is_active": False})
        assert_error(await login(anon_client, "login.mati"), 401, "invalid_credentials")

    async def test_new_password_replaces_the_old_and_ends_sessions(
        self,
        client: httpx.AsyncClient,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
    ) -> None:
        user = await create_login_user(session, username="sandi.baru", role=Role.ADMIN)
        token = await create_session_token(session, user, app.state.settings)
        response = await client.patch(f"{USERS}/sandi.baru", json={"password": GOOD_PASSWORD})
        assert response.status_code == 200, response.text
        assert "password" not in response.json()
        stored = (await _fresh(session, "sandi.baru")).password_hash
        assert stored.startswith("$argon2id$")
        assert verify_password(GOOD_PASSWORD, stored) and not verify_password(PASSWORD, stored)
        assert_error(
            await anon_client.get(f"{API}/auth/me", headers=bearer(token)),
            401,
            "not_authenticated",
        )
        (event,) = await audit_events(session, action="user.update")
        assert (event.before, event.after) == (
            {"password": "(unchanged)", "must_change_password": False},
            {"password": "(changed)", "must_change_password": True},
        )
        # An administrator's reset: the owner must choose a new password at sign-in.
        assert (await _fresh(session, "sandi.baru")).must_change_password is True
        assert GOOD_PASSWORD not in json.dumps([event.before, event.after])

    @pytest.mark.parametrize(
        "password",
        ["pendek", "abcdefghijk", "x-sandi.lemah-x"],
        ids=["short", "common", "contains-username"],
    )
    async def test_weak_new_password_is_422_and_changes_nothing(
        self, client: httpx.AsyncClient, session: AsyncSession, password: str
    ) -> None:
        user = await create_user(session, username="sandi.lemah", role=Role.ADMIN)
        old_hash = user.password_hash
        response = await client.patch(f"{USERS}/sandi.lemah", json={"password": password})
        error = assert_error(response, 422, "invalid_input")
        assert _fields(error) == {"password"}
        assert (await _fresh(session, "sandi.lemah")).password_hash == old_hash
        assert await audit_events(session, action="user.update") == []

    async def test_admin_cannot_disable_itself(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        response = await client.patch(f"{USERS}/admin.nasional", json={"is_active": False})
        assert_error(response, 409, "conflict")
        assert (await _fresh(session, "admin.nasional")).is_active is True

    @pytest.mark.parametrize(
        "payload",
        [
            {"role": "admin"},
            {"username": "nama.lain"},
            {"is_active": "mungkin"},
            {"email": "bukan-email"},
            {"full_name": "x" * 201},
            {"password": "y" * 129},
        ],
        ids=["role", "username", "is-active-not-bool", "bad-email", "long-name", "long-password"],
    )
    async def test_invalid_change_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession, payload: dict[str, Any]
    ) -> None:
        await create_user(session, username="tak.berubah", role=Role.ADMIN)
        response = await client.patch(f"{USERS}/tak.berubah", json=payload)
        assert_error(response, 422, "invalid_input")

    async def test_unknown_user_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.patch(f"{USERS}/tidak.ada", json={"full_name": "X"})
        assert_error(response, 404, "user_not_found")

    async def test_provincial_admin_cannot_touch_users_outside_its_scope(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _provinces(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        await create_user(session, username="orang.63", role=Role.VIEWER, region=regions["63"])
        headers = await login_as(admin)
        missing = await anon_client.patch(
            f"{USERS}/tidak.ada", json={"is_active": False}, headers=headers
        )
        hidden = await anon_client.patch(
            f"{USERS}/orang.63", json={"is_active": False}, headers=headers
        )
        assert_error(hidden, 404, "user_not_found")
        assert hidden.json() == missing.json()
        assert (await _fresh(session, "orang.63")).is_active is True
