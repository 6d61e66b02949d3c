"""Refusals that matter for an investigation are on record (review finding 7), within a
per-address budget, and written without a second pooled connection (finding 1)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, update

from siaga.audit.service import RefusalThrottle
from siaga.core.passwords import PasswordChecker, PasswordCheckerBusy
from siaga.core.types import utcnow
from siaga.models import ApiKey, AuditEvent, LoginAttempt, Role, User
from tests.auth.support import Committed, audit_events, create_login_user, login
from tests.fixtures.auth import bearer, create_api_key, create_session_token
from tests.fixtures.client import build_app
from tests.fixtures.db import prepare_sqlite
from tests.fixtures.factories import create_region, create_user
from tests.helpers import API, assert_error, assert_page


async def _province_admin_and_stranger(committed: Committed) -> tuple[str, str]:
    """A token of province 64's administrator, and a user of province 63."""
    async with committed.session() as session:
        kaltim = await create_region(session, code="64")
        kalsel = await create_region(session, code="63", name="Kalimantan Selatan")
        admin = await create_user(session, username="admin.kaltim", role=Role.ADMIN, region=kaltim)
        await create_user(session, username="warga.kalsel", role=Role.VIEWER, region=kalsel)
        token = await create_session_token(session, admin, committed.app.state.settings)
    return token, "warga.kalsel"


class TestOutOfScopeWrites:
    async def test_a_write_answered_404_is_recorded(self, committed: Committed) -> None:
        token, stranger = await _province_admin_and_stranger(committed)
        async with committed.client("10.1.2.3") as client:
            response = await client.patch(
                f"{API}/users/{stranger}",
                json={"full_name": "Diambil Alih"},
                headers={**bearer(token), "X-Request-ID": "req-probe"},
            )
            assert response.status_code == 404, response.text
            code = response.json()["error"]["code"]
        async with committed.session() as session:
            (event,) = await audit_events(session, action="authz.not_found")
            assert await audit_events(session, action="user.update") == []
            name = await session.scalar(select(User.full_name).where(User.username == stranger))
        assert name != "Diambil Alih"
        assert (event.actor_label, event.outcome, event.region_code) == (
            "admin.kaltim",
            "denied",
            "64",
        )
        assert (event.entity_type, event.entity_id) == ("route", f"PATCH /api/v1/users/{stranger}")
        assert (event.client_addr, event.request_id) == ("10.1.2.3", "req-probe")
        assert event.after == {"code": code}

    async def test_a_read_answered_404_is_not(self, committed: Committed) -> None:
        token, stranger = await _province_admin_and_stranger(committed)
        async with committed.client() as client:
            response = await client.get(f"{API}/users/{stranger}", headers=bearer(token))
            assert response.status_code == 404, response.text
        async with committed.session() as session:
            assert await audit_events(session, action="authz.not_found") == []


class TestCredentialsThatNoLongerWork:
    async def _refusal(self, committed: Committed, token: str) -> AuditEvent:
        async with committed.client("10.9.9.9") as client:
            response = await client.get(f"{API}/regions", headers=bearer(token))
            assert_error(response, 401, "not_authenticated")
        async with committed.session() as session:
            (event,) = await audit_events(session, action="auth.token_refused")
        assert (event.outcome, event.client_addr) == ("failure", "10.9.9.9")
        assert event.after is not None and event.after["route"] == "GET /api/v1/regions"
        return event

    @pytest.mark.parametrize("state", ["revoked", "expired"])
    async def test_api_key(self, committed: Committed, state: str) -> None:
        async with committed.session() as session:
            province = await create_region(session, code="64")
            key = await create_api_key(
                session, committed.app.state.settings, scopes=["read"], region=province
            )
            past = utcnow() - timedelta(minutes=1)
            column = ApiKey.revoked_at if state == "revoked" else ApiKey.expires_at
            await session.execute(update(ApiKey).values({column: past}))
        event = await self._refusal(committed, key)
        prefix = key.split("_")[1]
        assert (event.entity_type, event.entity_id, event.region_code) == ("api_key", prefix, "64")
        assert event.after is not None and event.after["reason"] == state

    async def test_session_of_a_disabled_account(self, committed: Committed) -> None:
        async with committed.session() as session:
            user = await create_user(session, username="pensiun", role=Role.VIEWER)
            token = await create_session_token(session, user, committed.app.state.settings)
            await session.execute(update(User).values(is_active=False))
        event = await self._refusal(committed, token)
        assert (event.entity_type, event.entity_id) == ("user", "pensiun")
        assert event.after is not None and event.after["reason"] == "account_disabled"

    async def test_session_used_after_sign_out(self, committed: Committed) -> None:
        async with committed.session() as session:
            user = await create_user(session, username="sudah.keluar", role=Role.VIEWER)
            token = await create_session_token(session, user, committed.app.state.settings)
        async with committed.client() as client:
            assert (await client.post(f"{API}/auth/logout", headers=bearer(token))).is_success
        event = await self._refusal(committed, token)
        assert event.after is not None and event.after["reason"] == "session_revoked"

    async def test_unknown_tokens_leave_no_record(self, committed: Committed) -> None:
        async with committed.client() as client:
            for token in ("tidak-ada", "sgk_000000000000_rahasia"):
                response = await client.get(f"{API}/regions", headers=bearer(token))
                assert_error(response, 401, "not_authenticated")
        async with committed.session() as session:
            assert await audit_events(session, action="auth.token_refused") == []


class TestRefusalBudget:
    def test_a_flood_is_counted_and_the_next_record_says_how_many(self) -> None:
        throttle = RefusalThrottle(per_minute=3)
        admitted = [throttle.admit("10.0.0.1", now=100.0) for _ in range(10)]
        assert admitted == [0, 0, 0] + [None] * 7
        # Another address has a budget of its own.
        assert throttle.admit("10.0.0.2", now=100.0) == 0
        # 20 s later one token is back (3 a minute): the next record carries the seven.
        assert throttle.admit("10.0.0.1", now=120.0) == 7
        assert throttle.admit("10.0.0.1", now=120.0) is None

    def test_memory_stays_bounded_under_many_addresses(self) -> None:
        throttle = RefusalThrottle(per_minute=3, max_sources=100)
        for n in range(1000):
            throttle.admit(f"10.0.{n // 256}.{n % 256}", now=float(n))
        assert len(throttle._buckets) <= 100

    async def test_denials_beyond_the_budget_are_not_written(self, tmp_path: Path) -> None:
        url = prepare_sqlite(tmp_path / "budget.db")
        app = build_app(url, audit_refusals_per_minute=3)
        try:
            async with app.state.sessionmaker() as session:
                viewer = await create_user(session, username="pembaca", role=Role.VIEWER)
                token = await create_session_token(session, viewer, app.state.settings)
                await session.commit()
            transport = httpx.ASGITransport(app=app, client=("10.7.7.7", 5000))
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                for _ in range(10):
                    response = await client.post(
                        f"{API}/users", json={"username": "x"}, headers=bearer(token)
                    )
                    assert_error(response, 403, "forbidden")
            async with app.state.sessionmaker() as session:
                count = await session.scalar(
                    select(func.count()).where(AuditEvent.action == "authz.denied")
                )
            assert count == 3
        finally:
            await app.state.engine.dispose()


class TestLoginWhileTheDatabaseIsAway:
    async def test_the_refusal_is_spooled_and_written_when_it_returns(self, tmp_path: Path) -> None:
        path = tmp_path / "db" / "siaga.db"
        app = build_app(f"sqlite:///{path}")
        try:
            path.mkdir(parents=True)  # a directory where the database file should be
            transport = httpx.ASGITransport(app=app, client=("10.5.5.5", 5000))
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                response = await login(client, "siti.kaltim", "Sandi-Apa-Saja-1")
                assert_error(response, 503, "database_unavailable")
            assert len(app.state.spool) == 1
            assert await app.state.spool.flush(app.state.sessionmaker) == 0  # still away
            path.rmdir()
            prepare_sqlite(path)
            assert await app.state.spool.flush(app.state.sessionmaker) == 1
            async with app.state.sessionmaker() as session:
                (event,) = await audit_events(session, action="auth.login")
            assert (event.entity_id, event.outcome, event.client_addr) == (
                "siti.kaltim",
                "failure",
                "10.5.5.5",
            )
            assert event.after == {"reason": "database_unavailable"}
            assert len(app.state.spool) == 0
        finally:
            await app.state.engine.dispose()


class TestPasswordChecks:
    async def test_a_slot_is_taken_at_once_or_refused(self) -> None:
        checker = PasswordChecker(concurrency=1)
        try:
            with checker.slot(), pytest.raises(PasswordCheckerBusy):
                checker.slot()
            with checker.slot():
                assert checker.in_use == 1
            assert checker.in_use == 0
        finally:
            checker.close()

    async def test_sign_ins_beyond_the_slots_are_429_not_queued(self, tmp_path: Path) -> None:
        url = prepare_sqlite(tmp_path / "busy.db")
        app = build_app(url, password_check_concurrency=1, login_max_failures_per_address=100)
        try:
            async with app.state.sessionmaker() as session:
                await create_login_user(session, username="antre", role=Role.VIEWER)
                await session.commit()
            transport = httpx.ASGITransport(app=app, client=("10.4.4.4", 5000))
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                responses = await asyncio.gather(
                    *(login(client, f"antre{n}", "Salah-Sandi-123") for n in range(6))
                )
            statuses = sorted(r.status_code for r in responses)
            assert 401 in statuses and 429 in statuses, statuses
            assert set(statuses) <= {401, 429}
            for response in responses:
                if response.status_code == 429:
                    body = assert_error(response, 429, "rate_limited")
                    assert body["details"] == [{"retry_after_seconds": 1, "reason": "busy"}]
                    assert response.headers["retry-after"] == "1"
            async with app.state.sessionmaker() as session:
                evaluated = await session.scalar(select(func.count()).select_from(LoginAttempt))
                busy = await audit_events(session, outcome="rate_limited")
            # Only the evaluated ones count toward the limits; the busy ones are on record.
            assert evaluated == statuses.count(401)
            assert len(busy) == statuses.count(429)
            assert {e.after["reason"] for e in busy if e.after} == {"busy"}
        finally:
            await app.state.engine.dispose()


class TestAuditQuery:
    async def test_refused_gathers_every_refusal(self, committed: Committed) -> None:
        async with committed.session() as session:
            admin = await create_login_user(session, username="penyidik", role=Role.ADMIN)
            viewer = await create_user(session, username="iseng", role=Role.VIEWER)
            settings = committed.app.state.settings
            viewer_token = await create_session_token(session, viewer, settings)
            admin_token = await create_session_token(session, admin, settings)
        async with committed.client() as client:
            await client.delete(f"{API}/api-keys/abc", headers=bearer(viewer_token))
            await login(client, "penyidik", "Bukan-Sandinya-123")
            response = await client.get(
                f"{API}/audit", params={"outcome": "refused"}, headers=bearer(admin_token)
            )
            items = assert_page(response, total=2)
        assert sorted(i["outcome"] for i in items) == ["denied", "failure"]

    @pytest.mark.parametrize(
        "value", ["0.5", "1700000000", "2024-01-10T00:00:00", "kemarin", "2024-13-01T00:00Z"]
    )
    async def test_times_must_be_iso_with_a_zone(
        self, client: httpx.AsyncClient, value: str
    ) -> None:
        for name in ("since", "until"):
            response = await client.get(f"{API}/audit", params={name: value})
            body = assert_error(response, 422, "invalid_input")
            assert body["details"][0]["loc"] == ["query", name]
