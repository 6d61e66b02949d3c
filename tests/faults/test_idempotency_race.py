"""Twenty clients sending one import with one Idempotency-Key at the same moment, against a
real server: one of them imports, every other gets that same batch back (or 409 while it
is still running); never a 500, never a second batch, never a row imported twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.faults.server import Deployment, Server, running
from tests.fixtures.client import API
from tests.helpers import assert_error

CLIENTS = 20
# A real server on a busy machine: rather wait than report a false failure.
TIMEOUT = httpx.Timeout(120.0)
IMPORTS = f"{API}/imports"


def _value(answer_type: str, n: int) -> str:
    if answer_type == "yes_no":
        return "ya" if n % 2 else "tidak"
    if answer_type == "level":
        return str(n % 5)
    if answer_type == "percent":
        return str(n % 101)
    return str(n % 50)


async def _new_answers_csv(deployment: Deployment) -> tuple[bytes, int]:
    """Draft answers for every applicable (Pemda, indicator) of the open periods that has
    none yet: a file whose import creates every row."""
    rows = await deployment.rows(
        """
        SELECT p.code, r.code, i.code, i.answer_type
        FROM regions r
        JOIN periods p ON p.state = 'open'
        JOIN indicators i ON i.framework_id = p.framework_id
        WHERE ((r.level = 'province' AND i.applies_province)
            OR (r.level = 'regency' AND i.applies_regency)
            OR (r.level = 'city' AND i.applies_city))
          AND NOT EXISTS (
            SELECT 1 FROM submissions s
            WHERE s.period_id = p.id AND s.region_id = r.id AND s.indicator_id = i.id)
        ORDER BY p.code, r.code, i.code
        """
    )
    assert len(rows) >= 50, "the demo data has too few unanswered indicators"
    lines = ["period,region,indicator,value,narrative,status"]
    lines += [
        f"{period},{region},{indicator},{_value(kind, n)},baris {n},draft"
        for n, (period, region, indicator, kind) in enumerate(rows)
    ]
    return ("\n".join(lines) + "\n").encode(), len(rows)


async def _post(
    client: httpx.AsyncClient, content: bytes, key: str, *, name: str = "jawaban.csv"
) -> httpx.Response:
    return await client.post(
        IMPORTS,
        params={"kind": "submissions", "dry_run": "false"},
        files={"file": (name, content, "text/csv")},
        headers={"Idempotency-Key": key},
    )


async def _answers(deployment: Deployment) -> int:
    count: int = await deployment.scalar("SELECT count(*) FROM submissions")
    return count


async def _race(server: Server, headers: dict[str, str], content: bytes, key: str) -> list[int]:
    """Twenty identical imports at once; returns the batch ids of the 200s (asserting the
    rest are 409 `import_in_progress` in the error shape)."""
    clients = [
        httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=TIMEOUT)
        for _ in range(CLIENTS)
    ]
    try:
        responses = await asyncio.gather(*(_post(c, content, key) for c in clients))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    assert all(r.status_code in (200, 409) for r in responses), [
        (r.status_code, r.text[:300]) for r in responses
    ]
    ids = []
    fresh = 0
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "import_in_progress")
            assert int(response.headers["Retry-After"]) >= 1
            continue
        body = response.json()
        ids.append(body["id"])
        assert body["status"] == "succeeded", body["errors"][:3]
        if response.headers.get("Idempotent-Replayed") != "true":
            fresh += 1
    assert fresh == 1, "exactly one request imports; the others replay or wait"
    return ids


async def _until_replayed(
    server: Server, headers: dict[str, str], content: bytes, key: str
) -> httpx.Response:
    """The same request retried (bounded) until the import is over and it replays."""
    async with httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=TIMEOUT) as c:
        for _ in range(300):
            response = await _post(c, content, key)
            if response.status_code != 409:
                return response
            assert_error(response, 409, "import_in_progress")
            await asyncio.sleep(0.1)
    raise AssertionError("the import never finished")


async def test_twenty_identical_imports_make_one_batch(
    deployment: Deployment, server_log: Path
) -> None:
    content, rows = await _new_answers_csv(deployment)
    answers_before = await _answers(deployment)
    key = "impor-jawaban-0001"
    with running(deployment, server_log) as server:
        headers = server.login("admin")
        ids = await _race(server, headers, content, key)

        replay = await _until_replayed(server, headers, content, key)
        assert replay.status_code == 200, replay.text
        assert replay.headers["Idempotent-Replayed"] == "true"
        batch_id = replay.json()["id"]
        assert set(ids) <= {batch_id}
        # The key stays bound to its file: another file under it is refused.
        async with httpx.AsyncClient(
            base_url=server.base_url, headers=headers, timeout=TIMEOUT
        ) as client:
            other = await _post(client, content.replace(b"baris", b"lain"), key)
        assert_error(other, 409, "idempotency_key_reused")

    batches = await deployment.rows(
        "SELECT id, status, row_count, created_count FROM import_batches "
        "WHERE idempotency_key = :key",
        key=key,
    )
    assert [tuple(b) for b in batches] == [(batch_id, "succeeded", rows, rows)]
    assert await _answers(deployment) == answers_before + rows
    audits = await deployment.scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'import.run' AND entity_id = :id",
        id=str(batch_id),
    )
    assert audits == 1


async def test_an_api_key_racing_itself_makes_one_batch(
    deployment: Deployment, server_log: Path
) -> None:
    """The same for another system calling with an API key (the batch has no user)."""
    content, rows = await _new_answers_csv(deployment)
    key = "sistem-lain-0001"
    with running(deployment, server_log) as server:
        async with httpx.AsyncClient(
            base_url=server.base_url, headers=server.login("admin"), timeout=TIMEOUT
        ) as admin:
            created = await admin.post(
                f"{API}/api-keys", json={"name": "sistem lain", "scopes": ["import"]}
            )
        assert created.status_code == 201, created.text
        headers = {"Authorization": f"Bearer {created.json()['key']}"}
        ids = await _race(server, headers, content, key)
        replay = await _until_replayed(server, headers, content, key)
        assert replay.status_code == 200, replay.text
        assert set(ids) <= {replay.json()["id"]}

    batches = await deployment.rows(
        "SELECT api_key_id, created_by_id, created_count FROM import_batches "
        "WHERE idempotency_key = :key",
        key=key,
    )
    assert len(batches) == 1
    api_key_id, created_by_id, created_count = batches[0]
    assert (api_key_id is not None, created_by_id, created_count) == (True, None, rows)


async def test_twenty_identical_imports_without_a_key_never_fail(
    deployment: Deployment, server_log: Path
) -> None:
    """Without a key each request is an import of its own: the first to write creates the
    rows, one that started beside it is refused with 409 `import_conflict` (it wrote
    nothing), one that started after it finds the rows unchanged."""
    content, rows = await _new_answers_csv(deployment)
    answers_before = await _answers(deployment)
    count_batches = "SELECT count(*) FROM import_batches"
    batches_before = await deployment.scalar(count_batches)
    with running(deployment, server_log) as server:
        headers = server.login("admin")
        clients = [
            httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=TIMEOUT)
            for _ in range(CLIENTS)
        ]
        try:
            responses = await asyncio.gather(
                *(
                    c.post(
                        IMPORTS,
                        params={"kind": "submissions", "dry_run": "false"},
                        files={"file": ("jawaban.csv", content, "text/csv")},
                    )
                    for c in clients
                )
            )
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))
    # A 503 would be SQLite's write lock given up after its busy timeout: not expected
    # for a file this small, and never a 500.
    assert all(r.status_code in (200, 409) for r in responses), [
        (r.status_code, r.text[:300]) for r in responses
    ]
    outcomes = []
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "import_conflict")
            assert int(response.headers["Retry-After"]) >= 1
            continue
        body = response.json()
        assert body["status"] == "succeeded", body["errors"][:3]
        outcomes.append((body["counts"]["created"], body["counts"]["unchanged"]))
    assert sorted(outcomes, reverse=True) == [(rows, 0)] + [(0, rows)] * (len(outcomes) - 1)
    assert await _answers(deployment) == answers_before + rows
    # One batch per import that ran; the refused ones left none.
    assert await deployment.scalar(count_batches) == batches_before + len(outcomes)
