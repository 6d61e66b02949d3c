"""Twenty clients editing one answer at once against a real server: each write either
applies or gets 412, and no applied write is lost."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import httpx

from tests.faults.answers import DemoAnswer, answer_state, editable_answers, valid_value
from tests.faults.server import Deployment, running

CLIENTS = 20
# A real server on a busy machine: rather wait than report a false failure.
TIMEOUT = httpx.Timeout(60.0)


async def _put(
    client: httpx.AsyncClient, answer: DemoAnswer, n: int, narrative: str, etag: str
) -> httpx.Response:
    return await client.put(
        answer.url,
        json={"value": valid_value(answer.answer_type, n), "narrative": narrative},
        headers={"If-Match": etag},
    )


async def _until_applied(client: httpx.AsyncClient, answer: DemoAnswer, n: int) -> int:
    """Re-read and retry until this client's write applies; returns the 412s it took."""
    refused = 0
    while True:
        current = await client.get(answer.url)
        assert current.status_code == 200, current.text
        response = await _put(client, answer, n, f"klien {n} putaran 2", current.headers["etag"])
        if response.status_code == 200:
            return refused
        assert response.status_code == 412, response.text
        assert response.json()["error"]["code"] == "precondition_failed"
        refused += 1
        assert refused < 200, "a client never got its write in"
        # Exponential backoff with jitter, as a well-behaved client would.
        await asyncio.sleep(random.uniform(0, 0.02 * 2 ** min(refused, 6)))


async def test_twenty_clients_lose_no_update(deployment: Deployment, server_log: Path) -> None:
    (answer,) = await editable_answers(deployment)
    before = await answer_state(deployment, answer.submission_id)
    with running(deployment, server_log) as server:
        headers = server.login(answer.operator)
        clients = [
            httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=TIMEOUT)
            for _ in range(CLIENTS)
        ]
        try:
            etag = (await clients[0].get(answer.url)).headers["etag"]
            # Round 1: every client holds the same ETag; exactly one may win.
            first = await asyncio.gather(
                *(_put(c, answer, n, f"klien {n}", etag) for n, c in enumerate(clients))
            )
            statuses = sorted(r.status_code for r in first)
            assert statuses == [200] + [412] * (CLIENTS - 1), [r.text for r in first]
            for response in first:
                if response.status_code == 412:
                    assert response.json()["error"]["code"] == "precondition_failed"
            winner = next(n for n, r in enumerate(first) if r.status_code == 200)

            # Round 2: everyone retries with a fresh ETag until their write applies.
            refusals = await asyncio.gather(
                *(_until_applied(c, answer, n) for n, c in enumerate(clients))
            )
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))

    writes = 1 + CLIENTS
    after = await answer_state(deployment, answer.submission_id)
    assert after["version"] == before["version"] + writes
    assert after["versions"] == before["versions"] + writes
    rows = await deployment.rows(
        "SELECT version, narrative FROM submission_versions "
        "WHERE submission_id = :id AND version > :v ORDER BY version",
        id=answer.submission_id,
        v=before["version"],
    )
    # One version per applied write, numbered without gaps, each client's write present.
    assert [r[0] for r in rows] == list(range(before["version"] + 1, after["version"] + 1))
    narratives = [r[1] for r in rows]
    assert narratives[0] == f"klien {winner}"
    assert sorted(narratives[1:]) == sorted(f"klien {n} putaran 2" for n in range(CLIENTS))
    assert sum(refusals) > 0  # the clients really did collide
