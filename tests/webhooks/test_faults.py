"""Faults with nothing lost: a worker killed (SIGKILL) in the middle of a delivery, and
twenty workers delivering at once (PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from siaga.core.database import create_sessionmaker
from siaga.models import WebhookDelivery, WebhookDeliveryState, WebhookEndpoint
from siaga.webhooks.delivery import deliver_due, fan_out
from tests.webhooks.conftest import SOURCE, Store, envelope
from tests.webhooks.receiver import HANG, Received, Receiver

# Generous, for a loaded machine: the worker only has to start and send one request.
START_TIMEOUT = 60.0


async def _queue(store: Store, count: int) -> None:
    async with store.session() as session:
        for n in range(count):
            await fan_out(session, envelope(seq=n))


async def _queue_of(store: Store, endpoint_id: int) -> list[WebhookDelivery]:
    async with store.session() as session:
        rows = await session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id)
        )
        return list(rows)


async def test_worker_killed_mid_delivery_delivers_after_restart(
    store: Store, receiver: Receiver, hooks_database_url: str
) -> None:
    endpoint_id, secret = await store.endpoint(receiver.url)
    receiver.secrets = [secret]
    receiver.respond = lambda _: (HANG, b"")  # the worker is killed while it waits
    await _queue(store, 2)

    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.webhooks.worker_process",
        hooks_database_url,
        cwd=SOURCE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        await asyncio.wait_for(receiver.arrived.wait(), START_TIMEOUT)
    finally:
        if worker.returncode is None:
            os.kill(worker.pid, signal.SIGKILL)
        await worker.wait()
    assert worker.returncode == -signal.SIGKILL
    [hung] = receiver.received
    first, second = await _queue_of(store, endpoint_id)
    assert hung.verified and hung.msg_id == first.msg_id
    # The attempt was never recorded: the delivery is as it was, the lease still held.
    assert (first.state, first.attempts, second.state) == (
        WebhookDeliveryState.PENDING,
        0,
        WebhookDeliveryState.PENDING,
    )
    async with store.session() as session:
        endpoint = await session.get(WebhookEndpoint, endpoint_id)
        assert endpoint is not None and endpoint.claimed_until is not None
        lease_ends = endpoint.claimed_until

    receiver.respond = lambda _: (200, b"ok")
    # While the dead worker's lease runs, nobody else sends (it might still be sending).
    assert await deliver_due(store.sessionmaker, settings=store.settings) == 0
    # After it, a new worker delivers both, the first with the webhook-id it had.
    after = lease_ends + timedelta(seconds=1)
    assert await deliver_due(store.sessionmaker, settings=store.settings, now=after) == 2
    assert receiver.ids(None) == [first.msg_id, first.msg_id, second.msg_id]
    assert all(r.verified for r in receiver.received)
    assert [d.state for d in await _queue_of(store, endpoint_id)] == [
        WebhookDeliveryState.DELIVERED
    ] * 2


ENDPOINTS = 10
PER_ENDPOINT = 10
WORKERS = 20


async def test_twenty_workers_never_send_one_delivery_twice_at_once(
    backend: str, store: Store, receiver: Receiver, hooks_database_url: str
) -> None:
    if backend != "postgresql":
        pytest.skip("concurrent claims are a PostgreSQL matter (SQLite has one writer)")
    endpoints = [(await store.endpoint(receiver.url))[0] for _ in range(ENDPOINTS)]

    async def slow_ok(_: Received) -> tuple[int, bytes]:
        await asyncio.sleep(0.01)  # widen every window in which a second send could start
        return 200, b"ok"

    receiver.respond = slow_ok
    await _queue(store, PER_ENDPOINT)
    # A pool for twenty workers at once (the application's holds 20).
    engine = create_async_engine(hooks_database_url, pool_size=40)
    sessionmaker = create_sessionmaker(engine)
    try:
        attempts = 0
        rounds = 0
        while attempts < ENDPOINTS * PER_ENDPOINT and rounds < 20:
            rounds += 1
            counts = await asyncio.gather(
                *(
                    deliver_due(sessionmaker, settings=store.settings, limit=7)
                    for _ in range(WORKERS)
                )
            )
            attempts += sum(counts)
    finally:
        await engine.dispose()

    assert receiver.max_in_flight == 1
    ids = receiver.ids()
    assert len(ids) == len(set(ids)) == attempts == ENDPOINTS * PER_ENDPOINT
    for endpoint_id in endpoints:
        queue = await _queue_of(store, endpoint_id)
        assert all(d.state == WebhookDeliveryState.DELIVERED for d in queue)
        order = [i for i in ids if i in {d.msg_id for d in queue}]
        assert order == [d.msg_id for d in queue]
