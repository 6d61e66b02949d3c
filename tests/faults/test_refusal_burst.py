"""Refused requests in bulk against real servers (review findings 1 and 3).

Before the fix, each refusal held its pooled connection while it waited for a second one
to write its audit row: about 25 at once deadlocked the pool (10 + 10) and every
endpoint stalled for 30 s. Password checks ran on the event loop, so wrong passwords
stopped every other request; and parallel wrong passwords were all evaluated, past the
five-per-account limit.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

from tests.faults.server import DEMO_PASSWORD, Deployment, Server, running
from tests.fixtures.client import API

BURST = 120
# Long enough for a stalled pool to show as a timeout instead of hanging the suite.
TIMEOUT = httpx.Timeout(20.0)
READ_LIMIT_SECONDS = 1.0
READ = f"{API}/regions?limit=20"


async def _refused(client: httpx.AsyncClient, n: int, viewer: dict[str, str]) -> httpx.Response:
    """The n-th request of the burst: a wrong login, a forbidden write or a bad token."""
    kind = n % 4
    if kind in (0, 1):
        return await client.post(
            f"{API}/auth/login",
            json={"username": f"tamu.{n}", "password": "bukan-sandi-yang-benar"},
        )
    if kind == 2:
        return await client.post(
            f"{API}/users",
            json={"username": f"penyusup.{n}", "role": "admin", "password": "Rahasia-Sekali-77"},
            headers=viewer,
        )
    return await client.delete(
        f"{API}/api-keys/abc", headers={"Authorization": f"Bearer palsu-{uuid.uuid4().hex}"}
    )


class Reader:
    """Authenticated reads, one after another, timed from a thread of their own.

    The burst's 120 responses keep the test's event loop busy; timed on that loop, a
    read would include the client's own wait, not only the server's.
    """

    def __init__(self, base_url: str, headers: dict[str, str], path: str) -> None:
        self._client = httpx.Client(base_url=base_url, headers=headers, timeout=TIMEOUT)
        self._path = path
        self._stop = threading.Event()
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set() or not self.latencies:
            started = time.perf_counter()
            try:
                response = self._client.get(self._path)
            except httpx.TransportError as exc:  # a stalled server times out here
                self.failures.append(repr(exc))
                break
            self.latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                self.failures.append(response.text)

    def __enter__(self) -> Reader:
        assert self._client.get(self._path).status_code == 200  # warm the connection
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        self._client.close()


async def test_a_burst_of_refusals_leaves_reads_fast(
    deployment: Deployment, server_log: Path
) -> None:
    with running(deployment, server_log) as server:
        admin = server.login("admin")
        viewer = server.login("pemantau.64")
        limits = httpx.Limits(max_connections=BURST + 10, max_keepalive_connections=BURST + 10)
        async with httpx.AsyncClient(
            base_url=server.base_url, timeout=TIMEOUT, limits=limits
        ) as flood:
            with Reader(server.base_url, admin, READ) as reader:
                responses = await asyncio.gather(
                    *(_refused(flood, n, viewer) for n in range(BURST))
                )
        log = await asyncio.to_thread(server_log.read_text)
    latencies = reader.latencies

    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {401, 403, 429}, (statuses, log[-3000:])
    assert statuses[401] and statuses[403] and statuses[429], statuses
    for response in responses:
        assert set(response.json()) == {"error"}
    assert not reader.failures, reader.failures
    assert max(latencies) < READ_LIMIT_SECONDS, (
        sorted(latencies)[-5:],
        statistics.median(latencies),
    )
    assert "Traceback" not in log, log[-3000:]

    # Every evaluated wrong password is on record; the other refusals only within the
    # per-address budget (30 a minute by default), so the flood did not flood the table.
    logins = [r for n, r in enumerate(responses) if n % 4 in (0, 1)]
    failures = await deployment.scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'auth.login' AND outcome = 'failure'"
    )
    assert failures == sum(r.status_code == 401 for r in logins)
    refusals = await deployment.scalar(
        "SELECT count(*) FROM audit_events WHERE outcome IN ('denied', 'rate_limited')"
    )
    assert 1 <= refusals <= 40  # 30, plus what refilled while the burst ran


async def _wrong_logins(servers: list[Server], username: str, count: int) -> list[int]:
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    f"{servers[n % len(servers)].base_url}{API}/auth/login",
                    json={"username": username, "password": f"salah-{n}-sandinya"},
                )
                for n in range(count)
            )
        )
    return [r.status_code for r in responses]


async def test_parallel_wrong_passwords_are_evaluated_at_most_five_times(
    deployment: Deployment, tmp_path: Path
) -> None:
    # Three processes on one database, as three replicas behind a load balancer; enough
    # password-check slots that the per-account limit, not the slots, decides.
    servers = [
        Server(deployment, tmp_path / f"server-{n}.log", SIAGA_PASSWORD_CHECK_CONCURRENCY="32")
        for n in range(3)
    ]
    try:
        for server in servers:
            server.start()
        statuses = await _wrong_logins(servers, "verifikator.64", 20)
        assert sorted(statuses) == [401] * 5 + [429] * 15, statuses
        # The account is locked for the window, even for the right password.
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            response = await client.post(
                f"{servers[0].base_url}{API}/auth/login",
                json={"username": "verifikator.64", "password": DEMO_PASSWORD},
            )
        assert response.status_code == 429, response.text
        assert int(response.headers["retry-after"]) > 0
    finally:
        for server in servers:
            server.stop()
    attempts = await deployment.scalar(
        "SELECT count(*) FROM login_attempts WHERE username = 'verifikator.64'"
    )
    assert attempts == 5
    failures = await deployment.scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'auth.login' AND outcome = 'failure'"
        " AND entity_id = 'verifikator.64'"
    )
    assert failures == 5


async def test_wrong_passwords_do_not_block_the_event_loop(
    deployment: Deployment, server_log: Path
) -> None:
    # Sixty wrong passwords at once used to take 60 x 0.1 s of the event loop; now they
    # run in two threads, the rest are answered 429 at once, and reads go on.
    env = {"SIAGA_PASSWORD_CHECK_CONCURRENCY": "2", "SIAGA_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000"}
    with running(deployment, server_log, **env) as server:
        admin = server.login("admin")
        async with httpx.AsyncClient(base_url=server.base_url, timeout=TIMEOUT) as flood:
            with Reader(server.base_url, admin, f"{API}/auth/me") as reader:
                responses = await asyncio.gather(
                    *(
                        flood.post(
                            f"{API}/auth/login",
                            json={"username": f"tamu.{n}", "password": "bukan-sandinya-ini"},
                        )
                        for n in range(60)
                    )
                )
        latencies = reader.latencies
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) == {401, 429}, statuses
    busy = [r for r in responses if r.status_code == 429]
    assert all(r.headers["retry-after"] == "1" for r in busy)
    assert not reader.failures, reader.failures
    assert max(latencies) < READ_LIMIT_SECONDS, sorted(latencies)[-5:]
