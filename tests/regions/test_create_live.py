"""Twenty identical POST /regions at once against a real server: exactly one creates the
region, every other one is told it exists (409 region_exists), none fails with a 500."""

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
    templates = Templates(tmp_path_factory.mktemp("region-race-templates"))
    yield templates
    templates.drop_all()


@pytest.fixture
def deployment(backend: str, templates: Templates, tmp_path: Path) -> Deployment:
    return templates.deployment(backend, tmp_path)


async def test_twenty_identical_creations_make_one_region(
    deployment: Deployment, tmp_path: Path
) -> None:
    province = await deployment.scalar(
        "SELECT code FROM regions WHERE level = 'province' ORDER BY code LIMIT 1"
    )
    code = f"{province}.98"
    body = {"code": code, "name": "Kabupaten Pemekaran", "level": "regency", "parent": province}
    with running(deployment, tmp_path / "server.log") as server:
        headers = server.login("admin")
        clients = [
            httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=TIMEOUT)
            for _ in range(CLIENTS)
        ]
        try:
            responses = await asyncio.gather(
                *(c.post(f"{API}/regions", json=body) for c in clients)
            )
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (CLIENTS - 1), [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert response.json()["error"]["code"] == "region_exists"
    assert (
        await deployment.scalar("SELECT count(*) FROM regions WHERE code = :code", code=code) == 1
    )
    assert (
        await deployment.scalar(
            "SELECT count(*) FROM audit_events WHERE action = 'region.create'"
            " AND entity_id = :code",
            code=code,
        )
        == 1
    )
