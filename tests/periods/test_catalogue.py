"""Creating periods, moving a deadline and reopening (issue 18): national administrators
only, audited, every bad input a 422 naming its field."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import FrameworkStatus, PeriodState, Role, User
from siaga.periods import quarters
from siaga.periods.schemas import REASON_MIN_LENGTH
from siaga.submissions import workflow
from tests.auth.support import audit_events
from tests.fixtures.factories import create_framework, create_period, create_region, create_user
from tests.helpers import API, assert_error

LoginAs = Callable[[User], Awaitable[dict[str, str]]]
REASON = "Banjir di beberapa kabupaten"


def _fields(error: dict[str, Any]) -> set[str]:
    return {d.get("field") or d.get("loc", [None])[-1] for d in error["details"]}


def test_reason_length_is_the_answer_workflows() -> None:
    assert REASON_MIN_LENGTH == workflow.REASON_MIN_LENGTH


@pytest.mark.parametrize(
    ("code", "start", "end", "deadline"),
    [
        ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 10)),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31), date(2024, 4, 10)),
        ("2025-Q2", date(2025, 4, 1), date(2025, 6, 30), date(2025, 7, 10)),
        ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31), date(2026, 1, 10)),
    ],
)
def test_quarter_defaults(code: str, start: date, end: date, deadline: date) -> None:
    quarter = quarters.parse(code)
    assert quarter is not None
    assert (quarter.starts_on, quarter.ends_on, quarter.default_deadline) == (start, end, deadline)


@pytest.mark.parametrize(
    "code", ["2025-Q5", "2025-Q0", "2025Q1", "25-Q1", "1999-Q1", "2101-Q1", ""]
)
def test_bad_codes(code: str) -> None:
    assert quarters.parse(code) is None


class TestCreate:
    async def test_defaults_from_the_quarter(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_framework(session, code="PEMILU2030", dimensions=0)
        response = await client.post(
            f"{API}/periods", json={"code": "2030-Q4", "framework": "PEMILU2030"}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["state"] == "planned" and body["framework_code"] == "PEMILU2030"
        assert (body["start_date"], body["end_date"], body["deadline"]) == (
            "2030-10-01",
            "2030-12-31",
            "2031-01-10",
        )
        assert body["name"] == "Triwulan IV 2030"
        (event,) = await audit_events(session, action="period.create")
        assert event.entity_id == "2030-Q4" and event.after and event.after["state"] == "planned"

    async def test_explicit_dates(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await create_framework(session, code="PEMILU2030", dimensions=0)
        body = {
            "code": "2030-Q1",
            "framework": "PEMILU2030",
            "name": "Triwulan khusus",
            "starts_on": "2030-01-15",
            "ends_on": "2030-03-15",
            "deadline": "2030-03-20",
        }
        response = await client.post(f"{API}/periods", json=body)
        assert response.status_code == 201, response.text
        assert response.json()["deadline"] == "2030-03-20"

    async def test_existing_code_is_409(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        framework = await create_framework(session, code="PEMILU2030", dimensions=0)
        await create_period(session, framework=framework, code="2030-Q2")
        response = await client.post(
            f"{API}/periods", json={"code": "2030-Q2", "framework": "PEMILU2030"}
        )
        assert_error(response, 409, "period_exists")

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({"code": "2030-Q5"}, "code"),
            ({"code": "1800-Q1"}, "code"),
            ({"code": "x" * 30}, "code"),
            ({"code": 2030}, "code"),
            ({"starts_on": "2029-12-31"}, "starts_on"),
            ({"ends_on": "2030-04-01"}, "ends_on"),
            ({"starts_on": "2030-02-01", "ends_on": "2030-01-31"}, "ends_on"),
            ({"deadline": "2029-12-01"}, "deadline"),
            ({"deadline": "not a date"}, "deadline"),
            ({"framework": "TIDAKADA"}, "framework"),
            ({"name": ""}, "name"),
            ({"unknown": 1}, "unknown"),
        ],
    )
    async def test_bad_input_names_the_field(
        self, client: httpx.AsyncClient, session: AsyncSession, extra: dict[str, Any], field: str
    ) -> None:
        await create_framework(session, code="PEMILU2030", dimensions=0)
        body = {"code": "2030-Q1", "framework": "PEMILU2030", **extra}
        error = assert_error(await client.post(f"{API}/periods", json=body), 422, "invalid_input")
        assert field in _fields(error), error

    async def test_draft_framework_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        framework = await create_framework(session, code="DRAFT2030", dimensions=0)
        framework.status = FrameworkStatus.DRAFT
        await session.flush()
        response = await client.post(
            f"{API}/periods", json={"code": "2030-Q1", "framework": "DRAFT2030"}
        )
        error = assert_error(response, 422, "invalid_input")
        assert error["details"][0]["code"] == "framework_not_published"

    async def test_overlap_is_422(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        framework = await create_framework(session, code="PEMILU2030", dimensions=0)
        # A legacy period whose dates run into the next quarter.
        await create_period(
            session,
            framework=framework,
            code="2029-Q4",
            start_date=date(2029, 10, 1),
            end_date=date(2030, 1, 31),
        )
        response = await client.post(
            f"{API}/periods", json={"code": "2030-Q1", "framework": "PEMILU2030"}
        )
        error = assert_error(response, 422, "invalid_input")
        assert error["details"][0]["code"] == "period_overlaps"

    async def test_unauthenticated_is_401(self, anon_client: httpx.AsyncClient) -> None:
        response = await anon_client.post(
            f"{API}/periods", json={"code": "2030-Q1", "framework": "X"}
        )
        assert_error(response, 401, "not_authenticated")

    @pytest.mark.parametrize("role", [Role.VERIFIER, Role.VIEWER])
    async def test_other_roles_are_403(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs, role: Role
    ) -> None:
        user = await create_user(session, role=role)
        response = await anon_client.post(
            f"{API}/periods",
            json={"code": "2030-Q1", "framework": "X"},
            headers=await login_as(user),
        )
        assert_error(response, 403, "forbidden")

    async def test_provincial_admin_is_403(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        await create_framework(session, code="PEMILU2030", dimensions=0)
        admin64 = await create_user(
            session, role=Role.ADMIN, region=await create_region(session, code="64")
        )
        response = await anon_client.post(
            f"{API}/periods",
            json={"code": "2030-Q1", "framework": "PEMILU2030"},
            headers=await login_as(admin64),
        )
        assert_error(response, 403, "forbidden")


class TestDeadline:
    async def test_moves_the_deadline_audited(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_period(session, code="2030-Q1", start_date=date(2030, 1, 1))
        before = (await client.get(f"{API}/periods/2030-Q1")).json()["deadline"]
        response = await client.patch(
            f"{API}/periods/2030-Q1", json={"deadline": "2030-04-30", "reason": REASON}
        )
        assert response.status_code == 200, response.text
        assert response.json()["deadline"] == "2030-04-30"
        (event,) = await audit_events(session, action="period.deadline")
        assert event.before == {"deadline": before}
        assert event.after == {"deadline": "2030-04-30", "reason": REASON}

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"deadline": "2030-04-30"}, "reason"),
            ({"deadline": "2030-04-30", "reason": "singkat"}, "reason"),
            ({"deadline": "2030-04-30", "reason": " " * 20}, "reason"),
            ({"deadline": "2029-01-01", "reason": REASON}, "deadline"),
            ({"deadline": 5, "reason": REASON}, "deadline"),
        ],
    )
    async def test_bad_input(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        body: dict[str, Any],
        field: str,
    ) -> None:
        await create_period(session, code="2030-Q1", start_date=date(2030, 1, 1))
        response = await client.patch(f"{API}/periods/2030-Q1", json=body)
        assert field in _fields(assert_error(response, 422, "invalid_input"))

    async def test_unknown_period_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.patch(
            f"{API}/periods/1999-Q1", json={"deadline": "2030-04-30", "reason": REASON}
        )
        assert_error(response, 404, "period_not_found")

    async def test_provincial_admin_is_403(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        await create_period(session, code="2030-Q1", start_date=date(2030, 1, 1))
        admin64 = await create_user(
            session, role=Role.ADMIN, region=await create_region(session, code="64")
        )
        response = await anon_client.patch(
            f"{API}/periods/2030-Q1",
            json={"deadline": "2030-04-30", "reason": REASON},
            headers=await login_as(admin64),
        )
        assert_error(response, 403, "forbidden")


class TestReopen:
    async def test_closed_to_open(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await create_period(session, code="2030-Q1", state=PeriodState.CLOSED)
        response = await client.post(f"{API}/periods/2030-Q1/reopen", json={"reason": REASON})
        assert response.status_code == 200, response.text
        assert response.json()["state"] == "open"
        (event,) = await audit_events(session, action="period.reopen")
        assert event.before == {"state": "closed"}
        assert event.after == {"state": "open", "reason": REASON}

    @pytest.mark.parametrize("state", [PeriodState.OPEN, PeriodState.PLANNED])
    async def test_only_closed_periods(
        self, client: httpx.AsyncClient, session: AsyncSession, state: PeriodState
    ) -> None:
        await create_period(session, code="2030-Q1", state=state)
        response = await client.post(f"{API}/periods/2030-Q1/reopen", json={"reason": REASON})
        assert_error(response, 409, "invalid_state")

    async def test_reason_required(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await create_period(session, code="2030-Q1", state=PeriodState.CLOSED)
        response = await client.post(f"{API}/periods/2030-Q1/reopen", json={})
        assert "reason" in _fields(assert_error(response, 422, "invalid_input"))

    async def test_provincial_admin_is_403(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        await create_period(session, code="2030-Q1", state=PeriodState.CLOSED)
        admin64 = await create_user(
            session, role=Role.ADMIN, region=await create_region(session, code="64")
        )
        response = await anon_client.post(
            f"{API}/periods/2030-Q1/reopen",
            json={"reason": REASON},
            headers=await login_as(admin64),
        )
        assert_error(response, 403, "forbidden")


def test_days_are_dates() -> None:
    # The deadline is a day; its end in the Pemda's zone is regions.time_zones' business.
    assert quarters.Quarter(2025, 1).default_deadline - timedelta(days=9) == date(2025, 4, 1)
