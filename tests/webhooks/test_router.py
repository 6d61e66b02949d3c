"""/webhooks: endpoints per administrator scope, the delivery log, retry and ping."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.types import utcnow
from siaga.models import (
    Region,
    Role,
    User,
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryState,
    WebhookEndpoint,
)
from tests.auth.support import audit_events, close_to
from tests.fixtures.auth import bearer, create_api_key
from tests.fixtures.factories import create_region, create_user
from tests.helpers import API, assert_error, assert_page
from tests.webhooks.conftest import StubResolver

HOOKS = f"{API}/webhooks"
URL = "https://sipd.example.go.id/hooks/siaga"
LoginAs = Callable[[User], Awaitable[dict[str, str]]]


@pytest.fixture(autouse=True)
def names(app: FastAPI) -> Iterator[StubResolver]:
    """Names resolve through a stub, as the application lets tests do."""
    stub = StubResolver(
        {"sipd.example.go.id": ["93.184.215.14"], "intranet.example.go.id": ["10.20.30.40"]}
    )
    app.state.webhook_resolver = stub
    yield stub
    del app.state.webhook_resolver


@pytest.fixture
async def regions(session: AsyncSession) -> dict[str, Region]:
    kaltim = await create_region(session, code="64")
    samarinda = await create_region(session, code="64.72", parent=kaltim)
    kalsel = await create_region(session, code="63")
    return {"64": kaltim, "64.72": samarinda, "63": kalsel}


@pytest.fixture
async def province_admin(
    regions: dict[str, Region], session: AsyncSession, login_as: LoginAs
) -> dict[str, str]:
    admin = await create_user(session, username="admin.64", role=Role.ADMIN, region=regions["64"])
    return await login_as(admin)


def _new(**fields: Any) -> dict[str, Any]:
    return {"url": URL, "events": ["submission.verified"], "description": "SIPD", **fields}


async def _create(
    client: httpx.AsyncClient, headers: dict[str, str] | None = None, **fields: Any
) -> dict[str, Any]:
    response = await client.post(HOOKS, json=_new(**fields), headers=headers or {})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


class TestCreate:
    async def test_returns_the_secret_once(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        body = await _create(
            client, events=["report.accepted", "submission.verified", "report.accepted"]
        )
        secret = body.pop("secret")
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
        assert body["events"] == ["report.accepted", "submission.verified"]
        assert (body["url"], body["description"], body["region_code"]) == (URL, "SIPD", None)
        assert (body["state"], body["created_by"], body["pending_deliveries"]) == (
            "active",
            "admin.nasional",
            0,
        )
        for response in (await client.get(f"{HOOKS}/{body['id']}"), await client.get(HOOKS)):
            assert response.status_code == 200
            assert secret not in response.text and "secret_nonce" not in response.text
        [event] = await audit_events(session, action="webhook.create")
        assert event.entity_id == str(body["id"])
        assert event.after == {
            "url": URL,
            "description": "SIPD",
            "events": ["report.accepted", "submission.verified"],
            "region_code": None,
            "state": "active",
        }

    async def test_unknown_event_type_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.post(HOOKS, json=_new(events=["submission.deleted"]))
        error = assert_error(response, 422, "invalid_input")
        assert error["details"][0]["loc"][:2] == ["body", "events"]
        assert_error(await client.post(HOOKS, json=_new(events=[])), 422, "invalid_input")

    @pytest.mark.parametrize(
        ("url", "reason"),
        [
            ("http://10.0.0.1/hook", "private"),
            ("https://169.254.169.254/latest", "metadata"),
            ("https://[::1]/hook", "loopback"),
            ("https://2130706433/hook", "non_canonical_address"),
            ("https://intranet.example.go.id/hook", "private"),
            ("https://unknown.example.go.id/hook", "unresolvable"),
            ("gopher://sipd.example.go.id/", "invalid_url"),
        ],
    )
    async def test_refused_urls(self, client: httpx.AsyncClient, url: str, reason: str) -> None:
        error = assert_error(
            await client.post(HOOKS, json=_new(url=url)), 422, "webhook_url_refused"
        )
        assert error["details"][0]["field"] == "url"
        assert error["details"][0]["reason"] == reason

    async def test_province_admin_scope(
        self,
        client: httpx.AsyncClient,
        province_admin: dict[str, str],
        regions: dict[str, Region],
    ) -> None:
        own = await _create(client, headers=province_admin)
        assert own["region_code"] == "64"  # the creator's scope by default
        city = await _create(client, headers=province_admin, region="64.72")
        assert city["region_code"] == "64.72"
        for region in ("63", "99"):
            error = assert_error(
                await client.post(HOOKS, json=_new(region=region), headers=province_admin),
                422,
                "invalid_input",
            )
            assert error["details"][0]["field"] == "region"
        national = await _create(client)
        listed = assert_page(await client.get(HOOKS, headers=province_admin), total=2)
        assert {item["id"] for item in listed} == {own["id"], city["id"]}
        # The national endpoint does not exist for the province's administrator.
        hidden = f"{HOOKS}/{national['id']}"
        for method, path, body in [
            ("GET", hidden, None),
            ("PATCH", hidden, {"description": "x"}),
            ("DELETE", hidden, None),
            ("GET", f"{hidden}/deliveries", None),
            ("POST", f"{hidden}/test", None),
            ("POST", f"{hidden}/deliveries/1/retry", None),
        ]:
            response = await client.request(method, path, json=body, headers=province_admin)
            assert_error(response, 404, "webhook_not_found")
        assert_page(await client.get(HOOKS), total=3)

    async def test_api_keys_never_manage_webhooks(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        key = await create_api_key(session, app.state.settings, scopes=["read", "write", "import"])
        for method in ("GET", "POST"):
            response = await anon_client.request(method, HOOKS, json=_new(), headers=bearer(key))
            assert_error(response, 403, "forbidden")


class TestUpdate:
    async def test_pause_resume_and_events(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        hook = await _create(client)
        path = f"{HOOKS}/{hook['id']}"
        paused = await client.patch(path, json={"state": "paused"})
        assert paused.status_code == 200 and paused.json()["state"] == "paused"
        assert paused.json()["secret"] is None
        endpoint = await session.get(WebhookEndpoint, hook["id"])
        assert endpoint is not None
        endpoint.state = "disabled"  # type: ignore[assignment]
        endpoint.disabled_reason, endpoint.consecutive_failures = "failing", 12
        await session.flush()
        resumed = (
            await client.patch(path, json={"state": "active", "events": ["period.opened"]})
        ).json()
        assert (resumed["state"], resumed["disabled_reason"], resumed["consecutive_failures"]) == (
            "active",
            None,
            0,
        )
        assert resumed["events"] == ["period.opened"]
        # `disabled` is the worker's to set.
        assert_error(await client.patch(path, json={"state": "disabled"}), 422, "invalid_input")
        updates = await audit_events(session, action="webhook.update")
        assert [e.after for e in updates][-1] == {"events": ["period.opened"], "state": "active"}

    async def test_url_is_checked_again(self, client: httpx.AsyncClient) -> None:
        hook = await _create(client)
        response = await client.patch(
            f"{HOOKS}/{hook['id']}", json={"url": "https://intranet.example.go.id/x"}
        )
        assert_error(response, 422, "webhook_url_refused")
        moved = await client.patch(
            f"{HOOKS}/{hook['id']}", json={"url": "https://93.184.215.14/siaga"}
        )
        assert moved.json()["url"] == "https://93.184.215.14/siaga"

    async def test_rotate_secret(
        self, client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
    ) -> None:
        hook = await _create(client)
        response = await client.patch(f"{HOOKS}/{hook['id']}", json={"rotate_secret": True})
        assert response.status_code == 200
        body = response.json()
        assert body["secret"].startswith("whsec_") and body["secret"] != hook["secret"]
        grace = timedelta(hours=app.state.settings.webhook_secret_grace_hours)
        until = datetime.fromisoformat(body["previous_secret_expires_at"])
        assert close_to(until, utcnow() + grace, timedelta(minutes=1))
        assert body["secret"] not in (await client.get(f"{HOOKS}/{hook['id']}")).text
        [event] = await audit_events(session, action="webhook.rotate_secret")
        assert hook["secret"] not in str(event.after) and body["secret"] not in str(event.after)


async def test_delete(client: httpx.AsyncClient, session: AsyncSession) -> None:
    hook = await _create(client)
    response = await client.delete(f"{HOOKS}/{hook['id']}")
    assert response.status_code == 204
    assert_error(await client.get(f"{HOOKS}/{hook['id']}"), 404, "webhook_not_found")
    [event] = await audit_events(session, action="webhook.delete")
    assert event.before is not None and event.before["url"] == URL


@pytest.fixture
async def logged(client: httpx.AsyncClient, session: AsyncSession) -> AsyncIterator[dict[str, Any]]:
    """An endpoint with a failed delivery (two attempts) and a delivered one."""
    hook = await _create(client)
    now = utcnow()
    failed = WebhookDelivery(
        endpoint_id=hook["id"], event_id=41, msg_id="msg_failed", type="report.accepted",
        occurred_at=now, data={"region": "64.72"}, state=WebhookDeliveryState.FAILED,
        attempts=2, schedule_step=2, next_attempt_at=now, last_status_code=500,
        failed_at=now, created_at=now,
    )  # fmt: skip
    delivered = WebhookDelivery(
        endpoint_id=hook["id"], event_id=42, msg_id="msg_done", type="report.accepted",
        occurred_at=now, data={}, state=WebhookDeliveryState.DELIVERED, attempts=1,
        schedule_step=0, next_attempt_at=now, last_status_code=204, delivered_at=now,
        created_at=now,
    )  # fmt: skip
    session.add_all([failed, delivered])
    await session.flush()
    session.add_all(
        [
            WebhookAttempt(delivery_id=failed.id, attempted_at=now, status_code=None,
                           duration_ms=10000, error="timed out after 10 s"),
            WebhookAttempt(delivery_id=failed.id, attempted_at=now + timedelta(seconds=5),
                           status_code=500, duration_ms=12, response_excerpt="boom"),
            WebhookAttempt(delivery_id=delivered.id, attempted_at=now, status_code=204,
                           duration_ms=3, response_excerpt=""),
        ]
    )  # fmt: skip
    await session.flush()
    yield {"hook": hook, "failed": failed.id, "delivered": delivered.id}


class TestDeliveries:
    async def test_log_with_every_attempt(
        self, client: httpx.AsyncClient, logged: dict[str, Any]
    ) -> None:
        path = f"{HOOKS}/{logged['hook']['id']}/deliveries"
        items = assert_page(await client.get(path), total=2)
        assert [i["id"] for i in items] == [logged["delivered"], logged["failed"]]  # newest first
        failed = items[1]
        assert (failed["webhook_id"], failed["state"], failed["attempt_count"]) == (
            "msg_failed",
            "failed",
            2,
        )
        assert failed["next_attempt_at"] is None
        assert [
            (a["status_code"], a["error"], a["response_excerpt"]) for a in failed["attempts"]
        ] == [
            (None, "timed out after 10 s", None),
            (500, None, "boom"),
        ]
        only_failed = assert_page(await client.get(path, params={"state": "failed"}), total=1)
        assert only_failed[0]["id"] == logged["failed"]
        assert (await client.get(f"{HOOKS}/{logged['hook']['id']}")).json()[
            "pending_deliveries"
        ] == 0

    async def test_retry_requeues_with_the_same_webhook_id(
        self, client: httpx.AsyncClient, session: AsyncSession, logged: dict[str, Any]
    ) -> None:
        hook_id = logged["hook"]["id"]
        response = await client.post(f"{HOOKS}/{hook_id}/deliveries/{logged['failed']}/retry")
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["state"], body["webhook_id"], body["attempt_count"]) == (
            "pending",
            "msg_failed",
            2,
        )
        assert len(body["attempts"]) == 2  # the log is kept
        delivery = await session.get(WebhookDelivery, logged["failed"], populate_existing=True)
        assert delivery is not None and delivery.schedule_step == 0
        assert close_to(delivery.next_attempt_at, utcnow(), timedelta(minutes=1))
        [event] = await audit_events(session, action="webhook.retry")
        assert event.after == {
            "delivery": logged["failed"],
            "state": "pending",
            "webhook_id": "msg_failed",
        }
        # Another endpoint's delivery, or none at all, is not found.
        other = await _create(client)
        for path in (
            f"{HOOKS}/{other['id']}/deliveries/{logged['failed']}/retry",
            f"{HOOKS}/{hook_id}/deliveries/99999999/retry",
        ):
            assert_error(await client.post(path), 404, "webhook_delivery_not_found")

    async def test_ping_is_queued_not_sent(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        hook = await _create(client)
        response = await client.post(f"{HOOKS}/{hook['id']}/test")
        assert response.status_code == 202
        body = response.json()
        assert (body["type"], body["state"], body["attempts"]) == ("ping", "pending", [])
        queued = await session.scalar(
            select(WebhookDelivery).where(WebhookDelivery.id == body["id"])
        )
        assert queued is not None and queued.msg_id == body["webhook_id"]
        assert (await client.get(f"{HOOKS}/{hook['id']}")).json()["pending_deliveries"] == 1
        assert len(await audit_events(session, action="webhook.test")) == 1
