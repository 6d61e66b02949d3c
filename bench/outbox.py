"""What the outbox costs an answer's writes: the same requests with `emit` and without.

On the Kalimantan Timur demo data (`siaga seed demo`), in a fresh database (a temporary
SQLite file, or `--database-url postgresql://...`, dropped and created again), the
application is called in process (httpx's ASGI transport, the whole middleware stack, no
network) as the demo's Samarinda Kesbangpol operator and the province's verifier. One
round is one cycle on one answer: the operator's PUT (a draft change: no event), its
submit (`submission.submitted`) and the verifier's return (`submission.returned`). Rounds
alternate between emit on and emit off (siaga.events.outbox.emit replaced by a function
that writes nothing), in a random order within each pair, so load from elsewhere hits
both alike. Reported: the median of each request and of the cycle, and their ratios.

Command: .venv/bin/python bench/outbox.py -n 200 [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from siaga.core import migrations
from siaga.core.database import create_engine, create_sessionmaker, session_scope
from siaga.core.security import new_token, token_digest
from siaga.core.settings import Settings, normalise_database_url
from siaga.core.storage import LocalStorage
from siaga.core.types import utcnow
from siaga.events import outbox
from siaga.main import create_app
from siaga.models import AuthSession, OutboxEvent, User
from siaga.seed.demo import seed_demo

API = "/api/v1"
PERIOD = "2023-Q4"
REGION = "64.72"
OPERATOR = "operator.64.72.kesbangpol"
VERIFIER = "verifikator.64"
REASON = "Bukti belum lengkap, mohon lampirkan SK yang ditandatangani"
STEPS = ("put", "submit", "return")


async def _fresh_postgres(url: str) -> None:
    parsed = make_url(url)
    name = parsed.database
    admin_dsn = parsed.set(drivername="postgresql", database="postgres").render_as_string(False)
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def _prepare(url: str, settings: Settings) -> dict[str, str]:
    """The demo data; a session token for the operator and the verifier."""
    engine = create_engine(url)
    tokens = {}
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            await seed_demo(session, LocalStorage(settings.storage_dir), settings.demo_password)
            for username in (OPERATOR, VERIFIER):
                user = await session.scalar(select(User).where(User.username == username))
                assert user is not None, f"the demo has no {username}"
                token, now = new_token(), utcnow()
                session.add(
                    AuthSession(
                        user_id=user.id,
                        token_hash=token_digest(settings.secret_key, token),
                        created_at=now,
                        last_seen_at=now,
                        expires_at=now + timedelta(hours=4),
                    )
                )
                tokens[username] = token
    finally:
        await engine.dispose()
    return tokens


@contextmanager
def _emit(enabled: bool) -> Any:
    """Emit as the application does, or not at all (the callers look it up per call)."""
    original = outbox.emit
    if not enabled:
        outbox.emit = lambda *args, **kwargs: None  # type: ignore[assignment,return-value]
    try:
        yield
    finally:
        outbox.emit = original  # type: ignore[assignment]


class Bench:
    def __init__(self, client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.operator = {"Authorization": f"Bearer {tokens[OPERATOR]}"}
        self.verifier = {"Authorization": f"Bearer {tokens[VERIFIER]}"}
        self.value = 0

    async def indicators(self) -> list[str]:
        """The operator's indicators that need no evidence file to be submitted."""
        response = await self.client.get(
            f"{API}/tasks", params={"period": PERIOD, "limit": 500}, headers=self.operator
        )
        response.raise_for_status()
        return [t["indicator"] for t in response.json()["items"] if not t["evidence_required"]]

    async def _call(self, method: str, path: str, headers: dict[str, str], **kw: Any) -> float:
        started = time.perf_counter()
        response = await self.client.request(method, path, headers=headers, **kw)
        elapsed = time.perf_counter() - started
        if response.status_code >= 400:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return elapsed

    async def _editable(self, url: str) -> None:
        """Bring the answer back to a state the operator edits (not timed)."""
        current = await self.client.get(url, headers=self.operator)
        status = current.json().get("status") if current.status_code == 200 else None
        reviewer = {**self.verifier, "If-Match": "*"}
        if status == "verified":
            await self._call("POST", f"{url}/reopen", reviewer, json={"reason": REASON})
        elif status == "submitted":
            await self._call("POST", f"{url}/return", reviewer, json={"reason": REASON})

    async def cycle(self, indicator: str) -> dict[str, float]:
        url = f"{API}/submissions/{PERIOD}/{REGION}/{indicator}"
        await self._editable(url)
        self.value = (self.value + 1) % 5  # 0-4 fits every answer type here but yes/no
        answer = await self.client.get(url, headers=self.operator)
        value: Any = self.value
        if answer.status_code == 200 and answer.json()["answer_type"] == "yes_no":
            value = self.value % 2 == 0
        elif answer.status_code == 200 and answer.json()["answer_type"] == "percent":
            value = 20 * self.value
        write = {**self.operator, "If-Match": "*"}
        return {
            "put": await self._call("PUT", url, write, json={"value": value, "narrative": ""}),
            "submit": await self._call("POST", f"{url}/submit", write),
            "return": await self._call(
                "POST", f"{url}/return", {**self.verifier, "If-Match": "*"}, json={"reason": REASON}
            ),
        }


async def _events(url: str) -> int:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(OutboxEvent)) or 0)
    finally:
        await engine.dispose()


async def _measure(url: str, settings: Settings, rounds: int, warmup: int) -> None:
    tokens = await _prepare(url, settings)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    times: dict[bool, dict[str, list[float]]] = {m: {s: [] for s in STEPS} for m in (True, False)}
    written: dict[bool, int] = {True: 0, False: 0}
    rng = random.Random(2026)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            bench = Bench(client, tokens)
            indicators = await bench.indicators()
            print(f"{len(indicators)} answers of {REGION} cycled (PUT, submit, return)")
            order: Callable[[int], list[bool]] = lambda _: rng.sample([True, False], 2)  # noqa: E731
            for n in range(warmup + rounds):
                for mode in order(n):
                    before = await _events(url)
                    with _emit(mode):
                        took = await bench.cycle(indicators[(2 * n + mode) % len(indicators)])
                    written[mode] += await _events(url) - before
                    if n >= warmup:
                        for step in STEPS:
                            times[mode][step].append(took[step])
    finally:
        await app.state.engine.dispose()
    cycles = warmup + rounds
    assert written[False] == 0, "events written with emit disabled"
    # With emit: submit and return, plus the untimed return or reopen that readies a
    # submitted or verified answer (none after the first cycle of each answer).
    assert written[True] >= 2 * cycles, written
    print(f"events written: {written[True]} with emit, {written[False]} without")
    # Ratio of the medians, and the median of each pair's ratio (the two rounds of a pair
    # run back to back, so a slow spell of the machine hits both). The PUT emits nothing
    # either way: its ratio is the measurement's own noise.
    print(f"{'request':<10}{'emit on':>12}{'emit off':>12}{'ratio':>8}{'paired':>8}")
    for mode in times:
        times[mode]["cycle"] = [sum(t) for t in zip(*times[mode].values(), strict=True)]
    for step in (*STEPS, "cycle"):
        on, off = times[True][step], times[False][step]
        ratio = statistics.median(on) / statistics.median(off)
        paired = statistics.median(a / b for a, b in zip(on, off, strict=True))
        print(
            f"{step:<10}{statistics.median(on) * 1000:>10.2f}ms"
            f"{statistics.median(off) * 1000:>10.2f}ms{ratio:>8.3f}{paired:>8.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("-n", type=int, default=200, help="timed rounds per mode")
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="siaga-bench-outbox-"))
    url = normalise_database_url(args.database_url or f"sqlite:///{directory / 'siaga.db'}")
    if url.startswith("postgresql"):
        asyncio.run(_fresh_postgres(url))
    migrations.upgrade(url)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        storage_dir=directory / "evidence",
        frontend_dist=directory / "no-dist",
        worker="external",
        log_level="WARNING",
    )
    print(f"database: {make_url(url).get_backend_name()}")
    asyncio.run(_measure(url, settings, args.n, args.warmup))


if __name__ == "__main__":
    main()
