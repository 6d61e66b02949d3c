"""The answer workflow through the API: edit, submit, verify, return, reopen, history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import (
    AuditEvent,
    EvidenceBlob,
    Indicator,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    User,
)
from tests.fixtures.factories import create_fake_evidence
from tests.helpers import API, assert_error, assert_page
from tests.submissions.conftest import Workflow

LoginAs = Callable[[User], Awaitable[dict[str, str]]]


def url(indicator: str, suffix: str = "", period: str = "2023-Q4", region: str = "64.72") -> str:
    return f"{API}/submissions/{period}/{region}/{indicator}{suffix}"


async def put(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    indicator: str,
    value: Any,
    *,
    etag: str | None = None,
    narrative: str = "",
    **kwargs: Any,
) -> httpx.Response:
    extra = {"If-Match": etag} if etag else {}
    return await client.put(
        url(indicator, **kwargs),
        json={"value": value, "narrative": narrative},
        headers={**headers, **extra},
    )


async def act(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    indicator: str,
    action: str,
    etag: str | None,
    reason: str | None = None,
) -> httpx.Response:
    extra = {"If-Match": etag} if etag else {}
    body = {"reason": reason} if reason is not None else None
    return await client.post(url(indicator, f"/{action}"), json=body, headers={**headers, **extra})


async def attach_fake_evidence(session: AsyncSession, indicator_code: str) -> None:
    """Evidence rows without going through the upload (tested in tests/evidence)."""
    submission = (
        await session.scalars(
            select(Submission)
            .join(Indicator, Submission.indicator_id == Indicator.id)
            .where(Indicator.code == indicator_code)
        )
    ).one()
    await create_fake_evidence(session, submission.id)


class TestPutSubmission:
    async def test_operator_creates_draft_with_etag(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.operator)
        response = await put(anon_client, headers, "L.01", 3, narrative="SK sudah terbit")
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["status"] == "draft" and body["value"] == 3 and body["version"] == 1
        assert response.headers["ETag"] == body["etag"]
        assert body["agency"] == world.agency.code

    @pytest.mark.parametrize(
        ("indicator", "value"),
        [
            ("L.01", 2.5),
            ("L.01", 5),
            ("L.01", -1),
            ("L.01", True),
            ("Y.01", 2),
            ("P.01", 100.5),
            ("P.01", -0.1),
            ("C.01", -1),
            ("C.01", 10**9),
            ("L.01", "tiga"),
            ("L.01", [1]),
        ],
    )
    async def test_values_outside_the_answer_type_are_422(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
        indicator: str,
        value: Any,
    ) -> None:
        response = await put(anon_client, await login_as(world.operator), indicator, value)
        assert_error(response, 422, "invalid_input")
        assert await session.scalar(select(func.count()).select_from(Submission)) == 0

    async def test_nan_is_422(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        response = await anon_client.put(
            url("P.01"),
            content=b'{"value": NaN}',
            headers={**await login_as(world.operator), "Content-Type": "application/json"},
        )
        assert_error(response, 422, "invalid_input")

    @pytest.mark.parametrize(("value", "stored"), [(True, 1.0), (False, 0.0), (1, 1.0)])
    async def test_yes_no_accepts_booleans_and_one_zero(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        value: Any,
        stored: float,
    ) -> None:
        response = await put(anon_client, await login_as(world.operator), "Y.01", value)
        assert response.status_code == 201
        assert response.json()["value"] == stored

    async def test_other_agencies_indicator_is_404(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        response = await put(anon_client, await login_as(world.operator), "B.01", 2)
        assert_error(response, 404, "answer_not_found")

    async def test_other_pemda_is_404(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        response = await put(anon_client, await login_as(world.foreign_operator), "L.01", 2)
        assert_error(response, 404, "answer_not_found")

    async def test_indicator_not_applying_to_level_is_404(
        self, client: httpx.AsyncClient, world: Workflow
    ) -> None:
        response = await put(client, {}, "R.01", 2, region="64")
        assert_error(response, 404, "answer_not_found")

    @pytest.mark.parametrize("who", ["viewer", "verifier"])
    async def test_reading_roles_may_not_answer(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs, who: str
    ) -> None:
        response = await put(anon_client, await login_as(getattr(world, who)), "L.01", 2)
        assert_error(response, 403, "forbidden")

    async def test_closed_period_is_409(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        response = await put(
            anon_client, await login_as(world.operator), "L.01", 2, period="2023-Q3"
        )
        assert_error(response, 409, "period_not_open")

    async def test_change_needs_if_match(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.operator)
        await put(anon_client, headers, "L.01", 2)
        assert_error(await put(anon_client, headers, "L.01", 3), 428, "precondition_required")

    async def test_stale_if_match_is_412_and_changes_nothing(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.operator)
        first = (await put(anon_client, headers, "L.01", 2)).json()["etag"]
        second = await put(anon_client, headers, "L.01", 3, etag=first)
        assert second.status_code == 200 and second.json()["version"] == 2
        # A second editor still holding the first ETag cannot overwrite the change.
        stale = await put(anon_client, headers, "L.01", 4, etag=first)
        error = assert_error(stale, 412, "precondition_failed")
        assert error["details"] == [{"current_etag": second.json()["etag"]}]
        current = await anon_client.get(url("L.01"), headers=headers)
        assert current.json()["value"] == 3

    async def test_unchanged_put_writes_no_version(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.operator)
        etag = (await put(anon_client, headers, "L.01", 2)).json()["etag"]
        again = await put(anon_client, headers, "L.01", 2, etag=etag)
        assert again.json()["version"] == 1 and again.json()["etag"] == etag


class TestWorkflow:
    async def test_return_fix_resubmit_verify_with_full_history(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
    ) -> None:
        operator, verifier = await login_as(world.operator), await login_as(world.verifier)
        etag = (await put(anon_client, operator, "P.01", 40, narrative="awal")).json()["etag"]
        submitted = await act(anon_client, operator, "P.01", "submit", etag)
        assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
        assert submitted.json()["first_submitted_at"] is not None

        # A submitted answer is with the verifier: the agency cannot change it.
        locked = await put(anon_client, operator, "P.01", 50, etag=submitted.json()["etag"])
        assert_error(locked, 409, "invalid_state")

        returned = await act(
            anon_client, verifier, "P.01", "return", submitted.json()["etag"],
            reason="SP2D belum dilampirkan",
        )  # fmt: skip
        assert returned.json()["status"] == "returned"
        seen = (await anon_client.get(url("P.01"), headers=operator)).json()
        assert seen["last_review"]["reason"] == "SP2D belum dilampirkan"
        assert seen["last_review"]["decision"] == "returned"

        fixed = await put(anon_client, operator, "P.01", 55, etag=seen["etag"])
        resubmitted = await act(anon_client, operator, "P.01", "submit", fixed.json()["etag"])
        verified = await act(anon_client, verifier, "P.01", "verify", resubmitted.json()["etag"])
        assert verified.json()["status"] == "verified" and verified.json()["verified_at"]

        # Verified answers are locked until a verifier reopens them.
        assert_error(
            await put(anon_client, operator, "P.01", 60, etag=verified.json()["etag"]),
            409,
            "invalid_state",
        )
        history = (await anon_client.get(url("P.01", "/history"), headers=operator)).json()
        steps = [(h["action"], h["status"], h["value"], h["reason"]) for h in history["items"]]
        assert steps == [
            ("created", "draft", 40, None),
            ("submitted", "submitted", 40, None),
            ("returned", "returned", 40, "SP2D belum dilampirkan"),
            ("updated", "returned", 55, None),
            ("submitted", "submitted", 55, None),
            ("verified", "verified", 55, None),
        ]
        actors = {h["actor"] for h in history["items"]}
        assert actors == {world.operator.username, world.verifier.username}
        actions = set(
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.entity_type == "submission")
            )
        )
        assert {
            "submission.create", "submission.update", "submission.submit",
            "submission.return", "submission.verify",
        } <= actions  # fmt: skip

    async def test_reopen_needs_reason_and_verifier(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator, verifier = await login_as(world.operator), await login_as(world.verifier)
        etag = (await put(anon_client, operator, "Y.01", True)).json()["etag"]
        etag = (await act(anon_client, operator, "Y.01", "submit", etag)).json()["etag"]
        etag = (await act(anon_client, verifier, "Y.01", "verify", etag)).json()["etag"]
        assert_error(
            await act(anon_client, operator, "Y.01", "reopen", etag, "x" * 5), 403, "forbidden"
        )
        assert_error(await act(anon_client, verifier, "Y.01", "reopen", etag), 422, "invalid_input")
        assert_error(
            await act(anon_client, verifier, "Y.01", "reopen", etag, ""), 422, "invalid_input"
        )
        reopened = await act(anon_client, verifier, "Y.01", "reopen", etag, "Data salah ketik")
        assert reopened.json()["status"] == "returned" and reopened.json()["verified_at"] is None

    async def test_required_evidence_blocks_submit(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
    ) -> None:
        operator = await login_as(world.operator)
        etag = (await put(anon_client, operator, "L.01", 3)).json()["etag"]
        assert_error(
            await act(anon_client, operator, "L.01", "submit", etag), 409, "evidence_required"
        )
        await attach_fake_evidence(session, "L.01")
        assert (await act(anon_client, operator, "L.01", "submit", etag)).status_code == 200

    async def test_submit_without_value_is_422(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator = await login_as(world.operator)
        etag = (await put(anon_client, operator, "P.01", None)).json()["etag"]
        assert_error(await act(anon_client, operator, "P.01", "submit", etag), 422, "invalid_input")

    @pytest.mark.parametrize(
        ("action", "reason"), [("verify", None), ("return", "Bukti kurang lengkap")]
    )
    async def test_review_of_a_draft_is_409(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        action: str,
        reason: str | None,
    ) -> None:
        etag = (await put(anon_client, await login_as(world.operator), "P.01", 10)).json()["etag"]
        response = await act(
            anon_client, await login_as(world.verifier), "P.01", action, etag, reason
        )
        assert_error(response, 409, "invalid_state")

    async def test_operator_cannot_verify(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator = await login_as(world.operator)
        etag = (await put(anon_client, operator, "P.01", 10)).json()["etag"]
        etag = (await act(anon_client, operator, "P.01", "submit", etag)).json()["etag"]
        assert_error(await act(anon_client, operator, "P.01", "verify", etag), 403, "forbidden")

    async def test_late_first_submission_is_marked(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
    ) -> None:
        world.period.deadline = date(2024, 1, 10)  # long past, period still open
        await session.flush()
        operator = await login_as(world.operator)
        etag = (await put(anon_client, operator, "P.01", 10)).json()["etag"]
        submitted = (await act(anon_client, operator, "P.01", "submit", etag)).json()
        assert submitted["is_late"] is True

    async def test_on_time_submission_is_not_late(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator = await login_as(world.operator)
        etag = (await put(anon_client, operator, "P.01", 10)).json()["etag"]
        assert (await act(anon_client, operator, "P.01", "submit", etag)).json()["is_late"] is False


class TestListsAndQueue:
    async def _answers(self, client: httpx.AsyncClient, world: Workflow, login_as: LoginAs) -> None:
        operator = await login_as(world.operator)
        for code, value in (("P.01", 10), ("Y.01", True), ("C.01", 2)):
            etag = (await put(client, operator, code, value)).json()["etag"]
            if code != "C.01":
                await act(client, operator, code, "submit", etag)
        other = await login_as(world.other_operator)
        await put(client, other, "B.01", 1)

    async def test_operator_sees_only_its_agencys_answers(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        await self._answers(anon_client, world, login_as)
        response = await anon_client.get(
            f"{API}/submissions", headers=await login_as(world.operator)
        )
        items = assert_page(response, total=3)
        assert {i["indicator"] for i in items} == {"P.01", "Y.01", "C.01"}
        foreign = await anon_client.get(
            f"{API}/submissions", headers=await login_as(world.foreign_operator)
        )
        assert_page(foreign, total=0)

    async def test_review_queue_oldest_first(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        await self._answers(anon_client, world, login_as)
        response = await anon_client.get(
            f"{API}/submissions",
            params={"status": "submitted", "order": "oldest", "period": "2023-Q4"},
            headers=await login_as(world.verifier),
        )
        items = assert_page(response, total=2)
        assert [i["indicator"] for i in items] == ["P.01", "Y.01"]
        assert all(i["etag"].startswith('"') for i in items)

    async def test_filters(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        await self._answers(anon_client, world, login_as)
        viewer = await login_as(world.viewer)
        by_agency = await anon_client.get(
            f"{API}/submissions", params={"agency": world.agency.code}, headers=viewer
        )
        assert_page(by_agency, total=3)
        by_status = await anon_client.get(
            f"{API}/submissions", params=[("status", "draft")], headers=viewer
        )
        assert {i["indicator"] for i in assert_page(by_status, total=2)} == {"C.01", "B.01"}
        bad = await anon_client.get(f"{API}/submissions", params={"status": "done"}, headers=viewer)
        assert_error(bad, 422, "invalid_input")

    async def test_tasks_show_not_started(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        await self._answers(anon_client, world, login_as)
        response = await anon_client.get(
            f"{API}/tasks", params={"period": "2023-Q4"}, headers=await login_as(world.operator)
        )
        items = assert_page(response, total=5)
        status = {i["indicator"]: i["status"] for i in items}
        assert status == {
            "L.01": "not_started", "Y.01": "submitted", "P.01": "submitted",
            "C.01": "draft", "R.01": "not_started",
        }  # fmt: skip
        assert items[0]["deadline"] == "2030-01-10"

    async def test_tasks_unknown_period_is_404(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        response = await anon_client.get(
            f"{API}/tasks", params={"period": "1999-Q1"}, headers=await login_as(world.operator)
        )
        assert_error(response, 404, "period_not_found")


class TestBulkVerify:
    async def test_each_item_on_its_own(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator = await login_as(world.operator)
        etags = {}
        for code, value in (("P.01", 10), ("Y.01", True)):
            etag = (await put(anon_client, operator, code, value)).json()["etag"]
            etags[code] = (await act(anon_client, operator, code, "submit", etag)).json()["etag"]
        body = {
            "items": [
                {
                    "period": "2023-Q4",
                    "region": "64.72",
                    "indicator": "P.01",
                    "etag": etags["P.01"],
                },
                {"period": "2023-Q4", "region": "64.72", "indicator": "Y.01", "etag": '"0-0"'},
                {"period": "2023-Q4", "region": "63.71", "indicator": "P.01", "etag": '"1-1"'},
            ]
        }
        response = await anon_client.post(
            f"{API}/submissions/verify-bulk", json=body, headers=await login_as(world.verifier)
        )
        assert response.status_code == 200, response.text
        result = response.json()
        assert (result["verified"], result["failed"]) == (1, 2)
        assert [(i["status"], i["code"]) for i in result["items"]] == [
            (200, "verified"),
            (412, "precondition_failed"),
            (404, "answer_not_found"),
        ]
        still = await anon_client.get(url("Y.01"), headers=operator)
        assert still.json()["status"] == "submitted"

    async def test_empty_or_oversized_batch_is_422(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        verifier = await login_as(world.verifier)
        item = {"period": "2023-Q4", "region": "64.72", "indicator": "P.01", "etag": "x"}
        for items in ([], [item] * 501):
            response = await anon_client.post(
                f"{API}/submissions/verify-bulk", json={"items": items}, headers=verifier
            )
            assert_error(response, 422, "invalid_input")


class TestCopyPrevious:
    async def test_copies_verified_answers_with_evidence_references(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
    ) -> None:
        indicators = {
            i.code: i
            for i in await session.scalars(
                select(Indicator).where(Indicator.framework_id == world.framework.id)
            )
        }
        now = datetime(2023, 10, 5, tzinfo=UTC)
        for code, status in (
            ("L.01", SubmissionStatus.VERIFIED),
            ("P.01", SubmissionStatus.RETURNED),
        ):
            session.add(
                Submission(
                    period_id=world.closed_period.id,
                    region_id=world.city.id,
                    indicator_id=indicators[code].id,
                    agency_id=world.agency.id,
                    value=3,
                    narrative="triwulan lalu",
                    status=status,
                    created_at=now,
                    updated_at=now,
                )
            )
        await session.flush()
        await attach_fake_evidence_for(session, world, "L.01")
        operator = await login_as(world.operator)
        response = await anon_client.post(
            f"{API}/submissions/copy-previous", json={"period": "2023-Q4"}, headers=operator
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"previous_period": "2023-Q3", "created": 1, "skipped": 0}
        copied = (await anon_client.get(url("L.01"), headers=operator)).json()
        assert copied["status"] == "draft" and copied["value"] == 3
        assert [e["sha256"] for e in copied["evidence"]] == ["b" * 64]
        assert await session.scalar(select(func.count()).select_from(EvidenceBlob)) == 1
        versions = await session.scalar(select(func.count()).select_from(SubmissionVersion))
        assert versions == 1
        # Running it again copies nothing: answers that exist are never overwritten.
        again = await anon_client.post(
            f"{API}/submissions/copy-previous", json={"period": "2023-Q4"}, headers=operator
        )
        assert again.json() == {"previous_period": "2023-Q3", "created": 0, "skipped": 1}

    async def test_closed_period_is_409(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        response = await anon_client.post(
            f"{API}/submissions/copy-previous",
            json={"period": "2023-Q3"},
            headers=await login_as(world.operator),
        )
        assert_error(response, 409, "period_not_open")


async def attach_fake_evidence_for(session: AsyncSession, world: Workflow, code: str) -> None:
    submission = (
        await session.scalars(
            select(Submission)
            .join(Indicator, Submission.indicator_id == Indicator.id)
            .where(Indicator.code == code, Submission.period_id == world.closed_period.id)
        )
    ).one()
    await create_fake_evidence(session, submission.id, sha256="b" * 64)


class TestGetAndHistory:
    async def test_unanswered_is_404(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator = await login_as(world.operator)
        assert_error(await anon_client.get(url("L.01"), headers=operator), 404, "answer_not_found")
        assert_error(
            await anon_client.get(url("L.01", "/history"), headers=operator),
            404,
            "answer_not_found",
        )

    async def test_other_agency_reads_404_like_nonexistent(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        await put(anon_client, await login_as(world.operator), "L.01", 2)
        hidden = await anon_client.get(url("L.01"), headers=await login_as(world.other_operator))
        missing = await anon_client.get(url("X.99"), headers=await login_as(world.other_operator))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
