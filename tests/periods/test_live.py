"""Twenty identical POST /periods at once against a real server: exactly one creates the
period, every other one is told it exists (409 period_exists), none fails with a 500."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.faults.server import Deployment, Templates, running
from tests.helpers import API

CLIENTS = 20
TIMEOUT = httpx.Timeout(60.0)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    templates = Templates(tmp_path_factory.mktemp("period-race-templates"))
    yield templates
    templates.drop_all()


@pytest.fixture
def deployment(backend: str, templates: Templates, tmp_path: Path) -> Deployment:
    return templates.deployment(backend, tmp_path)


async def test_twenty_identical_creations_make_one_period(
    deployment: Deployment, tmp_path: Path
) -> None:
    framework = await deployment.scalar(
        "SELECT code FROM frameworks WHERE status = 'published' ORDER BY id LIMIT 1"
    )
    body = {"code": "2031-Q1", "framework": framework}
    with running(deployment, tmp_path / "server.log") as server:
        headers = server.login("admin")
        clients = [
            httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=TIMEOUT)
            for _ in range(CLIENTS)
        ]
        try:
            responses = await asyncio.gather(
                *(c.post(f"{API}/periods", json=body) for c in clients)
            )
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (CLIENTS - 1), [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert response.json()["error"]["code"] == "period_exists"
    assert await deployment.scalar("SELECT count(*) FROM periods WHERE code = '2031-Q1'") == 1
    assert (
        await deployment.scalar(
            "SELECT count(*) FROM audit_events WHERE action = 'period.create'"
            " AND entity_id = '2031-Q1'"
        )
        == 1
    )
