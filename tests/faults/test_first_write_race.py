"""Twenty clients creating one answer, or copying last period's answers into one Pemda, at
the same moment against a real server: exactly one of them creates, the others are told
so in the error shape (or, for copy-previous, find nothing left to copy); never a 500, and
exactly one answer, one first version and one audit record per created answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.faults.answers import valid_value
from tests.faults.server import Deployment, Server, running
from tests.fixtures.client import API
from tests.helpers import assert_error

CLIENTS = 20
# A real server on a busy machine: rather wait than report a false failure.
TIMEOUT = httpx.Timeout(60.0)
OPEN_PERIOD = "2024-Q1"
PREVIOUS_PERIOD = "2023-Q4"


async def _unanswered(deployment: Deployment) -> tuple[str, str, str, str]:
    """(region, indicator, answer type, operator) of an open period's answer not yet written."""
    rows = await deployment.rows(
        """
        SELECT r.code, i.code, i.answer_type, u.username
        FROM regions r
        JOIN periods p ON p.code = :period
        JOIN indicators i ON i.framework_id = p.framework_id
        JOIN agencies a ON a.region_id = r.id AND a.agency_type_id = i.agency_type_id
        JOIN users u ON u.agency_id = a.id AND u.role = 'operator' AND u.is_active
        WHERE ((r.level = 'province' AND i.applies_province)
            OR (r.level = 'regency' AND i.applies_regency)
            OR (r.level = 'city' AND i.applies_city))
          AND NOT EXISTS (
            SELECT 1 FROM submissions s
            WHERE s.period_id = p.id AND s.region_id = r.id AND s.indicator_id = i.id)
        ORDER BY r.code, i.code
        LIMIT 1
        """,
        period=OPEN_PERIOD,
    )
    assert rows, "the demo data has no unanswered indicator"
    region, indicator, answer_type, operator = rows[0]
    return region, indicator, answer_type, operator


async def _clients(server: Server, headers: dict[str, str]) -> list[httpx.AsyncClient]:
    return [
        httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=TIMEOUT)
        for _ in range(CLIENTS)
    ]


async def _answer_rows(deployment: Deployment, region: str, indicator: str) -> tuple[int, ...]:
    """(answers, versions, audit records) of one answer of the open period."""
    rows = await deployment.rows(
        """
        SELECT
          (SELECT count(*) FROM submissions s WHERE s.id IN (SELECT id FROM answer)),
          (SELECT count(*) FROM submission_versions v
             WHERE v.submission_id IN (SELECT id FROM answer)),
          (SELECT count(*) FROM audit_events e
             WHERE e.entity_type = 'submission' AND e.entity_id = :entity)
        FROM (SELECT 1) AS one
        """.replace(
            "answer",
            "(SELECT s.id FROM submissions s JOIN periods p ON p.id = s.period_id "
            "JOIN regions r ON r.id = s.region_id JOIN indicators i ON i.id = s.indicator_id "
            "WHERE p.code = :period AND r.code = :region AND i.code = :indicator) AS ids",
        ),
        period=OPEN_PERIOD,
        region=region,
        indicator=indicator,
        entity=f"{OPEN_PERIOD}/{region}/{indicator}",
    )
    return tuple(rows[0])


async def test_twenty_first_writes_create_one_answer(
    deployment: Deployment, server_log: Path
) -> None:
    region, indicator, answer_type, operator = await _unanswered(deployment)
    url = f"{API}/submissions/{OPEN_PERIOD}/{region}/{indicator}"
    with running(deployment, server_log) as server:
        clients = await _clients(server, server.login(operator))
        try:
            responses = await asyncio.gather(
                *(
                    c.put(url, json={"value": valid_value(answer_type, n), "narrative": f"{n}"})
                    for n, c in enumerate(clients)
                )
            )
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))
    statuses = sorted(r.status_code for r in responses)
    # The winner creates; every other client, which could not have known the answer's
    # ETag when it sent its request, lost a race: 409, not "you forgot If-Match" (428).
    assert statuses == [201] + [409] * (CLIENTS - 1), [(r.status_code, r.text) for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "created_concurrently")
    assert await _answer_rows(deployment, region, indicator) == (1, 1, 1)


async def test_twenty_first_writes_with_if_match_star_apply_one_by_one(
    deployment: Deployment, server_log: Path
) -> None:
    """`If-Match: *` (any version, or none yet): one creates, the others then change the
    answer it created, one after another; no write is lost and none fails."""
    region, indicator, answer_type, operator = await _unanswered(deployment)
    url = f"{API}/submissions/{OPEN_PERIOD}/{region}/{indicator}"
    with running(deployment, server_log) as server:
        clients = await _clients(server, server.login(operator))
        try:
            responses = await asyncio.gather(
                *(
                    c.put(
                        url,
                        json={"value": valid_value(answer_type, 0), "narrative": f"klien {n}"},
                        headers={"If-Match": "*"},
                    )
                    for n, c in enumerate(clients)
                )
            )
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * (CLIENTS - 1) + [201], [(r.status_code, r.text) for r in responses]
    # One version per write (narratives differ), numbered 1..20, and one audit record each.
    assert await _answer_rows(deployment, region, indicator) == (1, CLIENTS, CLIENTS)
    versions = sorted(r.json()["version"] for r in responses)
    assert versions == list(range(1, CLIENTS + 1))


async def _copyable(deployment: Deployment) -> tuple[str, int, int]:
    """A Pemda with verified answers last period that it has not answered this period:
    (region, how many it has not answered, how many it has)."""
    rows = await deployment.rows(
        """
        SELECT r.code, sum(CASE WHEN t.id IS NULL THEN 1 ELSE 0 END) AS missing,
               sum(CASE WHEN t.id IS NULL THEN 0 ELSE 1 END) AS answered
        FROM submissions s
        JOIN periods p ON p.id = s.period_id AND p.code = :previous
        JOIN regions r ON r.id = s.region_id
        JOIN periods q ON q.code = :period
        LEFT JOIN submissions t ON t.period_id = q.id AND t.region_id = s.region_id
          AND t.indicator_id = s.indicator_id
        WHERE s.status = 'verified'
        GROUP BY r.code
        ORDER BY missing DESC, r.code
        LIMIT 1
        """,
        previous=PREVIOUS_PERIOD,
        period=OPEN_PERIOD,
    )
    assert rows and rows[0][1] >= 2, "the demo data has nothing to copy"
    region, missing, answered = rows[0]
    return region, int(missing), int(answered)


async def test_twenty_copy_previous_calls_copy_once(
    deployment: Deployment, server_log: Path
) -> None:
    region, copyable, answered = await _copyable(deployment)
    count_sql = (
        "SELECT count(*) FROM {table} x JOIN submissions s ON s.id = x.{column} "
        "JOIN periods p ON p.id = s.period_id JOIN regions r ON r.id = s.region_id "
        "WHERE p.code = :period AND r.code = :region"
    )
    answers_sql = (
        "SELECT count(*) FROM submissions s JOIN periods p ON p.id = s.period_id "
        "JOIN regions r ON r.id = s.region_id WHERE p.code = :period AND r.code = :region"
    )
    params = {"period": OPEN_PERIOD, "region": region}
    answers_before = await deployment.scalar(answers_sql, **params)
    with running(deployment, server_log) as server:
        clients = await _clients(server, server.login("admin"))
        try:
            responses = await asyncio.gather(
                *(
                    c.post(
                        f"{API}/submissions/copy-previous",
                        json={"period": OPEN_PERIOD, "region": region},
                    )
                    for c in clients
                )
            )
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (CLIENTS - 1), [(r.status_code, r.text) for r in responses]
    # One call copies everything; the others are told that another copy did it meanwhile.
    (winner,) = [r for r in responses if r.status_code == 200]
    assert (winner.json()["created"], winner.json()["skipped"]) == (copyable, answered)
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "copied_concurrently")
    assert await deployment.scalar(answers_sql, **params) == answers_before + copyable
    versions = await deployment.scalar(
        count_sql.format(table="submission_versions", column="submission_id")
        + " AND x.action = 'copied'",
        **params,
    )
    assert versions == copyable
