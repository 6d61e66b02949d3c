"""Twenty files sent at once to an indicator nobody has answered yet, against a real
server: the first file to arrive creates the draft, every other one attaches to it. Exactly
one answer, one "created" version, and every file kept once, whatever the order."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.evidence import files
from tests.faults.server import Deployment, running
from tests.faults.test_first_write_race import OPEN_PERIOD, _unanswered
from tests.fixtures.client import API

CLIENTS = 20
TIMEOUT = httpx.Timeout(60.0)


async def test_twenty_first_files_start_one_draft(deployment: Deployment, server_log: Path) -> None:
    region, indicator, _answer_type, operator = await _unanswered(deployment)
    url = f"{API}/submissions/{OPEN_PERIOD}/{region}/{indicator}"
    with running(deployment, server_log) as server:
        headers = {**server.login(operator), "Content-Type": files.CONTENT_TYPE}
        clients = [
            httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=TIMEOUT)
            for _ in range(CLIENTS)
        ]
        try:
            responses = await asyncio.gather(
                *(
                    c.post(f"{url}/evidence", content=files.multipart(files.pdf(f"berkas {n}")))
                    for n, c in enumerate(clients)
                )
            )
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))
    assert [r.status_code for r in responses] == [201] * CLIENTS, [r.text for r in responses]
    rows = await deployment.rows(
        """
        SELECT
          (SELECT count(*) FROM submissions s WHERE s.id IN (SELECT id FROM ids)),
          (SELECT count(*) FROM submission_versions v
             WHERE v.submission_id IN (SELECT id FROM ids) AND v.action = 'created'),
          (SELECT count(*) FROM evidence_files f WHERE f.submission_id IN (SELECT id FROM ids)),
          (SELECT count(*) FROM audit_events e
             WHERE e.action = 'submission.create' AND e.entity_id = :entity)
        FROM (SELECT 1) AS one
        """.replace(
            "ids",
            "(SELECT s.id FROM submissions s JOIN periods p ON p.id = s.period_id "
            "JOIN regions r ON r.id = s.region_id JOIN indicators i ON i.id = s.indicator_id "
            "WHERE p.code = :period AND r.code = :region AND i.code = :indicator) AS ids",
        ),
        period=OPEN_PERIOD,
        region=region,
        indicator=indicator,
        entity=f"{OPEN_PERIOD}/{region}/{indicator}",
    )
    assert tuple(rows[0]) == (1, 1, CLIENTS, 1)
