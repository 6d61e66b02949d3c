"""The conversation on an answer: scope, who writes, bad input, a return's reason as the
thread's first message, unread counts in the task list, and the audit trail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from siaga.comments import service as comments_service
from siaga.models import AnswerComment, AuditEvent, User
from tests.fixtures.auth import bearer, create_api_key
from tests.helpers import API, assert_error
from tests.submissions.conftest import Workflow

LoginAs = Callable[[User], Awaitable[dict[str, str]]]
REASON = "Bukti dukung belum dilampirkan, mohon lengkapi"


def url(indicator: str = "Y.01", region: str = "64.72", period: str = "2023-Q4") -> str:
    return f"{API}/submissions/{period}/{region}/{indicator}/comments"


async def post(
    client: httpx.AsyncClient, headers: dict[str, str], body: Any, **kwargs: Any
) -> httpx.Response:
    return await client.post(url(**kwargs), json=body, headers=headers)


async def thread(
    client: httpx.AsyncClient, headers: dict[str, str], **kwargs: Any
) -> dict[str, Any]:
    response = await client.get(url(**kwargs), headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def tasks(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, int]:
    response = await client.get(
        f"{API}/tasks", params={"period": "2023-Q4", "limit": 500}, headers=headers
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    return {f"{t['region']}/{t['indicator']}": t["unread_comments"] for t in items}


async def returned_answer(
    client: httpx.AsyncClient, operator: dict[str, str], verifier: dict[str, str]
) -> None:
    """Y.01 of 64.72 answered, submitted, and returned by the province's verifier."""
    created = await client.put(
        f"{API}/submissions/2023-Q4/64.72/Y.01", json={"value": True}, headers=operator
    )
    assert created.status_code == 201, created.text
    submitted = await client.post(
        f"{API}/submissions/2023-Q4/64.72/Y.01/submit",
        headers={**operator, "If-Match": created.json()["etag"]},
    )
    assert submitted.status_code == 200, submitted.text
    returned = await client.post(
        f"{API}/submissions/2023-Q4/64.72/Y.01/return",
        json={"reason": REASON},
        headers={**verifier, "If-Match": submitted.json()["etag"]},
    )
    assert returned.status_code == 200, returned.text


class TestThread:
    async def test_operator_posts_and_everyone_in_scope_reads(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator = await login_as(world.operator)
        # No answer yet: the conversation may start before it.
        response = await post(anon_client, operator, {"body": "  Apakah SK 2023 cukup?  "})
        assert response.status_code == 201, response.text
        comment = response.json()
        assert comment["body"] == "Apakah SK 2023 cukup?"
        assert comment["kind"] == "comment"
        assert comment["author"] == {
            "username": world.operator.username,
            "full_name": world.operator.full_name,
            "role": "operator",
        }
        assert {"id", "created_at"} <= set(comment)
        for reader in (world.verifier, world.viewer, world.operator):
            body = await thread(anon_client, await login_as(reader))
            assert [c["id"] for c in body["items"]] == [comment["id"]]
            assert (body["total"], body["limit"], body["offset"]) == (1, 50, 0)

    async def test_out_of_scope_is_404(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        foreign = await login_as(world.foreign_operator)
        assert_error(await anon_client.get(url(), headers=foreign), 404, "answer_not_found")
        assert_error(await post(anon_client, foreign, {"body": "x"}), 404, "answer_not_found")
        # Another agency's indicator in one's own Pemda is out of scope as well.
        bpkad = await login_as(world.other_operator)
        assert_error(await post(anon_client, bpkad, {"body": "x"}), 404, "answer_not_found")
        # An indicator that does not apply to the province has no thread there.
        verifier = await login_as(world.verifier)
        response = await anon_client.get(url("R.01", region="64"), headers=verifier)
        assert_error(response, 404, "answer_not_found")

    async def test_viewer_and_read_only_key_read_but_do_not_write(
        self,
        app: FastAPI,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        viewer = await login_as(world.viewer)
        assert_error(await post(anon_client, viewer, {"body": "Halo"}), 403, "forbidden")
        await thread(anon_client, viewer)
        settings = app.state.settings
        reader = bearer(await create_api_key(session, settings, scopes=["read"]))
        assert_error(await post(anon_client, reader, {"body": "Halo"}), 403, "forbidden")
        await thread(anon_client, reader)
        writer = bearer(await create_api_key(session, settings, scopes=["read", "write"]))
        response = await post(anon_client, writer, {"body": "Dari sistem daerah"})
        assert response.status_code == 201, response.text
        assert response.json()["author"]["role"] is None

    async def test_verifier_and_admin_take_part(
        self,
        anon_client: httpx.AsyncClient,
        client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        verifier = await login_as(world.verifier)
        assert (await post(anon_client, verifier, {"body": "Mohon cek"})).status_code == 201
        assert (await client.post(url(), json={"body": "Dicatat"})).status_code == 201
        body = await thread(anon_client, verifier)
        assert [c["author"]["role"] for c in body["items"]] == ["verifier", "admin"]

    async def test_pages(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator = await login_as(world.operator)
        for n in range(3):
            assert (await post(anon_client, operator, {"body": f"pesan {n}"})).status_code == 201
        response = await anon_client.get(url(), params={"limit": 2, "offset": 1}, headers=operator)
        body = response.json()
        assert [c["body"] for c in body["items"]] == ["pesan 1", "pesan 2"]
        assert (body["total"], body["limit"], body["offset"]) == (3, 2, 1)


class TestBadInput:
    @pytest.mark.parametrize(
        "payload",
        [
            {"body": ""},
            {"body": "   \n\t "},
            {"body": "x" * 4001},
            {"body": 5},
            {"body": None},
            {"body": ["a"]},
            {"body": "ok", "kind": "return"},
            {},
            [],
            "text",
            {"body": "a\u202eb"},
            {"body": "a\x00b"},
        ],
    )
    async def test_refused_with_422(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs, payload: Any
    ) -> None:
        operator = await login_as(world.operator)
        assert_error(await post(anon_client, operator, payload), 422, "invalid_input")

    async def test_longest_body_is_accepted(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator = await login_as(world.operator)
        response = await post(anon_client, operator, {"body": "x" * 4000})
        assert response.status_code == 201, response.text
        assert response.json()["body"] == "x" * 4000

    async def test_unknown_keys_are_404(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator = await login_as(world.operator)
        for kwargs in ({"indicator": "X.99"}, {"period": "2099-Q1"}, {"region": "99"}):
            response = await post(anon_client, operator, {"body": "halo"}, **kwargs)
            assert response.status_code == 404, response.text

    async def test_rate_limited(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(comments_service, "RATE_LIMIT", 2)
        operator = await login_as(world.operator)
        for _ in range(2):
            assert (await post(anon_client, operator, {"body": "cepat"})).status_code == 201
        response = await post(anon_client, operator, {"body": "cepat"})
        assert_error(response, 429, "rate_limited")
        assert int(response.headers["Retry-After"]) >= 1


class TestReturnOpensThread:
    async def test_reason_is_the_first_message_and_operator_replies(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator = await login_as(world.operator)
        verifier = await login_as(world.verifier)
        await returned_answer(anon_client, operator, verifier)
        body = await thread(anon_client, operator)
        [reason] = body["items"]
        assert reason["kind"] == "return"
        assert reason["body"] == REASON
        assert reason["author"]["username"] == world.verifier.username
        assert body["unread"] == 1
        # A reply changes nothing in the answer: still returned, same version.
        before = (
            await anon_client.get(f"{API}/submissions/2023-Q4/64.72/Y.01", headers=operator)
        ).json()
        assert (await post(anon_client, operator, {"body": "Sudah kami unggah"})).status_code == 201
        after = (
            await anon_client.get(f"{API}/submissions/2023-Q4/64.72/Y.01", headers=operator)
        ).json()
        assert (after["status"], after["etag"]) == ("returned", before["etag"])
        body = await thread(anon_client, verifier)
        assert [c["kind"] for c in body["items"]] == ["return", "comment"]

    async def test_reopening_gives_its_reason_too(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator = await login_as(world.operator)
        verifier = await login_as(world.verifier)
        answer = f"{API}/submissions/2023-Q4/64.72/Y.01"
        created = await anon_client.put(answer, json={"value": True}, headers=operator)
        etag = created.json()["etag"]
        for action, headers in (("submit", operator), ("verify", verifier)):
            response = await anon_client.post(
                f"{answer}/{action}", headers={**headers, "If-Match": etag}
            )
            assert response.status_code == 200, response.text
            etag = response.json()["etag"]
        reopened = await anon_client.post(
            f"{answer}/reopen", json={"reason": REASON}, headers={**verifier, "If-Match": etag}
        )
        assert reopened.status_code == 200, reopened.text
        [message] = (await thread(anon_client, operator))["items"]
        assert (message["kind"], message["body"]) == ("return", REASON)

    async def test_refused_return_writes_no_message(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        operator = await login_as(world.operator)
        verifier = await login_as(world.verifier)
        created = await anon_client.put(
            f"{API}/submissions/2023-Q4/64.72/Y.01", json={"value": True}, headers=operator
        )
        # A draft cannot be returned: the transaction is rolled back, reason and all.
        response = await anon_client.post(
            f"{API}/submissions/2023-Q4/64.72/Y.01/return",
            json={"reason": REASON},
            headers={**verifier, "If-Match": created.json()["etag"]},
        )
        assert response.status_code == 409, response.text
        assert (await session.scalars(select(AnswerComment))).all() == []


class TestUnread:
    async def test_counts_in_task_list_and_reading_clears_them(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        operator = await login_as(world.operator)
        verifier = await login_as(world.verifier)
        await returned_answer(anon_client, operator, verifier)
        assert await post(anon_client, verifier, {"body": "Lihat juga SK"}, indicator="L.01")
        assert await post(anon_client, verifier, {"body": "Dan lampiran"}, indicator="L.01")
        counts = await tasks(anon_client, operator)
        assert counts["64.72/Y.01"] == 1
        assert counts["64.72/L.01"] == 2
        assert counts["64.72/P.01"] == 0
        # One's own messages are never unread.
        assert await post(anon_client, operator, {"body": "Baik"}, indicator="P.01")
        assert (await tasks(anon_client, operator))["64.72/P.01"] == 0
        # Reading one thread clears that one only, for that user only.
        await thread(anon_client, operator, indicator="L.01")
        counts = await tasks(anon_client, operator)
        assert (counts["64.72/L.01"], counts["64.72/Y.01"]) == (0, 1)
        # A new message after reading counts again.
        await post(anon_client, verifier, {"body": "Satu lagi"}, indicator="L.01")
        body = await thread(anon_client, operator, indicator="L.01")
        assert body["unread"] == 1
        assert body["last_read_id"] == body["items"][1]["id"]
        # The verifier's own task list counts the operator's messages.
        verifier_counts = await tasks(anon_client, verifier)
        assert verifier_counts["64.72/P.01"] == 1
        assert verifier_counts["64.72/L.01"] == 0

    async def test_task_list_adds_no_query_per_task(
        self,
        anon_client: httpx.AsyncClient,
        engine: AsyncEngine,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        """The unread counts are part of the task list's statement (no N+1): a list
        with unread messages on four tasks takes as many statements as one with none."""
        operator = await login_as(world.operator)
        verifier = await login_as(world.verifier)
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            await tasks(anon_client, operator)
            without = len(statements)
            for indicator in ("Y.01", "L.01", "P.01", "C.01"):
                await post(anon_client, verifier, {"body": "cek"}, indicator=indicator)
            statements.clear()
            counts = await tasks(anon_client, operator)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
        assert sum(counts.values()) == 4
        assert len(statements) == without


class TestAudit:
    async def test_every_message_is_audited(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        operator = await login_as(world.operator)
        verifier = await login_as(world.verifier)
        await returned_answer(anon_client, operator, verifier)
        response = await post(anon_client, operator, {"body": "Sudah diperbaiki"})
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "comment.create")
                .order_by(AuditEvent.id)
            )
        ).all()
        assert [(e.actor_user_id, e.after["kind"]) for e in events if e.after] == [
            (world.verifier.id, "return"),
            (world.operator.id, "comment"),
        ]
        last = events[-1]
        assert last.after == {
            "comment_id": response.json()["id"],
            "kind": "comment",
            "body": "Sudah diperbaiki",
        }
        assert (last.entity_type, last.region_code) == ("submission", "64.72")
        assert last.entity_id is not None and "Y.01" in last.entity_id

    async def test_a_viewer_refused_is_on_record(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        viewer = await login_as(world.viewer)
        assert_error(await post(anon_client, viewer, {"body": "Halo"}), 403, "forbidden")
        refused = (
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "authz.denied", AuditEvent.actor_user_id == world.viewer.id
                )
            )
        ).all()
        assert [(e.outcome, e.after) for e in refused] == [("denied", {"needs": "comment"})]
        assert (await session.scalars(select(AnswerComment))).all() == []
