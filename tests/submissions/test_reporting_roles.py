"""The reporting chain's roles through the API (issue 19 items 1 and 2).

Separation of duties: nobody verifies, returns or reopens their own region's answers,
administrators included; the province's verifier reviews its cities, a national
verifier the province's own answers. A coordinator reads every answer of its one Pemda
(all agencies, not the regions below it) and follows its progress, but never answers or
reviews.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import Indicator, Region, Role, Submission, SubmissionStatus, User
from tests.auth.support import audit_events
from tests.fixtures.factories import create_user
from tests.helpers import API, assert_error
from tests.submissions.conftest import Workflow

LoginAs = Callable[[User], Awaitable[dict[str, str]]]
REASON = "Bukti dukung belum ditandatangani pejabat"


async def _answer(
    session: AsyncSession,
    world: Workflow,
    region: Region,
    indicator: str,
    status: SubmissionStatus = SubmissionStatus.SUBMITTED,
) -> str:
    """A stored answer of `region` in the open period; returns its URL."""
    indicator_id = await session.scalar(select(Indicator.id).where(Indicator.code == indicator))
    assert indicator_id is not None
    session.add(
        Submission(
            period_id=world.period.id,
            region_id=region.id,
            indicator_id=indicator_id,
            value=1,
            status=status,
        )
    )
    await session.flush()
    return f"{API}/submissions/{world.period.code}/{region.code}/{indicator}"


async def _status(session: AsyncSession, world: Workflow, region: Region, indicator: str) -> str:
    status = await session.scalar(
        select(Submission.status)
        .join(Indicator, Submission.indicator_id == Indicator.id)
        .where(Submission.region_id == region.id, Indicator.code == indicator)
        .execution_options(populate_existing=True)
    )
    assert status is not None
    return str(status.value)


def _review(action: str) -> dict[str, str] | None:
    return {"reason": REASON} if action in ("return", "reopen") else None


def _start(action: str) -> SubmissionStatus:
    return SubmissionStatus.VERIFIED if action == "reopen" else SubmissionStatus.SUBMITTED


class TestSeparationOfDuties:
    @pytest.mark.parametrize("action", ["verify", "return", "reopen"])
    async def test_the_province_verifier_may_not_review_the_provinces_own_answers(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
        action: str,
    ) -> None:
        answer = await _answer(session, world, world.province, "L.01", _start(action))
        response = await anon_client.post(
            f"{answer}/{action}",
            json=_review(action),
            headers={**await login_as(world.verifier), "If-Match": "*"},
        )
        error = assert_error(response, 403, "own_region")
        # A message a person understands, in both languages.
        assert "sendiri" in error["message"] and "own region" in error["message"]
        assert error["details"] == [{"region": "64", "scope": "64"}]
        assert await _status(session, world, world.province, "L.01") == _start(action).value
        # On record as a refused attempt, naming the answer.
        (denied,) = await audit_events(session, action="authz.denied")
        assert denied.outcome == "denied"
        assert (denied.entity_type, denied.entity_id, denied.region_code) == (
            "submission",
            "2023-Q4/64/L.01",
            "64",
        )
        assert denied.actor_user_id == world.verifier.id
        assert denied.after is not None and denied.after["code"] == "own_region"
        assert await audit_events(session, action=f"submission.{action}") == []

    @pytest.mark.parametrize("action", ["verify", "return", "reopen"])
    async def test_one_level_up_may(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
        action: str,
    ) -> None:
        answer = await _answer(session, world, world.city, "L.01", _start(action))
        response = await anon_client.post(
            f"{answer}/{action}",
            json=_review(action),
            headers={**await login_as(world.verifier), "If-Match": "*"},
        )
        assert response.status_code == 200, response.text
        assert await audit_events(session, action="authz.denied") == []

    async def test_a_national_verifier_reviews_the_provinces_answers(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        national = await login_as(await create_user(session, role=Role.VERIFIER))
        province = await _answer(session, world, world.province, "L.01")
        city = await _answer(session, world, world.city, "Y.01")
        for answer in (province, city):
            response = await anon_client.post(
                f"{answer}/verify", headers={**national, "If-Match": "*"}
            )
            assert response.status_code == 200, response.text
            assert response.json()["status"] == "verified"
        reopened = await anon_client.post(
            f"{province}/reopen", json=_review("reopen"), headers={**national, "If-Match": "*"}
        )
        assert reopened.status_code == 200, reopened.text

    async def test_administrators_are_bound_too(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        provincial = await login_as(
            await create_user(session, role=Role.ADMIN, region=world.province)
        )
        national = await login_as(await create_user(session, role=Role.ADMIN))
        answer = await _answer(session, world, world.province, "L.01")
        refused = await anon_client.post(
            f"{answer}/verify", headers={**provincial, "If-Match": "*"}
        )
        assert_error(refused, 403, "own_region")
        allowed = await anon_client.post(f"{answer}/verify", headers={**national, "If-Match": "*"})
        assert allowed.status_code == 200, allowed.text

    async def test_a_city_verifier_may_not_review_its_city(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        verifier = await login_as(await create_user(session, role=Role.VERIFIER, region=world.city))
        answer = await _answer(session, world, world.city, "L.01")
        response = await anon_client.post(f"{answer}/verify", headers={**verifier, "If-Match": "*"})
        assert_error(response, 403, "own_region")

    async def test_outside_the_scope_is_still_404(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        answer = await _answer(session, world, world.other_city, "L.01")
        response = await anon_client.post(
            f"{answer}/verify", headers={**await login_as(world.verifier), "If-Match": "*"}
        )
        assert_error(response, 404, "answer_not_found")

    async def test_bulk_verify_reports_own_region_per_item(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        await _answer(session, world, world.province, "L.01")
        await _answer(session, world, world.city, "L.01")
        items = [
            {"period": "2023-Q4", "region": region, "indicator": "L.01", "etag": "*"}
            for region in ("64", "64.72")
        ]
        response = await anon_client.post(
            f"{API}/submissions/verify-bulk",
            json={"items": items},
            headers=await login_as(world.verifier),
        )
        assert response.status_code == 200, response.text
        result = response.json()
        assert (result["verified"], result["failed"]) == (1, 1)
        assert [(i["region"], i["status"], i["code"]) for i in result["items"]] == [
            ("64", 403, "own_region"),
            ("64.72", 200, "verified"),
        ]
        assert await _status(session, world, world.province, "L.01") == "submitted"
        assert await _status(session, world, world.city, "L.01") == "verified"
        (denied,) = await audit_events(session, action="authz.denied")
        assert (denied.entity_id, denied.outcome) == ("2023-Q4/64/L.01", "denied")
        assert len(await audit_events(session, action="submission.verify")) == 1


@pytest.fixture
async def coordinators(session: AsyncSession, world: Workflow) -> dict[str, User]:
    """A coordinator of the city, one of the province, one of the other province's city."""
    return {
        "city": await create_user(session, role=Role.COORDINATOR, region=world.city),
        "province": await create_user(session, role=Role.COORDINATOR, region=world.province),
        "other": await create_user(session, role=Role.COORDINATOR, region=world.other_city),
    }


class TestCoordinator:
    async def test_reads_every_agencys_answers_of_its_pemda(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
        coordinators: dict[str, User],
    ) -> None:
        kesbangpol = await _answer(session, world, world.city, "L.01")
        bpkad = await _answer(session, world, world.city, "B.01", SubmissionStatus.DRAFT)
        province = await _answer(session, world, world.province, "L.01")
        foreign = await _answer(session, world, world.other_city, "L.01")
        city = await login_as(coordinators["city"])
        for answer in (kesbangpol, bpkad):
            assert (await anon_client.get(answer, headers=city)).status_code == 200
            assert (await anon_client.get(f"{answer}/history", headers=city)).status_code == 200
        # Not the Pemda above it, nor another province's.
        for answer in (province, foreign):
            assert_error(await anon_client.get(answer, headers=city), 404, "answer_not_found")
        listed = await anon_client.get(f"{API}/submissions", headers=city)
        assert listed.status_code == 200, listed.text
        assert sorted((i["region"], i["indicator"]) for i in listed.json()["items"]) == [
            ("64.72", "B.01"),
            ("64.72", "L.01"),
        ]

    async def test_a_province_coordinator_reads_only_the_provinces_own_answers(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
        coordinators: dict[str, User],
    ) -> None:
        province = await _answer(session, world, world.province, "L.01")
        city = await _answer(session, world, world.city, "L.01")
        headers = await login_as(coordinators["province"])
        assert (await anon_client.get(province, headers=headers)).status_code == 200
        assert_error(await anon_client.get(city, headers=headers), 404, "answer_not_found")
        listed = await anon_client.get(f"{API}/submissions", headers=headers)
        assert [i["region"] for i in listed.json()["items"]] == ["64"]
        tasks = await anon_client.get(f"{API}/tasks", params={"period": "2023-Q4"}, headers=headers)
        assert tasks.status_code == 200, tasks.text
        assert {t["region"] for t in tasks.json()["items"]} == {"64"}

    async def test_follows_progress_per_agency(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
        coordinators: dict[str, User],
    ) -> None:
        await _answer(session, world, world.city, "L.01")
        await _answer(session, world, world.city, "B.01", SubmissionStatus.DRAFT)
        response = await anon_client.get(
            f"{API}/tasks",
            params={"period": "2023-Q4", "limit": 100},
            headers=await login_as(coordinators["city"]),
        )
        assert response.status_code == 200, response.text
        tasks = {t["indicator"]: t for t in response.json()["items"]}
        # Every indicator of the city, whichever agency answers it.
        assert set(tasks) == {"L.01", "Y.01", "P.01", "C.01", "B.01", "R.01"}
        assert {t["region"] for t in tasks.values()} == {"64.72"}
        assert tasks["L.01"]["status"] == "submitted"
        assert tasks["B.01"]["status"] == "draft"
        assert tasks["Y.01"]["status"] == "not_started"
        agencies = {t["agency"] for t in tasks.values()}
        assert len(agencies) == 2  # kesbangpol and bpkad of the city
        # Another Pemda's progress is none of its business.
        other = await anon_client.get(
            f"{API}/tasks",
            params={"period": "2023-Q4", "region": "63.71"},
            headers=await login_as(coordinators["city"]),
        )
        assert other.status_code == 200
        assert other.json()["items"] == []

    async def test_never_answers_nor_reviews(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
        coordinators: dict[str, User],
    ) -> None:
        submitted = await _answer(session, world, world.city, "L.01")
        draft = await _answer(session, world, world.city, "Y.01", SubmissionStatus.DRAFT)
        headers = {**await login_as(coordinators["city"]), "If-Match": "*"}
        put = await anon_client.put(draft, json={"value": 1, "narrative": ""}, headers=headers)
        assert_error(put, 403, "forbidden")
        assert_error(await anon_client.post(f"{draft}/submit", headers=headers), 403, "forbidden")
        for action in ("verify", "return"):
            response = await anon_client.post(
                f"{submitted}/{action}", json=_review(action), headers=headers
            )
            assert_error(response, 403, "forbidden")
        bulk = await anon_client.post(
            f"{API}/submissions/verify-bulk",
            json={
                "items": [
                    {"period": "2023-Q4", "region": "64.72", "indicator": "L.01", "etag": "*"}
                ]
            },
            headers=headers,
        )
        assert_error(bulk, 403, "forbidden")
        assert_error(
            await anon_client.get(f"{API}/review-queue", headers=headers), 403, "forbidden"
        )
        assert await _status(session, world, world.city, "L.01") == "submitted"

    async def test_me_names_the_role_and_its_pemda(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        coordinators: dict[str, User],
    ) -> None:
        response = await anon_client.get(
            f"{API}/auth/me", headers=await login_as(coordinators["city"])
        )
        assert response.status_code == 200, response.text
        me = response.json()
        assert (me["role"], me["region_code"], me["agency_code"]) == ("coordinator", "64.72", None)
        assert me["capabilities"] == ["read"]
