"""Recommendations in a Pemda report over HTTP: making them (who, when, bad input),
following them up (who, transitions), overdue and carried flags, scope, and the audit
trail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.types import utcnow
from siaga.models import (
    Agency,
    AuditEvent,
    RecommendationStatus,
    ReportRecommendation,
    User,
)
from tests.helpers import API, assert_error
from tests.reporting.conftest import SECTIONS, Chain, answer_all, report_url

LoginAs = Callable[[User], Awaitable[dict[str, str]]]

AGENCY = "64.72.kesbangpol"
FUTURE = "2031-03-31"
NOTE = "Rapat koordinasi Forkopimda telah dilaksanakan pada 12 Januari."


def recs_url(region: str = "64.72", period: str = "2023-Q4") -> str:
    return report_url(region, period, "recommendations")


def rec_url(rec_id: int) -> str:
    return f"{API}/recommendations/{rec_id}"


async def make(
    client: httpx.AsyncClient, headers: dict[str, str], region: str = "64.72", **body: Any
) -> httpx.Response:
    payload = {"text": "Perkuat koordinasi pemantauan", "agency": AGENCY, "due_on": FUTURE}
    return await client.post(recs_url(region), json={**payload, **body}, headers=headers)


async def made(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await make(client, headers, **body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def field_of(error: dict[str, Any]) -> str:
    return str(error["details"][0].get("field") or error["details"][0].get("loc"))


class TestCreate:
    async def test_coordinator_makes_one_and_the_report_shows_it(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, chain: Chain, login_as: LoginAs
    ) -> None:
        coordinator = await login_as(chain.coordinator)
        created = await make(anon_client, coordinator)
        assert created.status_code == 201, created.text
        body = created.json()
        assert created.headers["ETag"] == body["etag"]
        assert (body["status"], body["overdue"], body["carried"], body["version"]) == (
            "open",
            False,
            False,
            1,
        )
        assert (body["agency"], body["period"], body["region"]) == (AGENCY, "2023-Q4", "64.72")
        assert body["created_by"] == chain.coordinator.username
        listed = await anon_client.get(recs_url(), headers=coordinator)
        assert [r["id"] for r in listed.json()["items"]] == [body["id"]]
        report = await anon_client.get(report_url(), headers=coordinator)
        assert [r["id"] for r in report.json()["recommendations"]] == [body["id"]]
        audit = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "recommendation.create")
        )
        assert audit is not None and audit.entity_id == str(body["id"])
        assert audit.after is not None and audit.after["agency"] == AGENCY

    async def test_administrator_over_the_pemda_too(
        self, anon_client: httpx.AsyncClient, chain: Chain, login_as: LoginAs
    ) -> None:
        for admin in (chain.province_admin, chain.national_admin):
            assert (await make(anon_client, await login_as(admin))).status_code == 201

    async def test_others_may_not(
        self, anon_client: httpx.AsyncClient, chain: Chain, login_as: LoginAs
    ) -> None:
        world = chain.world
        for user in (world.operator, world.verifier, world.viewer, chain.national_verifier):
            assert_error(await make(anon_client, await login_as(user)), 403, "forbidden")
        # Outside the scope: 404, as for the report.
        for user in (chain.foreign_coordinator, world.foreign_operator):
            assert_error(await make(anon_client, await login_as(user)), 404, "report_not_found")
            assert_error(
                await anon_client.get(recs_url(), headers=await login_as(user)),
                404,
                "report_not_found",
            )
        # The province's coordinator has its own report only.
        assert_error(
            await make(anon_client, await login_as(chain.province_coordinator)),
            404,
            "report_not_found",
        )

    async def test_only_while_the_report_is_written(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, chain: Chain, login_as: LoginAs
    ) -> None:
        coordinator = await login_as(chain.coordinator)
        await answer_all(session, chain.world.period, chain.world.city)
        assert (
            await anon_client.put(report_url(), json=SECTIONS, headers=coordinator)
        ).status_code == 201
        submitted = await anon_client.post(report_url(action="submit"), headers=coordinator)
        assert submitted.status_code == 200, submitted.text
        assert_error(await make(anon_client, coordinator), 409, "invalid_state")
        # A closed period's report takes none either.
        closed = await anon_client.post(
            report_url(period="2023-Q3", action="recommendations"),
            json={"text": "x", "agency": AGENCY, "due_on": FUTURE},
            headers=coordinator,
        )
        assert_error(closed, 409, "period_not_open")

    @pytest.mark.parametrize(
        ("body", "code", "field"),
        [
            ({"text": ""}, "invalid_input", "text"),
            ({"text": "   "}, "invalid_input", "text"),
            ({"text": "x" * 2001}, "invalid_input", "text"),
            ({"text": 5}, "invalid_input", "text"),
            ({"due_on": "31-03-2031"}, "invalid_input", "due_on"),
            ({"due_on": "2031-02-30"}, "invalid_input", "due_on"),
            ({"due_on": "2023-09-30"}, "due_before_period", "due_on"),
            ({"agency": "63.71.kesbangpol"}, "invalid_agency", "agency"),
            ({"agency": "64.kesbangpol"}, "invalid_agency", "agency"),
            ({"agency": "no.such.agency"}, "invalid_agency", "agency"),
            ({"agency": ""}, "invalid_input", "agency"),
            ({"extra": 1}, "invalid_input", "extra"),
        ],
    )
    async def test_bad_input(
        self,
        anon_client: httpx.AsyncClient,
        chain: Chain,
        login_as: LoginAs,
        body: dict[str, Any],
        code: str,
        field: str,
    ) -> None:
        error = assert_error(
            await make(anon_client, await login_as(chain.coordinator), **body), 422, code
        )
        assert field in field_of(error)

    async def test_an_inactive_agency_is_refused(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, chain: Chain, login_as: LoginAs
    ) -> None:
        agency = await session.scalar(select(Agency).where(Agency.code == AGENCY))
        assert agency is not None
        agency.is_active = False
        await session.flush()
        error = assert_error(
            await make(anon_client, await login_as(chain.coordinator)), 422, "invalid_agency"
        )
        assert field_of(error) == "agency"


class TestFollowUp:
    async def test_status_and_note(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, chain: Chain, login_as: LoginAs
    ) -> None:
        coordinator = await login_as(chain.coordinator)
        rec = await made(anon_client, coordinator)
        started = await anon_client.patch(
            rec_url(rec["id"]),
            json={"status": "in_progress"},
            headers={**coordinator, "If-Match": rec["etag"]},
        )
        assert started.status_code == 200, started.text
        assert (started.json()["status"], started.json()["version"]) == ("in_progress", 2)
        # A stale ETag is refused.
        assert_error(
            await anon_client.patch(
                rec_url(rec["id"]),
                json={"follow_up": NOTE},
                headers={**coordinator, "If-Match": rec["etag"]},
            ),
            412,
            "precondition_failed",
        )
        # Done needs a note saying what was done.
        error = assert_error(
            await anon_client.patch(
                rec_url(rec["id"]), json={"status": "done"}, headers=coordinator
            ),
            422,
            "follow_up_required",
        )
        assert field_of(error) == "follow_up"
        done = await anon_client.patch(
            rec_url(rec["id"]), json={"status": "done", "follow_up": NOTE}, headers=coordinator
        )
        assert done.status_code == 200, done.text
        assert done.json()["done_at"] is not None and done.json()["follow_up"] == NOTE
        # Re-sending the same changes nothing and records nothing.
        again = await anon_client.patch(
            rec_url(rec["id"]), json={"status": "done", "follow_up": NOTE}, headers=coordinator
        )
        assert again.json()["version"] == done.json()["version"]
        # Reopening needs a note in the same request, even with one stored.
        assert_error(
            await anon_client.patch(
                rec_url(rec["id"]), json={"status": "open"}, headers=coordinator
            ),
            422,
            "follow_up_required",
        )
        reopened = await anon_client.patch(
            rec_url(rec["id"]),
            json={
                "status": "open",
                "follow_up": "Dibuka kembali: rapat belum menghasilkan keputusan.",
            },
            headers=coordinator,
        )
        assert reopened.status_code == 200, reopened.text
        assert (reopened.json()["status"], reopened.json()["done_at"]) == ("open", None)
        assert_error(
            await anon_client.patch(
                rec_url(rec["id"]), json={"status": "closed"}, headers=coordinator
            ),
            422,
            "invalid_input",
        )
        assert_error(
            await anon_client.patch(
                rec_url(rec["id"]), json={"follow_up": "x" * 4001}, headers=coordinator
            ),
            422,
            "invalid_input",
        )
        actions = (
            await session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity_type == "recommendation")
                .order_by(AuditEvent.id)
            )
        ).all()
        assert actions == ["recommendation.create", *["recommendation.update"] * 3]

    async def test_who_follows_up(
        self, anon_client: httpx.AsyncClient, chain: Chain, login_as: LoginAs
    ) -> None:
        world = chain.world
        rec = await made(anon_client, await login_as(chain.coordinator))
        note = {"follow_up": NOTE}
        # The responsible agency's operator writes the follow-up.
        by_operator = await anon_client.patch(
            rec_url(rec["id"]),
            json=note | {"status": "done"},
            headers=await login_as(world.operator),
        )
        assert by_operator.status_code == 200, by_operator.text
        assert by_operator.json()["updated_by"] == world.operator.username
        # Another agency's operator of the Pemda, verifiers and viewers read but may not.
        for user in (world.other_operator, world.verifier, world.viewer, chain.national_verifier):
            assert_error(
                await anon_client.patch(
                    rec_url(rec["id"]), json=note, headers=await login_as(user)
                ),
                403,
                "forbidden",
            )
        # Outside the scope, and unknown ids: 404.
        for user in (chain.foreign_coordinator, world.foreign_operator, chain.province_coordinator):
            assert_error(
                await anon_client.patch(
                    rec_url(rec["id"]), json=note, headers=await login_as(user)
                ),
                404,
                "recommendation_not_found",
            )
        admin = await login_as(chain.national_admin)
        assert_error(
            await anon_client.patch(rec_url(999_999), json=note, headers=admin),
            404,
            "recommendation_not_found",
        )
        assert_error(
            await anon_client.patch(f"{API}/recommendations/abc", json=note, headers=admin),
            422,
            "invalid_input",
        )

    async def test_after_the_report_is_accepted(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, chain: Chain, login_as: LoginAs
    ) -> None:
        coordinator = await login_as(chain.coordinator)
        rec = await made(anon_client, coordinator)
        await answer_all(session, chain.world.period, chain.world.city)
        await anon_client.put(report_url(), json=SECTIONS, headers=coordinator)
        assert (
            await anon_client.post(report_url(action="submit"), headers=coordinator)
        ).status_code == 200
        verifier = await login_as(chain.world.verifier)
        assert (
            await anon_client.post(report_url(action="accept"), headers=verifier)
        ).status_code == 200
        followed = await anon_client.patch(
            rec_url(rec["id"]),
            json={"status": "in_progress", "follow_up": NOTE},
            headers=coordinator,
        )
        assert followed.status_code == 200, followed.text


class TestOverdueAndCarried:
    async def test_flags(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, chain: Chain, login_as: LoginAs
    ) -> None:
        world = chain.world
        agency = await session.scalar(select(Agency).where(Agency.code == AGENCY))
        assert agency is not None
        today = utcnow().date()
        # Made in the closed Q3 report: one still open and overdue, one done, one in
        # progress not due yet; and one in Q4, overdue.
        rows = [
            (world.closed_period.id, RecommendationStatus.OPEN, today - timedelta(days=3)),
            (world.closed_period.id, RecommendationStatus.DONE, today - timedelta(days=3)),
            (world.closed_period.id, RecommendationStatus.IN_PROGRESS, today + timedelta(days=30)),
            (world.period.id, RecommendationStatus.OPEN, date(2023, 10, 2)),
            (world.period.id, RecommendationStatus.DONE, date(2023, 10, 2)),
        ]
        for period_id, status, due in rows:
            session.add(
                ReportRecommendation(
                    period_id=period_id,
                    region_id=world.city.id,
                    agency_id=agency.id,
                    text=f"{status.value} {due}",
                    due_on=due,
                    status=status,
                    follow_up="",
                )
            )
        await session.flush()
        coordinator = await login_as(chain.coordinator)
        items = (await anon_client.get(recs_url(), headers=coordinator)).json()["items"]
        seen = [(r["period"], r["status"], r["overdue"], r["carried"]) for r in items]
        assert seen == [
            ("2023-Q3", "open", True, True),
            ("2023-Q3", "in_progress", False, True),
            ("2023-Q4", "open", True, False),
            ("2023-Q4", "done", False, False),
        ]
        # The Q3 report itself shows its own three, none carried.
        q3 = (await anon_client.get(recs_url(period="2023-Q3"), headers=coordinator)).json()
        assert [(r["status"], r["carried"]) for r in q3["items"]] == [
            ("open", False),
            ("done", False),
            ("in_progress", False),
        ]
        report = (await anon_client.get(report_url(), headers=coordinator)).json()
        assert [r["id"] for r in report["recommendations"]] == [r["id"] for r in items]
        # Operators of the Pemda read them with the report.
        listed = await anon_client.get(recs_url(), headers=await login_as(world.operator))
        assert len(listed.json()["items"]) == 4
