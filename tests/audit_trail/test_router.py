"""The audit trail: GET /audit, and the refusals recorded in it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.models import AuditEvent, Role, User
from tests.auth.support import Committed, audit_events, create_login_user, login
from tests.fixtures.auth import bearer, create_api_key, create_session_token
from tests.fixtures.factories import create_region, create_user
from tests.helpers import API, assert_error, assert_page

AUDIT = f"{API}/audit"
LoginAs = Callable[[User], Awaitable[dict[str, str]]]
T0 = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)


async def _event(
    session: AsyncSession,
    action: str,
    *,
    at: datetime,
    actor: str = "budi",
    outcome: str = "success",
    entity: tuple[str, str] = ("user", "siti"),
    region: str | None = None,
) -> AuditEvent:
    event = record(
        session,
        Actor(actor, client_addr="10.0.0.9", request_id=f"req-{action}"),
        action,
        entity_type=entity[0],
        entity_id=entity[1],
        region_code=region,
        outcome=outcome,
        before={"full_name": "A"},
        after={"full_name": "B"},
    )
    event.occurred_at = at
    await session.flush()
    return event


async def _trail(session: AsyncSession) -> None:
    """Five events an hour apart, T0 .. T0+4h."""
    await _event(session, "auth.login", at=T0, actor="budi", region="64")
    await _event(session, "user.create", at=T0 + timedelta(hours=1), actor="budi", region="64.72")
    await _event(
        session,
        "user.update",
        at=T0 + timedelta(hours=2),
        actor="ani",
        entity=("user", "rudi"),
        region="63",
    )
    await _event(
        session,
        "api_key.create",
        at=T0 + timedelta(hours=3),
        actor="ani",
        entity=("api_key", "abc123"),
    )
    await _event(
        session,
        "authz.denied",
        at=T0 + timedelta(hours=4),
        actor="budi",
        outcome="denied",
        entity=("route", "POST /api/v1/users"),
        region=None,
    )


def _actions(items: list[dict[str, Any]]) -> list[str]:
    return [item["action"] for item in items]


class TestListAuditEvents:
    async def test_lists_newest_first_with_every_field(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _trail(session)
        items = assert_page(await client.get(AUDIT), total=5)
        assert _actions(items) == [
            "authz.denied",
            "api_key.create",
            "user.update",
            "user.create",
            "auth.login",
        ]
        login_event = items[-1]
        assert datetime.fromisoformat(login_event.pop("occurred_at")) == T0
        assert isinstance(login_event.pop("id"), int)
        assert login_event == {
            "actor": "budi",
            "action": "auth.login",
            "outcome": "success",
            "entity_type": "user",
            "entity_id": "siti",
            "region_code": "64",
            "before": {"full_name": "A"},
            "after": {"full_name": "B"},
            "client_addr": "10.0.0.9",
            "request_id": "req-auth.login",
        }

    async def test_events_at_the_same_moment_are_newest_first_by_id(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        for action in ("user.create", "user.update", "auth.logout"):
            await _event(session, action, at=T0)
        items = assert_page(await client.get(AUDIT), total=3)
        assert _actions(items) == ["auth.logout", "user.update", "user.create"]

    async def test_pages(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await _trail(session)
        items = assert_page(
            await client.get(AUDIT, params={"limit": 2, "offset": 1}), total=5, limit=2, offset=1
        )
        assert _actions(items) == ["api_key.create", "user.update"]

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"actor": "ani"}, ["api_key.create", "user.update"]),
            ({"action": "user."}, ["user.update", "user.create"]),
            ({"action": "user.create"}, ["user.create"]),
            ({"action": "auth"}, ["authz.denied", "auth.login"]),
            ({"action": "user%"}, []),
            ({"entity": "api_key"}, ["api_key.create"]),
            ({"entity": "user", "entity_id": "siti"}, ["user.create", "auth.login"]),
            ({"entity_id": "rudi"}, ["user.update"]),
            ({"outcome": "denied"}, ["authz.denied"]),
            ({"actor": "budi", "outcome": "success"}, ["user.create", "auth.login"]),
            (
                {"since": "2024-01-10T13:00:00+00:00"},
                ["authz.denied", "api_key.create", "user.update", "user.create"],
            ),
            ({"until": "2024-01-10T13:00:00+00:00"}, ["auth.login"]),
            # 20:00 in Jakarta is 13:00 UTC.
            (
                {"since": "2024-01-10T20:00:00+07:00", "until": "2024-01-10T22:00:00+07:00"},
                ["user.update", "user.create"],
            ),
            ({"since": "2024-01-10T12:00:00Z", "until": "2024-01-10T12:00:00Z"}, []),
            ({"actor": "tidak.ada"}, []),
        ],
        ids=[
            "actor",
            "action-prefix",
            "action-exact",
            "action-prefix-is-plain-text",
            "action-wildcard-is-literal",
            "entity",
            "entity-and-id",
            "entity-id",
            "outcome",
            "combined",
            "since-inclusive",
            "until-exclusive",
            "other-time-zone",
            "empty-range",
            "unknown-actor",
        ],
    )
    async def test_filters(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        params: dict[str, str],
        expected: list[str],
    ) -> None:
        await _trail(session)
        response = await client.get(AUDIT, params=params)
        assert _actions(assert_page(response, total=len(expected))) == expected

    @pytest.mark.parametrize(
        "params",
        [
            {"since": "2024-01-10T13:00:00"},
            {"until": "2024-01-10T13:00:00"},
            {"since": "2024-01-10"},
            {"since": "kemarin"},
            {"outcome": "maybe"},
            {"actor": ""},
            {"entity_id": "x" * 121},
            {"limit": 501},
            {"offset": -1},
        ],
        ids=[
            "naive-since",
            "naive-until",
            "date-only",
            "not-a-date",
            "unknown-outcome",
            "empty-actor",
            "long-entity-id",
            "limit-too-big",
            "negative-offset",
        ],
    )
    async def test_bad_filter_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession, params: dict[str, Any]
    ) -> None:
        await _trail(session)
        assert_error(await client.get(AUDIT, params=params), 422, "invalid_input")

    async def test_provincial_admin_sees_only_events_of_its_subtree(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        await _trail(session)
        await _event(session, "user.create", at=T0, region="640")  # same prefix, other code
        province = await create_region(session, code="64")
        admin = await create_user(session, role=Role.ADMIN, region=province)
        response = await anon_client.get(AUDIT, headers=await login_as(admin))
        items = assert_page(response, total=2)
        assert [(i["action"], i["region_code"]) for i in items] == [
            ("user.create", "64.72"),
            ("auth.login", "64"),
        ]

    async def test_changes_made_through_the_api_appear(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_region(session, code="64")
        response = await client.post(
            f"{API}/users",
            json={
                "username": "baru.tercatat",
                "role": "viewer",
                "region": "64",
                "password": "Sungai-Mahakam-Luas-1",
            },
            headers={"X-Request-ID": "req-tercatat"},
        )
        assert response.status_code == 201
        items = assert_page(await client.get(AUDIT, params={"action": "user."}), total=1)
        assert (items[0]["entity_id"], items[0]["request_id"], items[0]["actor"]) == (
            "baru.tercatat",
            "req-tercatat",
            "admin.nasional",
        )

    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
    async def test_trail_cannot_be_changed_through_the_api(
        self, client: httpx.AsyncClient, method: str
    ) -> None:
        response = await client.request(method, AUDIT, json={})
        assert_error(response, 405, "method_not_allowed")


class TestRefusalsAreAudited:
    """Refusals are recorded in a transaction of their own, so they need `committed`."""

    async def test_viewer_changing_data_is_403_and_recorded(self, committed: Committed) -> None:
        async with committed.session() as session:
            province = await create_region(session, code="64")
            viewer = await create_user(
                session, username="hanya.lihat", role=Role.VIEWER, region=province
            )
            token = await create_session_token(session, viewer, committed.app.state.settings)
        async with committed.client("10.6.6.6") as client:
            response = await client.post(
                f"{API}/users",
                json={"username": "penyusup", "role": "admin", "password": "Sangat-Rahasia-77"},
                headers={**bearer(token), "X-Request-ID": "req-denied"},
            )
            assert_error(response, 403, "forbidden")
        async with committed.session() as session:
            (event,) = await audit_events(session, action="authz.denied")
            assert await audit_events(session, action="user.create") == []
        assert (event.actor_label, event.actor_user_id, event.outcome) == (
            "hanya.lihat",
            viewer.id,
            "denied",
        )
        assert (event.entity_type, event.entity_id, event.after) == (
            "route",
            "POST /api/v1/users",
            {"needs": "admin"},
        )
        assert (event.client_addr, event.request_id) == ("10.6.6.6", "req-denied")

    async def test_api_key_without_the_scope_is_recorded_as_the_key(
        self, committed: Committed
    ) -> None:
        async with committed.session() as session:
            key = await create_api_key(session, committed.app.state.settings, scopes=["import"])
        async with committed.client() as client:
            response = await client.get(f"{API}/regions", headers=bearer(key))
            assert_error(response, 403, "forbidden")
        async with committed.session() as session:
            (event,) = await audit_events(session, action="authz.denied")
        assert event.actor_label == f"apikey:{key.split('_')[1]}"
        assert event.actor_api_key_id is not None and event.actor_user_id is None
        assert (event.entity_id, event.after) == ("GET /api/v1/regions", {"needs": "read"})

    async def test_admin_reads_refusals_and_failed_logins_in_the_trail(
        self, committed: Committed
    ) -> None:
        async with committed.session() as session:
            admin = await create_login_user(session, username="pemeriksa", role=Role.ADMIN)
            viewer = await create_user(session, username="coba.coba", role=Role.VIEWER)
            viewer_token = await create_session_token(session, viewer, committed.app.state.settings)
            admin_token = await create_session_token(session, admin, committed.app.state.settings)
        async with committed.client() as client:
            await client.get(AUDIT, headers=bearer(viewer_token))
            await login(client, "pemeriksa", "Bukan-Sandinya-123")
            response = await client.get(
                AUDIT, params={"outcome": "denied"}, headers=bearer(admin_token)
            )
            denied = assert_page(response, total=1)
            response = await client.get(
                AUDIT,
                params={"action": "auth.login", "outcome": "failure"},
                headers=bearer(admin_token),
            )
            failed = assert_page(response, total=1)
        assert (denied[0]["actor"], denied[0]["entity_id"]) == ("coba.coba", "GET /api/v1/audit")
        assert (failed[0]["actor"], failed[0]["entity_id"]) == ("pemeriksa", "pemeriksa")
