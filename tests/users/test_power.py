"""Who may manage which account (users.rules), through /users; and what a taken username
tells a provincial administrator (users.availability)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import (
    API_KEY_CAPABILITIES,
    ROLE_CAPABILITIES,
    ApiKeyScope,
    Capability,
    Principal,
)
from siaga.models import Region, Role, User
from siaga.users.availability import TAKEN_ANSWERS
from siaga.users.rules import Account, Refusal, may_manage
from tests.auth.support import audit_events
from tests.faults.server import Deployment, Templates, running
from tests.fixtures.auth import bearer, create_api_key
from tests.fixtures.factories import create_agency, create_region, create_user
from tests.helpers import API, assert_error

USERS = f"{API}/users"
GOOD_PASSWORD = "Benteng-Kokoh-Samarinda-7"
LoginAs = Callable[[User], Awaitable[dict[str, str]]]
ALL_SCOPES = [s.value for s in ApiKeyScope]


def _admin(region: str | None, *, user_id: int = 1) -> Principal:
    return Principal(
        kind="user",
        id=user_id,
        label="uji",
        capabilities=ROLE_CAPABILITIES[Role.ADMIN],
        region_code=region,
        role=Role.ADMIN,
    )


def _user(role: Role, region: str | None, **kw: Any) -> Account:
    return Account.user(role, region, **kw)


class TestTheRule:
    @pytest.mark.parametrize(
        ("actor", "before", "after", "refusal"),
        [
            # A national administrator manages every account.
            (None, None, _user(Role.ADMIN, None), None),
            (None, _user(Role.VIEWER, "63"), _user(Role.VIEWER, "63", is_active=False), None),
            # A provincial one: its subtree, peers included; nothing wider, before or after.
            ("64", None, _user(Role.VIEWER, "64.72"), None),
            ("64", None, _user(Role.ADMIN, "64"), None),
            ("64", None, _user(Role.ADMIN, "64.72"), None),
            ("64", None, _user(Role.ADMIN, None), Refusal.OUT_OF_SCOPE),
            ("64", None, _user(Role.ADMIN, "63"), Refusal.OUT_OF_SCOPE),
            ("64", None, _user(Role.VIEWER, "640"), Refusal.OUT_OF_SCOPE),
            ("64", _user(Role.VIEWER, "64.72"), _user(Role.VIEWER, "63"), Refusal.OUT_OF_SCOPE),
            ("64", _user(Role.VIEWER, "63"), _user(Role.VIEWER, "64"), Refusal.OUT_OF_SCOPE),
            ("64", _user(Role.ADMIN, None), None, Refusal.OUT_OF_SCOPE),
            ("64.72", None, _user(Role.ADMIN, "64"), Refusal.OUT_OF_SCOPE),
            ("64", _user(Role.VERIFIER, "63"), _user(Role.ADMIN, "63"), Refusal.OUT_OF_SCOPE),
            ("64", None, Account.api_key([ApiKeyScope.IMPORT], "64.72"), None),
            ("64", None, Account.api_key([ApiKeyScope.IMPORT], None), Refusal.OUT_OF_SCOPE),
        ],
    )
    def test_scope_before_and_after(
        self,
        actor: str | None,
        before: Account | None,
        after: Account | None,
        refusal: Refusal | None,
    ) -> None:
        assert may_manage(_admin(actor), before, after) is refusal

    @pytest.mark.parametrize("scopes", [["import"], ALL_SCOPES])
    def test_an_api_key_never_manages_accounts(self, scopes: list[str]) -> None:
        key = Principal(
            kind="api_key",
            id=7,
            label="apikey:x",
            # Even a key that somehow held every capability.
            capabilities=frozenset(Capability),
            region_code=None,
            scopes=frozenset(scopes),
        )
        for after in (_user(Role.VIEWER, "64"), Account.api_key([ApiKeyScope.READ], None), None):
            assert may_manage(key, None, after) is Refusal.NOT_AN_ADMINISTRATOR

    def test_no_key_scope_grants_account_management(self) -> None:
        assert Capability.ADMIN not in set(API_KEY_CAPABILITIES.values())

    @pytest.mark.parametrize("role", [Role.VERIFIER, Role.OPERATOR, Role.VIEWER])
    def test_only_administrators_manage_accounts(self, role: Role) -> None:
        actor = Principal(
            kind="user",
            id=1,
            label="u",
            capabilities=ROLE_CAPABILITIES[role],
            region_code=None,
            role=role,
        )
        assert may_manage(actor, None, _user(Role.VIEWER, "64")) is Refusal.NOT_AN_ADMINISTRATOR

    def test_nobody_gives_more_power_than_it_holds(self) -> None:
        # An administrator that could not review (no such role today) cannot make a verifier.
        actor = Principal(
            kind="user",
            id=1,
            label="u",
            capabilities=frozenset({Capability.ADMIN, Capability.READ}),
            region_code=None,
        )
        assert may_manage(actor, None, _user(Role.VIEWER, "64")) is None
        assert may_manage(actor, None, _user(Role.VERIFIER, "64")) is Refusal.MORE_POWER
        assert may_manage(actor, _user(Role.VERIFIER, "64"), None) is Refusal.MORE_POWER

    @pytest.mark.parametrize(
        "after",
        [
            _user(Role.ADMIN, "64", user_id=5, is_active=False),
            _user(Role.VIEWER, "64", user_id=5),
            _user(Role.ADMIN, "64.72", user_id=5),
        ],
        ids=["disable", "demote", "narrow"],
    )
    def test_nobody_locks_itself_out(self, after: Account) -> None:
        me = _admin("64", user_id=5)
        before = _user(Role.ADMIN, "64", user_id=5)
        assert may_manage(me, before, after) is Refusal.SELF_LOCKOUT
        assert may_manage(me, before, before) is None
        assert may_manage(_admin("64", user_id=6), before, after) is None


async def _provinces(session: AsyncSession) -> dict[str, Region]:
    kaltim = await create_region(session, code="64", name="Kalimantan Timur")
    samarinda = await create_region(session, code="64.72", name="Kota Samarinda", parent=kaltim)
    kalsel = await create_region(session, code="63", name="Kalimantan Selatan")
    return {"64": kaltim, "64.72": samarinda, "63": kalsel}


def _new(**fields: Any) -> dict[str, Any]:
    return {"username": "pengguna.baru", "role": "viewer", "password": GOOD_PASSWORD, **fields}


async def _user_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(User)) or 0


async def _fresh(session: AsyncSession, username: str) -> User:
    user = await session.scalar(
        select(User).where(User.username == username).execution_options(populate_existing=True)
    )
    assert user is not None
    return user


class TestApiKeysManageNoAccounts:
    @pytest.mark.parametrize("scopes", [["import"], ALL_SCOPES], ids=["import", "every-scope"])
    async def test_every_account_route_is_403_audited_and_writes_nothing(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
        scopes: list[str],
    ) -> None:
        regions = await _provinces(session)
        target = await create_user(
            session, username="admin.target", role=Role.ADMIN, full_name="Asli"
        )
        key = bearer(await create_api_key(session, app.state.settings, scopes=scopes))
        users_before = await _user_count(session)
        requests = [
            ("POST", USERS, _new(role="admin")),
            ("POST", USERS, _new(region="64")),
            ("PATCH", f"{USERS}/admin.target", {"full_name": "Diganti"}),
            ("PATCH", f"{USERS}/admin.target", {"is_active": False}),
            ("PATCH", f"{USERS}/admin.target", {"password": GOOD_PASSWORD}),
            ("GET", USERS, None),
            ("GET", f"{USERS}/admin.target", None),
        ]
        for method, url, body in requests:
            response = await anon_client.request(method, url, json=body, headers=key)
            assert_error(response, 403, "forbidden")
        assert regions  # the regions a created account would have used exist
        assert await _user_count(session) == users_before
        stored = await _fresh(session, "admin.target")
        assert (stored.full_name, stored.is_active) == ("Asli", True)
        assert stored.password_hash == target.password_hash
        denied = await audit_events(session, action="authz.denied")
        assert len(denied) == len(requests)
        assert all(e.actor_api_key_id is not None and e.outcome == "denied" for e in denied)
        assert all(e.after == {"needs": "admin"} for e in denied)
        assert await audit_events(session, action="user.create") == []
        assert await audit_events(session, action="user.update") == []


class TestProvincialAdministrator:
    async def test_creates_peers_and_narrower_administrators_in_its_province(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _provinces(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        headers = await login_as(admin)
        for username, region in (("admin.kedua.64", "64"), ("admin.6472", "64.72")):
            response = await anon_client.post(
                USERS, json=_new(username=username, role="admin", region=region), headers=headers
            )
            assert response.status_code == 201, response.text
            assert response.json()["region_code"] == region

    @pytest.mark.parametrize(
        "fields",
        [
            {"role": "admin", "region": None},
            {"role": "admin", "region": "63"},
            {"role": "verifier", "region": "63"},
            {"role": "operator", "region": None, "agency": "63.kesbangpol"},
        ],
        ids=["national-admin", "other-province-admin", "other-province-verifier", "operator-63"],
    )
    async def test_cannot_create_wider_and_nothing_is_written(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        login_as: LoginAs,
        fields: dict[str, Any],
    ) -> None:
        regions = await _provinces(session)
        await create_agency(session, region=regions["63"], code="63.kesbangpol")
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        before = await _user_count(session)
        response = await anon_client.post(USERS, json=_new(**fields), headers=await login_as(admin))
        error = assert_error(response, 422, "invalid_input")
        assert {d["field"] for d in error["details"]} <= {"region", "agency"}
        assert await _user_count(session) == before
        assert await audit_events(session, action="user.create") == []

    @pytest.mark.parametrize("target", ["admin.pusat", "verif.63", "admin.63"])
    async def test_cannot_change_accounts_of_other_provinces_or_the_nation(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        login_as: LoginAs,
        target: str,
    ) -> None:
        regions = await _provinces(session)
        await create_user(session, username="admin.pusat", role=Role.ADMIN, full_name="Asli")
        await create_user(
            session, username="verif.63", role=Role.VERIFIER, region=regions["63"], full_name="Asli"
        )
        await create_user(
            session, username="admin.63", role=Role.ADMIN, region=regions["63"], full_name="Asli"
        )
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        headers = await login_as(admin)
        missing = await anon_client.patch(
            f"{USERS}/tidak.ada", json={"full_name": "Diganti"}, headers=headers
        )
        for change in ({"full_name": "Diganti"}, {"is_active": False}, {"password": GOOD_PASSWORD}):
            hidden = await anon_client.patch(f"{USERS}/{target}", json=change, headers=headers)
            assert_error(hidden, 404, "user_not_found")
            assert hidden.content == missing.content
        stored = await _fresh(session, target)
        assert (stored.full_name, stored.is_active) == ("Asli", True)
        assert await audit_events(session, action="user.update") == []


def _comparable(response: httpx.Response) -> tuple[int, bytes, dict[str, str]]:
    headers = {
        k: v for k, v in response.headers.items() if k.lower() not in {"x-request-id", "date"}
    }
    return response.status_code, response.content, headers


def _seconds_left(response: httpx.Response) -> int:
    return int(response.json()["error"]["details"][0]["retry_after_seconds"])


def _without_seconds_left(response: httpx.Response) -> tuple[int, bytes, dict[str, str]]:
    status, content, headers = _comparable(response)
    content = re.sub(rb'"retry_after_seconds":\d+', b'"retry_after_seconds":0', content)
    headers.pop("retry-after", None)
    return status, content, headers


class TestTakenUsernames:
    async def test_taken_in_scope_elsewhere_or_nationally_answers_the_same_bytes(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _provinces(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        headers = await login_as(admin)
        taken = await create_user(session, username="nama.sama", role=Role.VIEWER)
        answers = []
        # The same account moved from the caller's province to another one and to the nation.
        places: list[tuple[Role, Region | None]] = [
            (Role.VIEWER, regions["64.72"]),
            (Role.VIEWER, regions["63"]),
            (Role.ADMIN, None),
        ]
        for role, region in places:
            await session.execute(
                update(User)
                .where(User.id == taken.id)
                .values(role=role, region_id=region.id if region else None)
            )
            await session.flush()
            response = await anon_client.post(
                USERS, json=_new(username="nama.sama", region="64"), headers=headers
            )
            assert_error(response, 409, "user_exists")
            answers.append(_comparable(response))
        assert answers[0] == answers[1] == answers[2]
        assert b"63" not in answers[0][1] and b"viewer" not in answers[0][1]
        # Each answer is on record for the caller (and counted), the account untouched.
        refused = await audit_events(session, action="user.create", outcome="denied")
        assert [(e.entity_id, e.actor_user_id, e.region_code) for e in refused] == [
            ("nama.sama", admin.id, "64")
        ] * 3
        assert (await _fresh(session, "nama.sama")).role == Role.ADMIN

    async def test_past_the_allowance_no_name_gets_an_answer(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _provinces(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        headers = await login_as(admin)
        await create_user(session, username="milik.63", role=Role.VIEWER, region=regions["63"])
        for _ in range(TAKEN_ANSWERS):
            response = await anon_client.post(
                USERS, json=_new(username="milik.63", region="64"), headers=headers
            )
            assert_error(response, 409, "user_exists")
        # Taken or free alike: no answer, and nothing created.
        taken = await anon_client.post(
            USERS, json=_new(username="milik.63", region="64"), headers=headers
        )
        free = await anon_client.post(
            USERS, json=_new(username="bebas.sekali", region="64"), headers=headers
        )
        for response in (taken, free):
            error = assert_error(response, 429, "rate_limited")
            assert int(response.headers["Retry-After"]) > 0
            assert error["details"][0]["retry_after_seconds"] > 0
        # The two answers are a moment apart, so the seconds left may differ by one
        # across a second boundary; everything else must be the same bytes.
        assert abs(_seconds_left(taken) - _seconds_left(free)) <= 1
        assert _without_seconds_left(taken) == _without_seconds_left(free)
        assert await session.scalar(select(User).where(User.username == "bebas.sekali")) is None

    async def test_a_national_administrator_is_not_counted(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_user(session, username="sudah.ada", role=Role.VIEWER)
        for _ in range(TAKEN_ANSWERS + 1):
            assert_error(
                await client.post(USERS, json=_new(username="sudah.ada", role="admin")),
                409,
                "user_exists",
            )
        created = await client.post(USERS, json=_new(username="masih.bisa", role="admin"))
        assert created.status_code == 201, created.text


# -- at once, on a real server -----------------------------------------------------------

CLIENTS = 12
TIMEOUT = httpx.Timeout(60.0)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    templates = Templates(tmp_path_factory.mktemp("user-race-templates"))
    yield templates
    templates.drop_all()


@pytest.fixture
def deployment(backend: str, templates: Templates, tmp_path: Path) -> Deployment:
    return templates.deployment(backend, tmp_path)


async def test_simultaneous_creations_of_one_name_make_one_account(
    deployment: Deployment, tmp_path: Path
) -> None:
    """Every request but one is told the name is taken; none fails with a 500."""
    with running(deployment, tmp_path / "server.log") as server:
        headers = server.login("admin")
        async with httpx.AsyncClient(
            base_url=server.base_url, headers=headers, timeout=TIMEOUT
        ) as client:
            responses = await asyncio.gather(
                *(
                    client.post(
                        USERS, json=_new(username="balapan.nama", role="admin", full_name=str(n))
                    )
                    for n in range(CLIENTS)
                )
            )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (CLIENTS - 1), [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert response.json()["error"]["code"] == "user_exists"
    rows = await deployment.rows("SELECT count(*) FROM users WHERE username = 'balapan.nama'")
    assert rows[0][0] == 1
