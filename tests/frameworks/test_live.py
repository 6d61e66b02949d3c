"""Twenty identical publishes of one draft, and twenty copies to one new code, at once
against a real server: exactly one succeeds, every other one gets a 409, none a 500."""

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
    templates = Templates(tmp_path_factory.mktemp("framework-race-templates"))
    yield templates
    templates.drop_all()


@pytest.fixture
def deployment(backend: str, templates: Templates, tmp_path: Path) -> Deployment:
    return templates.deployment(backend, tmp_path)


async def _at_once(
    base_url: str, headers: dict[str, str], path: str, body: object
) -> list[httpx.Response]:
    clients = [
        httpx.AsyncClient(base_url=base_url, headers=headers, timeout=TIMEOUT)
        for _ in range(CLIENTS)
    ]
    try:
        return list(await asyncio.gather(*(c.post(path, json=body) for c in clients)))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


async def test_twenty_copies_and_publishes(deployment: Deployment, tmp_path: Path) -> None:
    source = await deployment.scalar(
        "SELECT code FROM frameworks WHERE status = 'published' ORDER BY id LIMIT 1"
    )
    with running(deployment, tmp_path / "server.log") as server:
        headers = server.login("admin")
        copies = await _at_once(
            server.base_url, headers, f"{API}/frameworks/{source}/copy", {"code": "RACE1"}
        )
        publish = f"{API}/frameworks/RACE1/publish"
        publishes = await _at_once(server.base_url, headers, publish, None)
    statuses = sorted(r.status_code for r in copies)
    assert statuses == [201] + [409] * (CLIENTS - 1), [r.text for r in copies]
    assert {r.json()["error"]["code"] for r in copies if r.status_code == 409} == {
        "framework_exists"
    }
    statuses = sorted(r.status_code for r in publishes)
    assert statuses == [200] + [409] * (CLIENTS - 1), [r.text for r in publishes]
    assert {r.json()["error"]["code"] for r in publishes if r.status_code == 409} == {
        "framework_published"
    }
    for action, count in (("framework.copy", 1), ("framework.publish", 1)):
        assert (
            await deployment.scalar(
                f"SELECT count(*) FROM audit_events WHERE action = '{action}'"  # noqa: S608
                " AND entity_id = 'RACE1'"
            )
            == count
        )
    indicators = await deployment.scalar(
        "SELECT count(*) FROM indicators i JOIN frameworks f ON f.id = i.framework_id"
        " WHERE f.code = 'RACE1'"
    )
    original = await deployment.scalar(
        "SELECT count(*) FROM indicators i JOIN frameworks f ON f.id = i.framework_id"
        " JOIN frameworks r ON r.copied_from = f.code WHERE r.code = 'RACE1'"
    )
    assert indicators == original > 0
