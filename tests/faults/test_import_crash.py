"""A server killed in the middle of a large import: no answer of it is kept, no batch is
left half-written or `running`, and imports work again after the restart.

The batch row is written in the import's own transaction, so a crash takes it away with
the answers; there is no `running` batch to mark failed at the next start."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx

from tests.faults.server import Deployment, Server, running
from tests.fixtures.client import API

ROWS_WANTED = 50_000
# Re-importing all 50,000 rows would only repeat what the import tests show.
RETRY_ROWS = 1_000
PROVINCES = [str(code) for code in range(11, 31)]  # the demo has only 64
# Generous, for a loaded machine; the import normally takes a few seconds.
TIMEOUT = 240.0


def _value(answer_type: str, n: int) -> str:
    if answer_type == "yes_no":
        return "ya" if n % 2 else "tidak"
    if answer_type == "level":
        return str(n % 5)
    if answer_type == "percent":
        return str(n % 101)
    return str(n % 50)


async def _files(deployment: Deployment) -> tuple[bytes, bytes, int]:
    """A regions CSV of new regencies and an answers CSV of ~50,000 rows over them."""
    indicators = await deployment.rows(
        "SELECT code, answer_type FROM indicators WHERE applies_regency ORDER BY code"
    )
    periods = [r[0] for r in await deployment.rows("SELECT code FROM periods WHERE state = 'open'")]
    per_regency = len(indicators) * len(periods)
    regencies_per_province = -(-ROWS_WANTED // (per_regency * len(PROVINCES)))
    assert regencies_per_province < 100, "the demo framework is too small for the file"
    regencies = [f"{p}.{n:02d}" for p in PROVINCES for n in range(1, regencies_per_province + 1)]
    regions = ["code,name,level,parent"]
    regions += [f"{p},Provinsi Uji {p},province," for p in PROVINCES]
    regions += [f"{code},Kabupaten Uji {code},regency,{code[:2]}" for code in regencies]
    answers = ["period,region,indicator,value,narrative,status"]
    n = 0
    for region in regencies:
        for period in periods:
            for code, answer_type in indicators:
                n += 1
                answers.append(f"{period},{region},{code},{_value(answer_type, n)},baris {n},draft")
    return ("\n".join(regions) + "\n").encode(), ("\n".join(answers) + "\n").encode(), n


def _post_import(
    server: Server, headers: dict[str, str], kind: str, content: bytes
) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}{API}/imports",
        params={"kind": kind, "dry_run": "false"},
        files={"file": (f"{kind}.csv", content, "text/csv")},
        headers=headers,
        timeout=TIMEOUT,
    )


async def _counts(deployment: Deployment) -> dict[str, int]:
    row = (
        await deployment.rows(
            """
            SELECT
              (SELECT count(*) FROM submissions),
              (SELECT count(*) FROM submission_versions),
              (SELECT count(*) FROM import_batches),
              (SELECT count(*) FROM import_row_errors),
              (SELECT count(*) FROM regions)
            """
        )
    )[0]
    return dict(zip(["answers", "versions", "batches", "row_errors", "regions"], row, strict=True))


async def _writing(deployment: Deployment, wal_at_start: int) -> bool:
    """Whether another transaction has started writing answers (not yet committed)."""
    if deployment.backend == "postgresql":
        held = await deployment.scalar(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'submissions' AND l.mode = 'RowExclusiveLock' "
            "AND l.pid <> pg_backend_pid()"
        )
        return bool(held)
    # SQLite spills a large uncommitted transaction's pages into the WAL file.
    return _wal_size(deployment) > wal_at_start + 1024 * 1024


def _wal_size(deployment: Deployment) -> int:
    wal = deployment.workdir / "siaga.db-wal"
    return wal.stat().st_size if wal.exists() else 0


async def test_killed_import_leaves_no_partial_answers(
    deployment: Deployment, server_log: Path
) -> None:
    regions_csv, answers_csv, rows = await _files(deployment)
    assert rows >= ROWS_WANTED
    server = Server(deployment, server_log)
    server.start()
    outcome: dict[str, object] = {}
    try:
        headers = server.login("admin")
        regions = _post_import(server, headers, "regions", regions_csv)
        assert regions.status_code == 200 and regions.json()["status"] == "succeeded", regions.text
        before = await _counts(deployment)
        wal_at_start = _wal_size(deployment)

        def send() -> None:
            try:
                outcome["response"] = _post_import(server, headers, "submissions", answers_csv)
            except httpx.HTTPError as exc:
                outcome["error"] = exc

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        deadline = time.monotonic() + TIMEOUT
        while not await _writing(deployment, wal_at_start):
            assert sender.is_alive(), f"the import ended before it could be killed: {outcome}"
            assert time.monotonic() < deadline, "the import never started writing"
            await asyncio.sleep(0.05)
        server.kill()
        sender.join(timeout=60)
    finally:
        server.stop()
    # The client saw the connection die, not an answer.
    assert "response" not in outcome, outcome

    with running(deployment, server_log) as restarted:
        # Nothing of the killed import: no answer, no version, no batch (running or not).
        assert await _counts(deployment) == before
        # The server imports again: the file's first rows, sent on their own, go in.
        headers = restarted.login("admin")
        first_rows = b"".join(answers_csv.splitlines(keepends=True)[: RETRY_ROWS + 1])
        again = _post_import(restarted, headers, "submissions", first_rows)
        assert again.status_code == 200, again.text
        batch = again.json()
        assert batch["status"] == "succeeded", batch["errors"][:5]
        assert batch["counts"]["created"] == RETRY_ROWS
    after = await _counts(deployment)
    assert after["answers"] == before["answers"] + RETRY_ROWS
    assert after["batches"] == before["batches"] + 1
    statuses = await deployment.rows("SELECT status FROM import_batches")
    assert "running" not in {s[0] for s in statuses}
