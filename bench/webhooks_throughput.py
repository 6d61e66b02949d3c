"""Benchmark: webhook delivery throughput against a bare loop of HTTP posts.

One endpoint on a receiver on 127.0.0.1 (a real HTTP/1.1 server in this process, the
tests' receiver); N events are queued (fan_out, not timed), then timed:

- `deliver_due`: the worker's path, repeated until all N are delivered: claim the
  endpoint, sign each message, POST it through the SSRF guard, record each attempt and
  its outcome in a transaction of its own (the delivery row, the attempt row, the
  endpoint's lease), strictly one after the other as the per-endpoint order requires;
- baseline, in the same run: a bare loop of N httpx posts of the same signed bodies to
  the same receiver, one after the other, reusing one connection;
- for reference, the same loop on httpcore (the HTTP layer under httpx, which the
  deliveries use directly): what is left of our own cost once httpx's is taken away.

Rounds alternate the two, so the machine's noise hits both alike. Afterwards every
delivered message's signature is checked with standardwebhooks, outside the timing.

    .venv/bin/python bench/webhooks_throughput.py [-n 500] [--rounds 5] [--database-url URL]

Without --database-url a fresh SQLite file is migrated in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpcore
import httpx
from sqlalchemy import delete
from standardwebhooks import Webhook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' receiver

from tests.webhooks.receiver import Receiver  # noqa: E402

from siaga.core.database import create_engine, create_sessionmaker  # noqa: E402
from siaga.core.migrations import upgrade  # noqa: E402
from siaga.core.settings import Settings, normalise_database_url  # noqa: E402
from siaga.core.types import utcnow  # noqa: E402
from siaga.models import WebhookEndpoint  # noqa: E402
from siaga.webhooks import signing  # noqa: E402
from siaga.webhooks.delivery import deliver_due, fan_out  # noqa: E402
from siaga.webhooks.events import EventEnvelope  # noqa: E402

EVENT = "submission.verified"


def _data(n: int) -> dict[str, object]:
    # The size of a real answer event (natural keys and the new state).
    return {
        "period": "2024-Q1",
        "region": "64.72",
        "indicator": f"K{n % 9 + 1}.0{n % 7 + 1}",
        "agency": "64.72.kesbangpol",
        "status": "verified",
        "previous_status": "submitted",
        "version": n,
        "late": False,
        "reason": None,
        "actor": "verifikator.64",
        "occurred_at": utcnow().isoformat(),
    }


async def _queue(sessionmaker, count: int, first_id: int) -> None:  # type: ignore[no-untyped-def]
    async with sessionmaker() as session, session.begin():
        for n in range(count):
            await fan_out(
                session,
                EventEnvelope(first_id + n, EVENT, utcnow(), "64.72", _data(first_id + n)),
            )


async def _time_delivery(sessionmaker, settings: Settings, count: int) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    sent = 0
    while sent < count:
        done = await deliver_due(sessionmaker, settings=settings, limit=count)
        if done == 0:
            raise RuntimeError("nothing was due: the receiver refused deliveries?")
        sent += done
    return time.perf_counter() - started


def _payloads(secret: str, count: int) -> list[tuple[bytes, list[tuple[bytes, bytes]]]]:
    payloads = []
    for n in range(count):
        body = signing.body(EVENT, utcnow(), _data(n))
        payloads.append((body, signing.headers(signing.message_id(), [secret], body, utcnow())))
    return payloads


async def _time_bare(url: str, secret: str, count: int) -> float:
    payloads = _payloads(secret, count)
    async with httpx.AsyncClient(timeout=10.0) as client:
        started = time.perf_counter()
        for body, headers in payloads:
            response = await client.post(url, content=body, headers=headers)
            response.raise_for_status()
        return time.perf_counter() - started


async def _time_httpcore(url: str, secret: str, count: int) -> float:
    payloads = _payloads(secret, count)
    async with httpcore.AsyncConnectionPool() as pool:
        started = time.perf_counter()
        for body, headers in payloads:
            response = await pool.request("POST", url, headers=headers, content=body)
            assert response.status == 200
        return time.perf_counter() - started


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="siaga-bench-hooks-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'hooks.db'}"
        await asyncio.to_thread(upgrade, url)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            env="test",
            database_url=url,
            webhook_allow_hosts="127.0.0.1",
        )
        engine = create_engine(normalise_database_url(url))
        sessionmaker = create_sessionmaker(engine)
        receiver = await Receiver(verify=False).start()
        try:
            nonce = signing.new_nonce()
            async with sessionmaker() as session, session.begin():
                await session.execute(delete(WebhookEndpoint))
                session.add(
                    WebhookEndpoint(
                        url=receiver.url,
                        events=[EVENT],
                        secret_nonce=nonce,
                        consecutive_failures=0,
                    )
                )
            secret = signing.derive_secret(settings.secret_key, nonce)
            # Warm-up: connections, caches, the first transactions.
            await _queue(sessionmaker, 20, 1)
            await _time_delivery(sessionmaker, settings, 20)
            await _time_bare(receiver.url, secret, 20)
            await _time_httpcore(receiver.url, secret, 20)

            rows = []
            next_id = 1_000
            for round_ in range(1, args.rounds + 1):
                await _queue(sessionmaker, args.n, next_id)
                next_id += args.n
                delivered = await _time_delivery(sessionmaker, settings, args.n)
                bare = await _time_bare(receiver.url, secret, args.n)
                core = await _time_httpcore(receiver.url, secret, args.n)
                rows.append((args.n / delivered, args.n / bare, args.n / core))
                print(
                    f"round {round_}: deliver_due {args.n / delivered:6.0f}/s, "
                    f"httpx loop {args.n / bare:6.0f}/s (ratio {bare / delivered:.2f}), "
                    f"httpcore loop {args.n / core:6.0f}/s (ratio {core / delivered:.2f})"
                )
            bad = 0
            for received in receiver.received:
                try:
                    Webhook(secret).verify(received.body, received.headers)
                except Exception:
                    bad += 1
            print(f"signatures checked: {len(receiver.received)}, failing: {bad}")
        finally:
            await receiver.stop()
            await engine.dispose()

    ours = statistics.median(r[0] for r in rows)
    bare_rate = statistics.median(r[1] for r in rows)
    core_rate = statistics.median(r[2] for r in rows)
    print(
        f"\nmedian: deliver_due {ours:.0f} deliveries/s, httpx loop {bare_rate:.0f} posts/s, "
        f"httpcore loop {core_rate:.0f} posts/s"
    )
    print(f"ratio deliver_due / httpx loop: {ours / bare_rate:.2f}x (goal >= 0.5x)")
    print(f"ratio deliver_due / httpcore loop: {ours / core_rate:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=500, help="events per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    asyncio.run(main(parser.parse_args()))
