"""Every state change that matters writes its event in its own transaction: answers
(submit, verify, return, reopen; bulk verify), reports (submit, accept, return, withdraw),
periods (open, close, reopen); a refused or rolled-back change writes none."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor
from siaga.core.security import ROLE_CAPABILITIES, Principal
from siaga.events import outbox as outbox_module
from siaga.events.catalogue import DATA_OF, EventType, PeriodEventData
from siaga.models import Role, User
from siaga.submissions import transitions
from siaga.submissions.service import Keys
from tests.events.conftest import outbox
from tests.helpers import API
from tests.reporting.conftest import REASON, SECTIONS, Chain, answer_all, report_url
from tests.submissions.conftest import Workflow

LoginAs = Callable[[User], Awaitable[dict[str, str]]]
RETURN_REASON = "Bukti belum lengkap, mohon lampirkan SK"


def answer_url(indicator: str, action: str = "", period: str = "2023-Q4") -> str:
    return f"{API}/submissions/{period}/64.72/{indicator}" + (f"/{action}" if action else "")


async def transition(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    indicator: str,
    action: str,
    reason: str | None = None,
) -> httpx.Response:
    return await client.post(
        answer_url(indicator, action),
        json=None if reason is None else {"reason": reason},
        headers={**headers, "If-Match": "*"},
    )


def _data(event: Any) -> dict[str, Any]:
    # The stored data is exactly its type's model: receivers may rely on the schema.
    model = DATA_OF[EventType(event.type)]
    return model.model_validate(event.data).model_dump(mode="json")


class TestAnswers:
    async def test_each_transition_writes_its_event(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        operator, verifier = await login_as(world.operator), await login_as(world.verifier)
        created = await anon_client.put(answer_url("Y.01"), json={"value": True}, headers=operator)
        assert created.status_code == 201, created.text
        # A draft changes nothing others must hear about.
        assert await outbox(session) == []
        steps = [
            (operator, "submit", None, "submission.submitted", "submitted", "draft"),
            (verifier, "return", RETURN_REASON, "submission.returned", "returned", "submitted"),
            (operator, "submit", None, "submission.submitted", "submitted", "returned"),
            (verifier, "verify", None, "submission.verified", "verified", "submitted"),
            (verifier, "reopen", RETURN_REASON, "submission.reopened", "returned", "verified"),
        ]
        for n, (headers, action, reason, type_, status, previous) in enumerate(steps, 1):
            response = await transition(anon_client, headers, "Y.01", action, reason)
            assert response.status_code == 200, response.text
            events = await outbox(session)
            assert len(events) == n
            event = events[-1]
            actor = world.operator if headers is operator else world.verifier
            assert (event.type, event.region_code) == (type_, "64.72")
            assert (event.actor_user_id, event.actor_label) == (actor.id, actor.username)
            assert (event.attempts, event.claimed_until, event.processed_at) == (0, None, None)
            data = _data(event)
            assert data == {
                "period": "2023-Q4",
                "region": "64.72",
                "indicator": "Y.01",
                "agency": world.agency.code,
                "status": status,
                "previous_status": previous,
                "version": response.json()["version"],
                "late": False,
                "reason": reason,
                "actor": actor.username,
                "occurred_at": data["occurred_at"],
            }

    async def test_refused_transitions_write_nothing(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        operator = await login_as(world.operator)
        await anon_client.put(answer_url("Y.01"), json={"value": True}, headers=operator)
        # Not submitted yet (409), not a reviewer (403), no reason (422).
        assert (
            await transition(anon_client, await login_as(world.verifier), "Y.01", "verify")
        ).status_code == 409
        assert (await transition(anon_client, operator, "Y.01", "verify")).status_code == 403
        # L.01 needs evidence before it is submitted.
        await anon_client.put(answer_url("L.01"), json={"value": 2}, headers=operator)
        assert (await transition(anon_client, operator, "L.01", "submit")).status_code == 409
        assert await outbox(session) == []

    async def test_a_rolled_back_transition_leaves_no_event(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
        admin_user: User,
    ) -> None:
        operator = await login_as(world.operator)
        await anon_client.put(answer_url("Y.01"), json={"value": True}, headers=operator)
        principal = Principal(
            kind="user",
            id=admin_user.id,
            label=admin_user.username,
            capabilities=ROLE_CAPABILITIES[Role.ADMIN],
            region_code=None,
            role=Role.ADMIN,
        )
        actor = Actor(label=admin_user.username, user_id=admin_user.id)
        savepoint = await session.begin_nested()
        answer = await transitions.transition(
            session, principal, actor, Keys("2023-Q4", "64.72", "Y.01"), "submit", "*"
        )
        assert answer.status == "submitted"
        await session.flush()  # the request's commit would flush it
        assert [e.type for e in await outbox(session)] == ["submission.submitted"]
        await savepoint.rollback()
        assert await outbox(session) == []

    async def test_bulk_verify_writes_one_event_per_verified_answer(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        operator = await login_as(world.operator)
        for indicator in ("Y.01", "P.01"):
            await anon_client.put(answer_url(indicator), json={"value": 1}, headers=operator)
        await transition(anon_client, operator, "Y.01", "submit")
        items = [
            {"period": "2023-Q4", "region": "64.72", "indicator": code, "etag": "*"}
            for code in ("Y.01", "P.01")  # P.01 is still a draft: refused
        ]
        response = await anon_client.post(
            f"{API}/submissions/verify-bulk",
            json={"items": items},
            headers=await login_as(world.verifier),
        )
        assert (response.json()["verified"], response.json()["failed"]) == (1, 1)
        verified = await outbox(session, "submission.verified")
        assert [_data(e)["indicator"] for e in verified] == ["Y.01"]


class TestReports:
    async def test_each_transition_writes_its_event(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
    ) -> None:
        world = chain.world
        coordinator, verifier = await login_as(chain.coordinator), await login_as(world.verifier)
        await answer_all(session, world.period, world.city)
        written = await anon_client.put(report_url(), json=SECTIONS, headers=coordinator)
        assert written.status_code == 201, written.text
        assert await outbox(session) == []  # writing the draft is not an event
        steps = [
            (coordinator, "submit", None, "report.submitted", "submitted", "draft"),
            (verifier, "return", REASON, "report.returned", "returned", "submitted"),
            (coordinator, "submit", None, "report.submitted", "submitted", "returned"),
            (verifier, "accept", None, "report.accepted", "accepted", "submitted"),
            # A withdrawn acceptance puts the report back in review.
            (verifier, "unaccept", REASON, "report.submitted", "submitted", "accepted"),
        ]
        for n, (headers, action, reason, type_, status, previous) in enumerate(steps, 1):
            response = await anon_client.post(
                report_url(action=action),
                json=None if reason is None else {"reason": reason},
                headers=headers,
            )
            assert response.status_code == 200, response.text
            events = await outbox(session)
            assert len(events) == n
            event = events[-1]
            actor = chain.coordinator if headers is coordinator else world.verifier
            assert (event.type, event.region_code, event.actor_label) == (
                type_,
                "64.72",
                actor.username,
            )
            body = response.json()
            data = _data(event)
            assert data == {
                "period": "2023-Q4",
                "region": "64.72",
                "status": status,
                "previous_status": previous,
                "version": body["version"],
                "receipt_number": body["receipt_number"],
                "late": body["late"],
                "reason": reason,
                "actor": actor.username,
                "occurred_at": data["occurred_at"],
            }
        assert events[0].data["receipt_number"] is not None

    async def test_a_refused_submission_writes_nothing(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
    ) -> None:
        coordinator = await login_as(chain.coordinator)
        await anon_client.put(report_url(), json=SECTIONS, headers=coordinator)
        # The answers are not all in: 409, and no event.
        response = await anon_client.post(report_url(action="submit"), headers=coordinator)
        assert response.status_code == 409, response.text
        assert await outbox(session) == []


class TestPeriods:
    async def test_open_close_and_reopen(
        self, client: httpx.AsyncClient, session: AsyncSession, world: Workflow, admin_user: User
    ) -> None:
        closed = await client.post(f"{API}/periods/2023-Q4/close")
        assert closed.status_code == 200, closed.text
        opened = await client.post(f"{API}/periods/2023-Q3/open")
        assert opened.status_code == 200, opened.text
        reason = "Dibuka kembali karena banjir di beberapa kabupaten"
        reopened = await client.post(f"{API}/periods/2023-Q4/reopen", json={"reason": reason})
        assert reopened.status_code == 200, reopened.text
        refused = await client.post(f"{API}/periods/2023-Q4/open")  # already open: 409
        assert refused.status_code == 409
        events = await outbox(session)
        assert [(e.type, e.region_code, e.actor_label) for e in events] == [
            ("period.closed", None, admin_user.username),
            ("period.opened", None, admin_user.username),
            ("period.opened", None, admin_user.username),
        ]
        data = [PeriodEventData.model_validate(e.data) for e in events]
        assert [(d.period, d.previous_status, d.status, d.reason) for d in data] == [
            ("2023-Q4", "open", "closed", None),
            ("2023-Q3", "closed", "open", None),
            ("2023-Q4", "closed", "open", reason),
        ]
        assert data[0].framework == world.framework.code
        assert data[0].deadline.isoformat() == closed.json()["deadline"]


def test_emit_refuses_data_of_another_type() -> None:
    data = PeriodEventData.model_validate(
        {
            "period": "2023-Q4",
            "name": "Triwulan IV",
            "framework": "UJI",
            "status": "open",
            "previous_status": "planned",
            "deadline": "2024-01-10",
            "reason": None,
            "actor": "admin",
            "occurred_at": "2024-01-01T00:00:00Z",
        }
    )
    with pytest.raises(TypeError):
        outbox_module.emit(
            None,  # type: ignore[arg-type]
            EventType.REPORT_ACCEPTED,
            data,
            region=None,
            actor=Actor(label="admin"),
        )
