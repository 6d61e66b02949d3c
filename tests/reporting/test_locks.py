"""An accepted report locks its Pemda's answers for the period: every answer writer
refuses with 409 report_accepted (one rule, submissions.workflow), and they work again
once the acceptance is withdrawn."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import Capability
from siaga.models import Submission, SubmissionStatus, User
from siaga.submissions import workflow
from siaga.submissions.workflow import Refused
from tests.evidence import files
from tests.helpers import API, assert_error
from tests.reporting.conftest import REASON, SECTIONS, Chain, answer_all, report_url

LoginAs = Callable[[User], Awaitable[dict[str, str]]]
ANSWER = f"{API}/submissions/2023-Q4/64.72"
NOW = datetime(2024, 1, 1, tzinfo=UTC)


async def accepted(
    client: httpx.AsyncClient, session: AsyncSession, chain: Chain, login_as: LoginAs
) -> None:
    world = chain.world
    await answer_all(session, world.period, world.city)
    # One answer verified, so that reopen has something to refuse.
    await session.execute(
        update(Submission)
        .where(Submission.region_id == world.city.id)
        .where(Submission.indicator_id.in_(select(Submission.indicator_id).limit(1)))
        .values(status=SubmissionStatus.VERIFIED)
    )
    coordinator = await login_as(chain.coordinator)
    assert (await client.put(report_url(), json=SECTIONS, headers=coordinator)).status_code == 201
    assert (await client.post(report_url(action="submit"), headers=coordinator)).status_code == 200
    verifier = await login_as(world.verifier)
    response = await client.post(report_url(action="accept"), headers=verifier)
    assert response.status_code == 200, response.text


async def etag(client: httpx.AsyncClient, headers: dict[str, str], indicator: str) -> str:
    response = await client.get(f"{ANSWER}/{indicator}", headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["etag"])


async def status_of(client: httpx.AsyncClient, headers: dict[str, str], indicator: str) -> str:
    return str((await client.get(f"{ANSWER}/{indicator}", headers=headers)).json()["status"])


class TestLocked:
    async def test_every_writer_refuses(
        self,
        anon_client: httpx.AsyncClient,
        client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
    ) -> None:
        await accepted(anon_client, session, chain, login_as)
        operator = await login_as(chain.world.operator)
        verifier = await login_as(chain.world.verifier)
        verified = [
            code
            for code in ("L.01", "Y.01", "P.01", "C.01", "R.01")
            if await status_of(anon_client, operator, code) == "verified"
        ]
        submitted = [
            code
            for code in ("Y.01", "P.01", "C.01", "R.01")
            if await status_of(anon_client, operator, code) == "submitted"
        ]
        one = submitted[0]
        # PUT (a change; the same values again stay a no-op).
        response = await anon_client.put(
            f"{ANSWER}/{one}",
            json={"value": 0, "narrative": "ubah"},
            headers={**operator, "If-Match": await etag(anon_client, operator, one)},
        )
        assert_error(response, 409, "report_accepted")
        # The transitions.
        for action, body in (("verify", None), ("return", {"reason": REASON})):
            response = await anon_client.post(
                f"{ANSWER}/{one}/{action}",
                json=body,
                headers={**verifier, "If-Match": await etag(anon_client, verifier, one)},
            )
            assert_error(response, 409, "report_accepted")
        if verified:
            response = await anon_client.post(
                f"{ANSWER}/{verified[0]}/reopen",
                json={"reason": REASON},
                headers={**verifier, "If-Match": await etag(anon_client, verifier, verified[0])},
            )
            assert_error(response, 409, "report_accepted")
        # Bulk verify: the item's own code.
        bulk = await anon_client.post(
            f"{API}/submissions/verify-bulk",
            json={
                "items": [
                    {
                        "period": "2023-Q4",
                        "region": "64.72",
                        "indicator": one,
                        "etag": await etag(anon_client, verifier, one),
                    }
                ]
            },
            headers=verifier,
        )
        assert bulk.status_code == 200, bulk.text
        assert [i["code"] for i in bulk.json()["items"]] == ["report_accepted"]
        # Copy-previous.
        copy = await anon_client.post(
            f"{API}/submissions/copy-previous",
            json={"period": "2023-Q4", "region": "64.72"},
            headers=operator,
        )
        assert_error(copy, 409, "report_accepted")
        # Evidence.
        upload = await anon_client.post(
            f"{ANSWER}/L.01/evidence",
            content=files.multipart(files.pdf(), "bukti.pdf", content_type="application/pdf"),
            headers={**operator, "Content-Type": files.CONTENT_TYPE},
        )
        assert_error(upload, 409, "report_accepted")
        # The import (as the national administrator): a row error with the same code.
        imported = await client.post(
            f"{API}/imports",
            params={"kind": "submissions"},
            files={
                "file": (
                    "data.csv",
                    b"period,region,indicator,value,narrative,status\r\n"
                    b"2023-Q4,64.72,P.01,50,impor,draft\r\n",
                    "text/csv",
                )
            },
        )
        assert imported.status_code in (200, 422), imported.text
        assert [e["code"] for e in imported.json()["errors"]] == ["report_accepted"]
        # Nothing changed.
        assert await status_of(anon_client, operator, one) == "submitted"

    async def test_writers_work_again_after_withdrawal(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
    ) -> None:
        await accepted(anon_client, session, chain, login_as)
        verifier = await login_as(chain.world.verifier)
        withdrawn = await anon_client.post(
            report_url(action="unaccept"), json={"reason": REASON}, headers=verifier
        )
        assert withdrawn.status_code == 200, withdrawn.text
        response = await anon_client.post(
            f"{ANSWER}/Y.01/return",
            json={"reason": REASON},
            headers={**verifier, "If-Match": await etag(anon_client, verifier, "Y.01")},
        )
        assert response.status_code == 200, response.text
        # And the report can no longer be accepted over the returned answer.
        assert_error(
            await anon_client.post(report_url(action="accept"), headers=verifier),
            409,
            "answers_incomplete",
        )


class TestWorkflowRule:
    """The rule itself, as every writer asks it."""

    def answer(self, status: SubmissionStatus) -> workflow.Answer:
        return workflow.Answer(value=1, narrative="", status=status, version=3)

    @pytest.mark.parametrize("status", list(SubmissionStatus))
    def test_edit_and_touch(self, status: SubmissionStatus) -> None:
        answer = self.answer(status)
        with pytest.raises(Refused) as refused:
            workflow.edit(answer, 2, "", report_accepted=True)
        assert refused.value.problem.code == "report_accepted"
        # A change of nothing stays a no-op, as in every state.
        assert workflow.edit(answer, 1, "", report_accepted=True) is None
        with pytest.raises(Refused) as refused:
            workflow.touch(answer, report_accepted=True)
        assert refused.value.problem.code == "report_accepted"

    @pytest.mark.parametrize("action", workflow.ACTIONS)
    def test_every_transition(self, action: workflow.Action) -> None:
        status = {
            "submit": SubmissionStatus.DRAFT,
            "verify": SubmissionStatus.SUBMITTED,
            "return": SubmissionStatus.SUBMITTED,
            "reopen": SubmissionStatus.VERIFIED,
        }[action]
        with pytest.raises(Refused) as refused:
            workflow.take(
                self.answer(status),
                action,
                capabilities=frozenset(Capability),
                now=NOW,
                cutoff=NOW,
                reason=REASON,
                scope=None,
                region="64.72",
                report_accepted=True,
            )
        assert refused.value.problem.code == "report_accepted"
