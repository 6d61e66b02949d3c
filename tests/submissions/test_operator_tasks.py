"""The operator's task list (agency names, overdue tasks) and evidence attached to an
indicator before its answer was first saved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.storage import LocalStorage
from siaga.models import AuditEvent, PeriodState, Submission, SubmissionVersion, User
from tests.evidence import files
from tests.helpers import API, assert_error, assert_page
from tests.submissions.conftest import Workflow
from tests.submissions.test_router import act, put, url

LoginAs = Callable[[User], Awaitable[dict[str, str]]]


@pytest.fixture
def storage(app: FastAPI, tmp_path: Path) -> Iterator[LocalStorage]:
    """Evidence of this test only, in its own directory (never the project's var/)."""
    storage = LocalStorage(tmp_path / "evidence")
    app.state.evidence_storage = storage
    yield storage
    if hasattr(app.state, "evidence_storage"):
        del app.state.evidence_storage


async def tasks(
    client: httpx.AsyncClient, headers: dict[str, str], **params: str
) -> httpx.Response:
    return await client.get(f"{API}/tasks", params={"period": "2023-Q4", **params}, headers=headers)


class TestTaskList:
    async def test_tasks_name_the_agency(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        items = assert_page(await tasks(anon_client, await login_as(world.operator)), total=5)
        assert {(i["agency"], i["agency_name"]) for i in items} == {
            (world.agency.code, world.agency.name)
        }
        assert world.agency.name != world.agency.code

    async def test_nothing_is_overdue_before_the_deadline(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator = await login_as(world.operator)
        items = assert_page(await tasks(anon_client, operator), total=5)
        assert not any(i["overdue"] for i in items)
        assert_page(await tasks(anon_client, operator, overdue="true"), total=0)
        assert_page(await tasks(anon_client, operator, overdue="false"), total=5)

    async def test_past_the_deadline_only_answers_waiting_on_the_agency_are_overdue(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
    ) -> None:
        operator = await login_as(world.operator)
        # Before the deadline passes: one submitted, one left as a draft.
        etag = (await put(anon_client, operator, "P.01", 10)).json()["etag"]
        await act(anon_client, operator, "P.01", "submit", etag)
        await put(anon_client, operator, "C.01", 2)
        world.period.deadline = date(2024, 1, 10)  # long past, period still open
        await session.flush()

        items = assert_page(await tasks(anon_client, operator), total=5)
        overdue = {i["indicator"]: i["overdue"] for i in items}
        assert overdue == {
            "L.01": True, "Y.01": True, "P.01": False, "C.01": True, "R.01": True,
        }  # fmt: skip
        only = assert_page(await tasks(anon_client, operator, overdue="true"), total=4)
        assert {i["indicator"] for i in only} == {"L.01", "Y.01", "C.01", "R.01"}
        rest = assert_page(await tasks(anon_client, operator, overdue="false"), total=1)
        assert [i["indicator"] for i in rest] == ["P.01"]
        # The filters combine.
        drafts = assert_page(
            await tasks(anon_client, operator, overdue="true", status="draft"), total=1
        )
        assert drafts[0]["indicator"] == "C.01"

    async def test_a_closed_period_has_nothing_overdue(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
    ) -> None:
        world.period.deadline = date(2024, 1, 10)
        world.period.state = PeriodState.CLOSED
        await session.flush()
        operator = await login_as(world.operator)
        items = assert_page(await tasks(anon_client, operator), total=5)
        assert not any(i["overdue"] for i in items)
        assert_page(await tasks(anon_client, operator, overdue="true"), total=0)

    @pytest.mark.parametrize(
        ("province_zone", "utc_time", "overdue"),
        [
            # Midnight after the deadline day: 15:00 UTC in WIT, 17:00 UTC in WIB.
            ("Asia/Jayapura", time(14, 59), False),
            ("Asia/Jayapura", time(15, 0), True),
            (None, time(15, 30), False),  # no zone of its own: the deployment's (WIB)
            ("Asia/Jakarta", time(16, 59), False),
            ("Asia/Jakarta", time(17, 0), True),
        ],
    )
    async def test_overdue_from_midnight_where_the_pemda_is(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
        monkeypatch: pytest.MonkeyPatch,
        province_zone: str | None,
        utc_time: time,
        overdue: bool,
    ) -> None:
        deadline = date(2024, 1, 10)
        world.period.deadline = deadline
        world.province.time_zone = province_zone  # the city inherits it
        await session.flush()
        now = datetime.combine(deadline, utc_time, tzinfo=UTC)
        monkeypatch.setattr("siaga.submissions.lists.utcnow", lambda: now)
        operator = await login_as(world.operator)
        items = assert_page(await tasks(anon_client, operator), total=5)
        assert {i["overdue"] for i in items} == {overdue}
        assert_page(await tasks(anon_client, operator, overdue="true"), total=5 if overdue else 0)

    @pytest.mark.parametrize("value", ["maybe", "2", ""])
    async def test_bad_overdue_filter_is_422(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs, value: str
    ) -> None:
        response = await tasks(anon_client, await login_as(world.operator), overdue=value)
        assert_error(response, 422, "invalid_input")


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], indicator: str, content: bytes
) -> httpx.Response:
    return await client.post(
        url(indicator, "/evidence"),
        content=files.multipart(content, "notulen.pdf", content_type="application/pdf"),
        headers={**headers, "Content-Type": files.CONTENT_TYPE},
    )


async def count(session: AsyncSession, model: Any, *conditions: Any) -> int:
    return (await session.scalar(select(func.count()).select_from(model).where(*conditions))) or 0


class TestEvidenceBeforeFirstSave:
    async def test_first_file_creates_the_empty_draft_audited(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
        storage: LocalStorage,
    ) -> None:
        operator = await login_as(world.operator)
        response = await upload(anon_client, operator, "L.01", files.pdf())
        assert response.status_code == 201, response.text
        answer = await anon_client.get(url("L.01"), headers=operator)
        assert answer.status_code == 200
        body = answer.json()
        assert (body["status"], body["value"], body["narrative"]) == ("draft", None, "")
        # Version 1 the empty draft, version 2 with the file: the upload's ETag is current.
        assert body["version"] == 2
        assert response.json()["answer_etag"] == body["etag"] == answer.headers["etag"]
        assert [e["name"] for e in body["evidence"]] == ["notulen.pdf"]
        history = (await anon_client.get(url("L.01", "/history"), headers=operator)).json()
        assert [i["action"] for i in history["items"]] == ["created", "evidence_added"]
        actions = (
            await session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity_id == "2023-Q4/64.72/L.01")
                .order_by(AuditEvent.id)
            )
        ).all()
        assert list(actions) == ["submission.create", "evidence.upload"]

        # The value comes later, with the ETag of the upload.
        saved = await put(anon_client, operator, "L.01", 3, etag=body["etag"])
        assert saved.status_code == 200, saved.text
        assert saved.json()["version"] == 3
        task = next(
            i
            for i in assert_page(await tasks(anon_client, operator), total=5)
            if i["indicator"] == "L.01"
        )
        assert (task["status"], task["evidence_count"]) == ("draft", 1)

    async def test_a_refused_file_leaves_no_draft(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
        storage: LocalStorage,
    ) -> None:
        operator = await login_as(world.operator)
        response = await upload(anon_client, operator, "L.01", b"#!/bin/sh\necho not a pdf\n")
        assert_error(response, 415, "unsupported_media_type")
        assert_error(await anon_client.get(url("L.01"), headers=operator), 404, "answer_not_found")
        assert await count(session, Submission) == 0
        assert await count(session, SubmissionVersion) == 0
        assert await count(session, AuditEvent, AuditEvent.action == "submission.create") == 0

    async def test_closed_period_is_409_and_creates_nothing(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
        storage: LocalStorage,
    ) -> None:
        world.period.state = PeriodState.CLOSED
        await session.flush()
        response = await upload(anon_client, await login_as(world.operator), "L.01", files.pdf())
        assert_error(response, 409, "period_not_open")
        assert await count(session, Submission) == 0

    async def test_outside_scope_is_404_and_creates_nothing(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
        storage: LocalStorage,
    ) -> None:
        # B.01 belongs to the city's other agency; the foreign operator has another Pemda.
        response = await upload(anon_client, await login_as(world.operator), "B.01", files.pdf())
        assert_error(response, 404, "answer_not_found")
        foreign = await upload(
            anon_client, await login_as(world.foreign_operator), "L.01", files.pdf()
        )
        assert_error(foreign, 404, "answer_not_found")
        assert await count(session, Submission) == 0

    async def test_reading_roles_may_not_start_an_answer_by_upload(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        session: AsyncSession,
        storage: LocalStorage,
    ) -> None:
        for user in (world.verifier, world.viewer):
            response = await upload(anon_client, await login_as(user), "L.01", files.pdf())
            assert_error(response, 403, "forbidden")
        assert await count(session, Submission) == 0

    async def test_submitted_answer_still_refuses_files(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        storage: LocalStorage,
    ) -> None:
        operator = await login_as(world.operator)
        etag = (await put(anon_client, operator, "P.01", 10)).json()["etag"]
        await act(anon_client, operator, "P.01", "submit", etag)
        response = await upload(anon_client, operator, "P.01", files.pdf())
        assert_error(response, 409, "invalid_state")
