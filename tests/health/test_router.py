from __future__ import annotations

import httpx

from tests.fixtures.client import build_app, http_client
from tests.helpers import API, assert_error


class TestLive:
    async def test_ok(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{API}/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


class TestReady:
    async def test_ok_when_database_answers(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{API}/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}

    async def test_503_when_database_unreachable(self) -> None:
        # Port 1 refuses connections at once; no server is needed for this test.
        app = build_app("postgresql://postgres@127.0.0.1:1/nowhere")
        try:
            async with http_client(app) as client:
                response = await client.get(f"{API}/readyz")
        finally:
            await app.state.engine.dispose()
        assert_error(response, 503, "database_unavailable")
        # Liveness says nothing about the database.
        async with http_client(app) as client:
            assert (await client.get(f"{API}/healthz")).status_code == 200
