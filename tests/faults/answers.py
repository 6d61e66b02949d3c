"""Picking demo answers to work on, straight from the database."""

from __future__ import annotations

from dataclasses import dataclass

from tests.faults.server import Deployment
from tests.fixtures.client import API


@dataclass
class DemoAnswer:
    submission_id: int
    period: str
    region: str
    indicator: str
    answer_type: str
    operator: str  # username of an operator of the answering agency

    @property
    def url(self) -> str:
        return f"{API}/submissions/{self.period}/{self.region}/{self.indicator}"


async def editable_answers(deployment: Deployment, limit: int = 1) -> list[DemoAnswer]:
    """Draft or returned answers of an open period with room for more evidence."""
    rows = await deployment.rows(
        """
        SELECT s.id, p.code, r.code, i.code, i.answer_type, u.username
        FROM submissions s
        JOIN periods p ON p.id = s.period_id
        JOIN regions r ON r.id = s.region_id
        JOIN indicators i ON i.id = s.indicator_id
        JOIN users u ON u.agency_id = s.agency_id AND u.role = 'operator'
        WHERE p.state = 'open' AND s.status IN ('draft', 'returned')
          AND (SELECT count(*) FROM evidence_files f WHERE f.submission_id = s.id) < 10
        ORDER BY s.id
        LIMIT :limit
        """,
        limit=limit,
    )
    assert len(rows) == limit, "the demo data has too few editable answers"
    return [DemoAnswer(*row) for row in rows]


def valid_value(answer_type: str, n: int) -> float | bool:
    """The n-th of several distinct valid values where the type allows; else a valid one."""
    if answer_type == "yes_no":
        return n % 2 == 0
    if answer_type == "level":
        return n % 5
    if answer_type == "percent":
        return n % 101
    return n


async def answer_state(deployment: Deployment, submission_id: int) -> dict[str, int]:
    """Everything an upload or an edit could have changed about one answer."""
    rows = await deployment.rows(
        """
        SELECT
          (SELECT version FROM submissions WHERE id = :id),
          (SELECT count(*) FROM submission_versions WHERE submission_id = :id),
          (SELECT count(*) FROM evidence_files WHERE submission_id = :id),
          (SELECT count(*) FROM evidence_files),
          (SELECT count(*) FROM evidence_blobs),
          (SELECT count(*) FROM audit_events)
        """,
        id=submission_id,
    )
    version, versions, files, all_files, blobs, audit = rows[0]
    return {
        "version": version,
        "versions": versions,
        "files": files,
        "all_files": all_files,
        "blobs": blobs,
        "audit": audit,
    }
