"""The users import: only an administrator signed in as a user, every row within its
reach (users.rules), and a taken name told exactly as POST /users tells it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor
from siaga.core.security import ApiKeyScope, Capability, Principal
from siaga.imports.service import run_import
from siaga.models import ApiKey, ImportBatch, ImportKind, Role, User
from siaga.users.availability import TAKEN_ANSWERS
from siaga.users.exceptions import AccountsNotAllowed
from tests.auth.support import audit_events
from tests.faults.server import Deployment, Templates, running
from tests.fixtures.auth import bearer, create_api_key
from tests.fixtures.factories import create_user
from tests.helpers import assert_error
from tests.imports.conftest import LoginAs, World, csv_bytes, upload

HEADER = "username,full_name,role,region,agency,email"
ALL_SCOPES = [s.value for s in ApiKeyScope]


def _errors(body: dict[str, Any]) -> list[tuple[int, str | None, str]]:
    return [(e["row"], e["column"], e["code"]) for e in body["errors"]]


async def _users(session: AsyncSession) -> list[tuple[Any, ...]]:
    rows = await session.execute(
        select(User.username, User.full_name, User.email, User.role, User.is_active)
        .order_by(User.username)
        .execution_options(populate_existing=True)
    )
    return [tuple(r) for r in rows.all()]


async def _batches(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ImportBatch)) or 0


class TestApiKeys:
    @pytest.mark.parametrize("scopes", [["import"], ALL_SCOPES], ids=["import", "every-scope"])
    @pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
    async def test_a_key_imports_no_accounts(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
        world: World,
        scopes: list[str],
        dry_run: bool,
    ) -> None:
        await create_user(session, username="admin.pusat", role=Role.ADMIN, full_name="Asli")
        key = bearer(await create_api_key(session, app.state.settings, scopes=scopes))
        content = csv_bytes(
            HEADER,
            "admin.pusat,Diganti,admin,,,penyerang@example.com",  # rename an administrator
            "admin.64,Diganti,admin,64,,",
            "admin.siluman,Admin Siluman,admin,,,",  # plant an inactive national admin
            "viewer.baru,Viewer,viewer,64,,",
        )
        users, batches = await _users(session), await _batches(session)
        response = await upload(anon_client, "users", content, dry_run=dry_run, headers=key)
        assert_error(response, 403, "forbidden")
        assert await _users(session) == users
        assert await _batches(session) == batches
        (denied,) = await audit_events(session, action="authz.denied")
        assert denied.actor_api_key_id is not None and denied.after == {"needs": "admin"}
        assert await audit_events(session, action="user.imported") == []

    async def test_a_key_still_imports_what_its_scope_allows(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI, world: World
    ) -> None:
        key = bearer(await create_api_key(session, app.state.settings, scopes=["import"]))
        content = csv_bytes("code,name,level", "65,Kalimantan Utara,province")
        response = await upload(anon_client, "regions", content, dry_run=True, headers=key)
        assert response.status_code == 200, response.text
        assert response.json()["counts"]["created"] == 1

    async def test_the_service_refuses_a_key_whatever_the_way_in(
        self, session: AsyncSession, app: FastAPI, world: World, tmp_path: Path
    ) -> None:
        path = tmp_path / "users.csv"
        path.write_bytes(csv_bytes(HEADER, "admin.siluman,Admin Siluman,admin,,,"))
        secret = await create_api_key(session, app.state.settings, scopes=ALL_SCOPES)
        key_id = await session.scalar(select(ApiKey.id).where(ApiKey.prefix == secret[4:16]))
        assert key_id is not None
        key = Principal(
            kind="api_key",
            id=key_id,
            label="apikey:uji",
            capabilities=frozenset(Capability),
            region_code=None,
            scopes=frozenset(ALL_SCOPES),
        )
        for dry_run in (True, False):
            with pytest.raises(AccountsNotAllowed):
                await run_import(
                    session,
                    key,
                    Actor("apikey:uji", api_key_id=key_id),
                    ImportKind.USERS,
                    path,
                    filename="users.csv",
                    dry_run=dry_run,
                )
        assert await session.scalar(select(User).where(User.username == "admin.siluman")) is None


class TestProvincialAdministrator:
    async def _outsiders(self, session: AsyncSession, world: World) -> None:
        other_province = world.other_city.parent_id
        await create_user(session, username="admin.pusat", role=Role.ADMIN, full_name="Asli")
        for username, role in (("admin.63", Role.ADMIN), ("verif.63", Role.VERIFIER)):
            user = await create_user(session, username=username, role=role, full_name="Asli")
            await session.execute(
                update(User).where(User.id == user.id).values(region_id=other_province)
            )
        await create_user(
            session,
            username="mati.63",
            role=Role.VIEWER,
            region=world.other_city,
            full_name="Asli",
            is_active=False,
        )
        await session.flush()

    @pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
    async def test_rows_beyond_its_reach_are_refused_and_nothing_is_written(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        world: World,
        login_as: LoginAs,
        dry_run: bool,
    ) -> None:
        await self._outsiders(session, world)
        content = csv_bytes(
            HEADER,
            "admin.baru.pusat,Admin,admin,,,",  # 2: a national administrator
            "admin.baru.63,Admin,admin,63,,",  # 3: an administrator of another province
            "verif.baru.63,Verifikator,verifier,63,,",  # 4
            "op.baru.63,Operator,operator,,63.71.kesbangpol,",  # 5: another province's agency
            "admin.pusat,Diganti,admin,,,x@example.com",  # 6: rename a national administrator
            "admin.63,Diganti,admin,63,,",  # 7: rename another province's administrator
            "verif.63,Diganti,admin,64,,",  # 8: escalate and move into its own province
            "mati.63,Diganti,viewer,63.71,,",  # 9: another province's disabled account
            "admin.kedua.64,Admin Kedua,admin,64,,",  # 10: a peer: allowed
        )
        users = await _users(session)
        headers = await login_as(world.province_admin)
        body = (await upload(client, "users", content, dry_run=dry_run, headers=headers)).json()
        assert body["status"] == "failed", body
        assert _errors(body) == [
            (2, "region", "region_out_of_scope"),
            (3, "region", "unknown_region"),
            (4, "region", "unknown_region"),
            (5, "agency", "unknown_agency"),
            (6, "region", "region_out_of_scope"),
            (7, "region", "unknown_region"),
            (8, "username", "user_exists"),
            (9, "region", "unknown_region"),
        ]
        assert [(r["key"], r["action"]) for r in body["rows"]] == [("admin.kedua.64", "created")]
        assert await _users(session) == users
        assert await audit_events(session, action="user.imported") == []

    async def test_a_taken_name_reads_the_same_wherever_the_account_lives(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.province_admin)
        taken = await create_user(session, username="nama.sama", role=Role.VIEWER)
        content = csv_bytes(HEADER, "nama.sama,Nama Baru,viewer,64,,")
        answers = []
        for role, region_id in (
            (Role.ADMIN, None),  # national
            (Role.VIEWER, world.other_city.id),  # another province
            (Role.VERIFIER, world.other_city.parent_id),
        ):
            await session.execute(
                update(User).where(User.id == taken.id).values(role=role, region_id=region_id)
            )
            await session.flush()
            for dry_run in (True, False):
                body = (
                    await upload(client, "users", content, dry_run=dry_run, headers=headers)
                ).json()
                answers.append(
                    json.dumps(
                        {k: body[k] for k in ("status", "counts", "rows", "errors")},
                        sort_keys=True,
                    ).encode()
                )
        assert len(set(answers)) == 1, answers
        (error,) = json.loads(answers[0])["errors"]
        assert (error["code"], error["message_en"]) == (
            "user_exists",
            "username nama.sama is already taken",
        )
        stored = await session.scalar(
            select(User).where(User.id == taken.id).execution_options(populate_existing=True)
        )
        assert stored is not None and stored.full_name != "Nama Baru"

    async def test_past_the_allowance_no_row_says_whether_its_name_is_free(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.province_admin)
        names = [f"orang.{n:03d}" for n in range(TAKEN_ANSWERS + 1)]
        for name in names:
            await create_user(session, username=name, role=Role.VIEWER, region=world.other_city)
        content = csv_bytes(
            HEADER,
            *(f"{name},Orang,viewer,64,," for name in names),
            "nama.bebas,Bebas,viewer,64,,",
        )
        body = (await upload(client, "users", content, dry_run=True, headers=headers)).json()
        codes = [e["code"] for e in body["errors"]]
        assert codes == ["user_exists"] * TAKEN_ANSWERS + ["username_not_checked"] * 2
        assert body["rows"] == []
        # Spent: POST /users answers no name either, and a later file gets no answers.
        refused = await client.post(
            "/api/v1/users",
            json={
                "username": "nama.bebas",
                "role": "viewer",
                "region": "64",
                "password": "Benteng-Kokoh-Samarinda-7",
            },
            headers=headers,
        )
        assert_error(refused, 429, "rate_limited")
        again = csv_bytes(HEADER, "nama.bebas,Bebas,viewer,64,,")
        body = (await upload(client, "users", again, dry_run=True, headers=headers)).json()
        assert [e["code"] for e in body["errors"]] == ["username_not_checked"]
        # The national administrator is not counted and sees every answer.
        national = (await upload(client, "users", again, dry_run=True)).json()
        assert national["status"] == "succeeded", national


# -- at once, on a real server -----------------------------------------------------------

CLIENTS = 6


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    templates = Templates(tmp_path_factory.mktemp("users-import-race-templates"))
    yield templates
    templates.drop_all()


@pytest.fixture
def deployment(backend: str, templates: Templates, tmp_path: Path) -> Deployment:
    return templates.deployment(backend, tmp_path)


async def test_simultaneous_imports_of_one_new_name_create_it_once(
    deployment: Deployment, tmp_path: Path
) -> None:
    """One import creates the account. Each other one finds it made (unchanged) or, when
    it tried to create it at the same moment, is told the name is taken and writes
    nothing (all or nothing); none fails with a 500."""
    content = csv_bytes(HEADER, "balapan.impor,Balapan,admin,,,", "lain.0,Lain,admin,,,")
    with running(deployment, tmp_path / "server.log") as server:
        headers = server.login("admin")
        async with httpx.AsyncClient(
            base_url=server.base_url, headers=headers, timeout=httpx.Timeout(120.0)
        ) as client:
            responses = await asyncio.gather(
                *(
                    upload(client, "users", content.replace(b"lain.0", f"lain.{n}".encode()))
                    for n in range(CLIENTS)
                )
            )
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    bodies = [r.json() for r in responses]
    actions = [dict((r["key"], r["action"]) for r in b["rows"]) for b in bodies]
    assert [a.get("balapan.impor") for a in actions].count("created") == 1, bodies
    applied = []
    for body, action in zip(bodies, actions, strict=True):
        if body["status"] == "failed":
            assert _errors(body) == [(2, "username", "user_exists")], body
        else:
            assert action["balapan.impor"] in {"created", "unchanged"}, body
            applied += [key for key, done in action.items() if done == "created"]
    names = await deployment.rows(
        "SELECT username FROM users WHERE username = 'balapan.impor' OR username LIKE 'lain.%'"
    )
    assert sorted(n for (n,) in names) == sorted(applied)
