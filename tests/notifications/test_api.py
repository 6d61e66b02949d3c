"""The caller's inbox over HTTP: only one's own items, newest first, the unread count,
marking one or all read; another user's item answers 404; API keys have no inbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from siaga.events.worker import Worker
from siaga.models import Notification, User
from tests.events.conftest import on_connection
from tests.fixtures.auth import bearer, create_api_key
from tests.helpers import API, assert_error
from tests.submissions.conftest import Workflow

LoginAs = Callable[[User], Awaitable[dict[str, str]]]
INBOX = f"{API}/notifications"
START = datetime(2024, 1, 5, 3, 0, tzinfo=UTC)


async def _items(
    session: AsyncSession, user: User, count: int, *, first_event: int = 1
) -> list[int]:
    """`count` items in the user's inbox, one a minute; returns their ids, oldest first."""
    ids = []
    for n in range(count):
        item = Notification(
            user_id=user.id,
            event_id=first_event + n,
            type="submission.returned",
            data={"period": "2023-Q4", "region": "64.72", "indicator": f"X.{n:02d}"},
            link=f"/tugas/2023-Q4/64.72/X.{n:02d}",
            created_at=START + timedelta(minutes=n),
        )
        session.add(item)
        await session.flush()
        ids.append(item.id)
    return ids


class TestList:
    async def test_own_items_newest_first_with_the_unread_count(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        mine = await _items(session, world.operator, 3)
        await _items(session, world.other_operator, 2, first_event=100)
        headers = await login_as(world.operator)
        response = await anon_client.get(INBOX, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["total"], body["unread"], body["limit"], body["offset"]) == (3, 3, 50, 0)
        assert [i["id"] for i in body["items"]] == list(reversed(mine))
        first = body["items"][-1]
        assert first == {
            "id": mine[0],
            "type": "submission.returned",
            "data": {
                "period": "2023-Q4",
                "period_name": None,
                "region": "64.72",
                "region_name": None,
                "indicator": "X.00",
                "indicator_name": None,
                "agency": None,
                "status": None,
                "reason": None,
                "actor": None,
                "number": None,
                "title": None,
                "severity": None,
                # Reminders' fields (siaga.reminders), absent from an answer's item.
                **dict.fromkeys(
                    [
                        "agency_name",
                        "deadline",
                        "days_left",
                        "open_tasks",
                        "answers_to_review",
                        "reports_to_accept",
                        "missing_answers",
                        "returned_answers",
                        "text",
                        "due_on",
                    ]
                ),
                # A failing webhook's fields (siaga.webhooks.notify), absent here too.
                **dict.fromkeys(
                    ["endpoint", "url", "kind", "event_type", "attempts", "status_code", "error"]
                ),
            },
            "link": "/tugas/2023-Q4/64.72/X.00",
            "created_at": "2024-01-05T03:00:00Z",
            "read_at": None,
        }
        counted = await anon_client.get(f"{INBOX}/unread-count", headers=headers)
        assert counted.json() == {"unread": 3}

    async def test_unread_only_and_pages(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        mine = await _items(session, world.operator, 5)
        headers = await login_as(world.operator)
        assert (
            await anon_client.post(f"{INBOX}/{mine[4]}/read", headers=headers)
        ).status_code == 200
        unread = (await anon_client.get(INBOX, params={"unread": "true"}, headers=headers)).json()
        assert (unread["total"], unread["unread"]) == (4, 4)
        assert [i["id"] for i in unread["items"]] == [mine[3], mine[2], mine[1], mine[0]]
        page = (
            await anon_client.get(INBOX, params={"limit": 2, "offset": 2}, headers=headers)
        ).json()
        assert (page["total"], page["unread"]) == (5, 4)
        assert [i["id"] for i in page["items"]] == [mine[2], mine[1]]

    @pytest.mark.parametrize("query", ["unread=maybe", "limit=0", "limit=501", "offset=-1"])
    async def test_bad_query(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs, query: str
    ) -> None:
        response = await anon_client.get(f"{INBOX}?{query}", headers=await login_as(world.operator))
        assert_error(response, 422, "invalid_input")


class TestMarkRead:
    async def test_own_item(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        (item,) = await _items(session, world.operator, 1)
        headers = await login_as(world.operator)
        response = await anon_client.post(f"{INBOX}/{item}/read", headers=headers)
        assert response.status_code == 200, response.text
        read_at = response.json()["read_at"]
        assert read_at is not None
        # Again: still read, at the first time.
        again = await anon_client.post(f"{INBOX}/{item}/read", headers=headers)
        assert again.json()["read_at"] == read_at
        assert (await anon_client.get(f"{INBOX}/unread-count", headers=headers)).json() == {
            "unread": 0
        }

    async def test_another_users_item_is_not_found(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        (theirs,) = await _items(session, world.other_operator, 1)
        headers = await login_as(world.operator)
        for item in (theirs, theirs + 1000):
            assert_error(
                await anon_client.post(f"{INBOX}/{item}/read", headers=headers),
                404,
                "notification_not_found",
            )
        # Still unread for its owner.
        owner = await login_as(world.other_operator)
        assert (await anon_client.get(f"{INBOX}/unread-count", headers=owner)).json() == {
            "unread": 1
        }

    @pytest.mark.parametrize("item", ["0", "-1", "abc", str(2**63)])
    async def test_bad_ids(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs, item: str
    ) -> None:
        response = await anon_client.post(
            f"{INBOX}/{item}/read", headers=await login_as(world.operator)
        )
        assert_error(response, 422, "invalid_input")


class TestReadAll:
    async def test_marks_only_the_callers_items(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: Workflow,
        login_as: LoginAs,
    ) -> None:
        mine = await _items(session, world.operator, 3)
        await _items(session, world.other_operator, 2, first_event=100)
        headers = await login_as(world.operator)
        await anon_client.post(f"{INBOX}/{mine[0]}/read", headers=headers)
        response = await anon_client.post(f"{INBOX}/read-all", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json() == {"marked": 2}
        assert (await anon_client.post(f"{INBOX}/read-all", headers=headers)).json() == {
            "marked": 0
        }
        other = await login_as(world.other_operator)
        assert (await anon_client.get(f"{INBOX}/unread-count", headers=other)).json() == {
            "unread": 2
        }


class TestWho:
    async def test_anonymous(self, anon_client: httpx.AsyncClient) -> None:
        for method, path in (
            ("GET", INBOX),
            ("GET", f"{INBOX}/unread-count"),
            ("POST", f"{INBOX}/1/read"),
            ("POST", f"{INBOX}/read-all"),
        ):
            assert_error(await anon_client.request(method, path), 401, "not_authenticated")

    async def test_api_keys_have_no_inbox(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI, world: Workflow
    ) -> None:
        key = await create_api_key(
            session, app.state.settings, scopes=["read", "write"], region=world.province
        )
        for method, path in (
            ("GET", INBOX),
            ("GET", f"{INBOX}/unread-count"),
            ("POST", f"{INBOX}/1/read"),
            ("POST", f"{INBOX}/read-all"),
        ):
            assert_error(
                await anon_client.request(method, path, headers=bearer(key)), 403, "forbidden"
            )


async def test_a_returned_answer_reaches_the_operators_inbox(
    anon_client: httpx.AsyncClient,
    session: AsyncSession,
    connection: AsyncConnection,
    world: Workflow,
    login_as: LoginAs,
) -> None:
    """From the verifier's return to the operator's bell and back to the answer."""
    operator, verifier = await login_as(world.operator), await login_as(world.verifier)
    answer = f"{API}/submissions/2023-Q4/64.72/Y.01"
    await anon_client.put(answer, json={"value": True}, headers=operator)
    await anon_client.post(f"{answer}/submit", headers={**operator, "If-Match": "*"})
    reason = "Bukti belum lengkap, mohon lampirkan SK"
    returned = await anon_client.post(
        f"{answer}/return", json={"reason": reason}, headers={**verifier, "If-Match": "*"}
    )
    assert returned.status_code == 200, returned.text
    assert (await anon_client.get(f"{INBOX}/unread-count", headers=operator)).json() == {
        "unread": 0
    }
    await Worker(on_connection(connection)).drain()
    inbox = (await anon_client.get(INBOX, headers=operator)).json()
    assert inbox["unread"] == 1
    (item,) = inbox["items"]
    assert (item["type"], item["link"]) == ("submission.returned", "/tugas/2023-Q4/64.72/Y.01")
    assert (item["data"]["reason"], item["data"]["actor"]) == (reason, world.verifier.username)
    assert item["data"]["region_name"] == world.city.name
    # The verifier's own inbox stays empty: it acted.
    assert (await anon_client.get(INBOX, headers=verifier)).json()["total"] == 0
