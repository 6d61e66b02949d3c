"""Where paths used to disagree, the workflow's one documented rule now holds on each:
a count is a whole number, an edit that changes nothing is a no-op in any state, and
copied values pass the same parser."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import AuditEvent, Indicator, Submission, SubmissionStatus, SubmissionVersion
from tests.helpers import API, assert_error
from tests.submissions.conftest import Workflow
from tests.submissions.test_router import (
    LoginAs,
    act,
    attach_fake_evidence,
    attach_fake_evidence_for,
    put,
    url,
)

REASON = "Nilai tidak sesuai dengan dokumen anggaran"


async def _versions(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(SubmissionVersion)) or 0


class TestCountIsAWholeNumber:
    async def test_put_of_a_fraction_to_a_count_is_422_like_the_import(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        response = await put(anon_client, await login_as(world.operator), "C.01", 2.5)
        error = assert_error(response, 422, "invalid_input")
        assert error["details"][0]["field"] == "value"
        assert error["details"][0]["answer_type"] == "count"

    async def test_a_whole_count_is_stored(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        response = await put(anon_client, await login_as(world.operator), "C.01", 12)
        assert response.status_code == 201 and response.json()["value"] == 12


class TestUnchangedEditIsANoOp:
    async def _submitted(
        self, client: httpx.AsyncClient, headers: dict[str, str], session: AsyncSession
    ) -> str:
        etag = (await put(client, headers, "P.01", 40, narrative="ok")).json()["etag"]
        sent = await act(client, headers, "P.01", "submit", etag)
        assert sent.status_code == 200, sent.text
        return str(sent.json()["etag"])

    async def test_resending_a_submitted_answer_is_200_and_records_nothing(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
    ) -> None:
        operator = await login_as(world.operator)
        etag = await self._submitted(anon_client, operator, session)
        versions = await _versions(session)
        audits = await session.scalar(select(func.count()).select_from(AuditEvent))
        again = await put(anon_client, operator, "P.01", 40, narrative="ok", etag=etag)
        assert again.status_code == 200, again.text
        assert again.json()["etag"] == etag and again.json()["status"] == "submitted"
        assert await _versions(session) == versions
        assert await session.scalar(select(func.count()).select_from(AuditEvent)) == audits

    async def test_a_change_to_a_submitted_answer_is_still_409(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
    ) -> None:
        operator = await login_as(world.operator)
        etag = await self._submitted(anon_client, operator, session)
        changed = await put(anon_client, operator, "P.01", 41, narrative="ok", etag=etag)
        error = assert_error(changed, 409, "invalid_state")
        assert error["details"] == [{"status": "submitted", "allowed_from": ["draft", "returned"]}]

    async def test_if_match_still_applies_to_a_no_op(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
    ) -> None:
        operator = await login_as(world.operator)
        await self._submitted(anon_client, operator, session)
        assert_error(
            await put(anon_client, operator, "P.01", 40, narrative="ok"),
            428,
            "precondition_required",
        )
        stale = await put(anon_client, operator, "P.01", 40, narrative="ok", etag='"1-1"')
        assert_error(stale, 412, "precondition_failed")


class TestCopyFollowsTheRules:
    async def _previous(
        self, session: AsyncSession, world: Workflow, code: str, value: float | None
    ) -> None:
        indicator = await session.scalar(
            select(Indicator).where(
                Indicator.framework_id == world.framework.id, Indicator.code == code
            )
        )
        assert indicator is not None
        now = datetime(2023, 10, 5, tzinfo=UTC)
        session.add(
            Submission(
                period_id=world.closed_period.id,
                region_id=world.city.id,
                indicator_id=indicator.id,
                agency_id=world.agency.id,
                value=value,
                narrative="triwulan lalu",
                status=SubmissionStatus.VERIFIED,
                created_at=now,
                updated_at=now,
            )
        )
        await session.flush()

    async def test_a_value_the_type_no_longer_accepts_is_copied_as_no_value(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
    ) -> None:
        await self._previous(session, world, "C.01", 2.5)  # accepted by PUT once
        await self._previous(session, world, "P.01", 75.5)
        operator = await login_as(world.operator)
        response = await anon_client.post(
            f"{API}/submissions/copy-previous", json={"period": "2023-Q4"}, headers=operator
        )
        assert response.json() == {"previous_period": "2023-Q3", "created": 2, "skipped": 0}
        count = (await anon_client.get(url("C.01"), headers=operator)).json()
        assert (count["value"], count["narrative"], count["status"]) == (
            None,
            "triwulan lalu",
            "draft",
        )
        percent = (await anon_client.get(url("P.01"), headers=operator)).json()
        assert percent["value"] == 75.5

    async def test_versions_record_the_copied_evidence_like_every_version(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
    ) -> None:
        await self._previous(session, world, "L.01", 3)
        await attach_fake_evidence_for(session, world, "L.01")
        operator = await login_as(world.operator)
        response = await anon_client.post(
            f"{API}/submissions/copy-previous", json={"period": "2023-Q4"}, headers=operator
        )
        assert response.json()["created"] == 1
        history = (await anon_client.get(url("L.01", "/history"), headers=operator)).json()
        [copied] = history["items"]
        assert (copied["version"], copied["action"], copied["status"]) == (1, "copied", "draft")
        assert copied["evidence_hashes"] == ["b" * 64]
        assert copied["reason"] == "Disalin dari periode 2023-Q3"
        assert copied["actor"] == world.operator.username


class TestOneSnapshot:
    async def test_history_and_audit_record_the_same_answer(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
    ) -> None:
        operator = await login_as(world.operator)
        verifier = await login_as(world.verifier)
        etag = (await put(anon_client, operator, "L.01", 3)).json()["etag"]
        await attach_fake_evidence(session, "L.01")
        etag = (await act(anon_client, operator, "L.01", "submit", etag)).json()["etag"]
        back = await act(anon_client, verifier, "L.01", "return", etag, REASON)
        assert back.status_code == 200, back.text
        event = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "submission.return")
        )
        assert event is not None
        assert event.entity_id == "2023-Q4/64.72/L.01"
        assert event.before == {"value": 3.0, "narrative": "", "status": "submitted", "version": 2}
        assert event.after == {
            "value": 3.0,
            "narrative": "",
            "status": "returned",
            "version": 3,
            "reason": REASON,
        }
