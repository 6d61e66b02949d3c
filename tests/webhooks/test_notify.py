"""A failing endpoint tells its administrators (issue 20 item 5): a delivery that fails
for good, or a 410 that disables the endpoint, gives each active administrator whose
scope covers the endpoint one inbox item after the worker runs; nobody else gets one,
and the notice is never itself sent to a webhook."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from siaga.core.roles import Role
from siaga.core.types import utcnow
from siaga.events.inbox import InboxChannel
from siaga.events.worker import Worker
from siaga.models import Notification, OutboxEvent, Region, RegionLevel, User, WebhookDelivery
from siaga.webhooks.channel import WebhookChannel
from siaga.webhooks.delivery import deliver_due, fan_out
from tests.webhooks.conftest import Store, envelope
from tests.webhooks.receiver import Receiver

MID = lambda: 0.5  # noqa: E731 - no jitter: each retry exactly on its delay


async def _world(store: Store) -> tuple[int, dict[str, int]]:
    """Kaltim (64) with Samarinda (64.72), Kalsel (63); admins over and beside them."""
    async with store.session() as session:
        kaltim = Region(code="64", name="Kalimantan Timur", level=RegionLevel.PROVINCE)
        kalsel = Region(code="63", name="Kalimantan Selatan", level=RegionLevel.PROVINCE)
        session.add_all([kaltim, kalsel])
        await session.flush()
        samarinda = Region(
            code="64.72", name="Kota Samarinda", level=RegionLevel.CITY, parent_id=kaltim.id
        )
        session.add(samarinda)
        await session.flush()
        people = {
            "national": (Role.ADMIN, None, True),
            "kaltim": (Role.ADMIN, kaltim.id, True),
            "samarinda": (Role.ADMIN, samarinda.id, True),
            "kalsel": (Role.ADMIN, kalsel.id, True),
            "retired": (Role.ADMIN, None, False),
            "verifier": (Role.VERIFIER, kaltim.id, True),
        }
        users = {
            name: User(
                username=f"hook.{name}",
                password_hash="-",
                role=role,
                region_id=region_id,
                is_active=active,
            )
            for name, (role, region_id, active) in people.items()
        }
        session.add_all(users.values())
        await session.flush()
        return samarinda.id, {name: user.id for name, user in users.items()}


async def _inboxes(store: Store) -> dict[int, list[Notification]]:
    worker = Worker(store.sessionmaker, channels=[InboxChannel(), WebhookChannel(store.settings)])
    await worker.drain()
    async with store.session() as session:
        found: dict[int, list[Notification]] = {}
        for item in await session.scalars(select(Notification).order_by(Notification.id)):
            found.setdefault(item.user_id, []).append(item)
        return found


async def _queue(store: Store, count: int = 1) -> None:
    async with store.session() as session:
        for n in range(count):
            await fan_out(session, envelope(seq=n))


async def _deliveries(store: Store) -> int:
    async with store.session() as session:
        return int(await session.scalar(select(func.count(WebhookDelivery.id))) or 0)


def _in_scope(users: dict[str, int]) -> set[int]:
    return {users["national"], users["kaltim"], users["samarinda"]}


async def test_a_delivery_failed_for_good_reaches_the_admins_over_the_endpoint(
    store: Store, receiver: Receiver
) -> None:
    samarinda, users = await _world(store)
    endpoint_id, _ = await store.endpoint(receiver.url, region_id=samarinda)
    receiver.respond = lambda _: (500, b"down")
    await _queue(store)
    run = {"session_factory": store.sessionmaker, "settings": store.settings, "rand": MID}
    moment = utcnow()
    for wait in (0, 5, 30, 120):  # four attempts, then the delivery has failed
        moment += timedelta(seconds=wait)
        await deliver_due(**run, now=moment)
    # Written with the failing attempt: one event per admin in scope, before any worker.
    async with store.session() as session:
        events = (
            await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "webhook.failed"))
        ).all()
    assert sorted(e.data["recipient"] for e in events) == sorted(_in_scope(users))

    inboxes = await _inboxes(store)

    assert set(inboxes) == _in_scope(users)
    for items in inboxes.values():
        [item] = items
        assert (item.type, item.link) == ("webhook.failed", "/admin/webhook")
        assert item.data["kind"] == "delivery_failed"
        assert (item.data["endpoint"], item.data["url"]) == (endpoint_id, receiver.url)
        assert (item.data["attempts"], item.data["status_code"]) == (4, 500)
        assert item.data["event_type"] == "submission.submitted"
    # The notice itself goes to no webhook: still the one delivery, which failed.
    assert await _deliveries(store) == 1


async def test_a_410_reaches_the_admins_over_the_endpoint_once(
    store: Store, receiver: Receiver
) -> None:
    samarinda, users = await _world(store)
    await store.endpoint(receiver.url, region_id=samarinda)
    receiver.respond = lambda _: (410, b"")
    await _queue(store, 2)
    assert await deliver_due(store.sessionmaker, settings=store.settings) == 1

    inboxes = await _inboxes(store)
    # A second pass adds nothing: the notice is one event, handled once.
    again = await _inboxes(store)
    assert {u: [i.id for i in items] for u, items in again.items()} == {
        u: [i.id for i in items] for u, items in inboxes.items()
    }

    assert set(inboxes) == _in_scope(users)
    assert users["kalsel"] not in inboxes and users["verifier"] not in inboxes
    for items in inboxes.values():
        [item] = items
        assert (item.type, item.data["kind"], item.data["status_code"]) == (
            "webhook.failed",
            "gone",
            410,
        )


async def test_a_national_endpoint_reaches_only_national_admins(
    store: Store, receiver: Receiver
) -> None:
    _, users = await _world(store)
    await store.endpoint(receiver.url)  # no region: the nation's
    receiver.respond = lambda _: (410, b"")
    await _queue(store)
    await deliver_due(store.sessionmaker, settings=store.settings)

    inboxes = await _inboxes(store)

    assert set(inboxes) == {users["national"]}
