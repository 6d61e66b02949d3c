"""Request bodies over their route's limit are refused before they are read."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import Message

from siaga.core.uploads import ENVELOPE_ALLOWANCE, MIB
from tests.helpers import API, assert_error


class Body:
    """A streamed body of `total` bytes that counts how much the server pulled."""

    def __init__(self, total: int, chunk: int = 16 * 1024) -> None:
        self.total, self.chunk = total, chunk
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.pulled < self.total:
            size = min(self.chunk, self.total - self.pulled)
            self.pulled += size
            yield b" " * size


@pytest.fixture
def small_json_limit(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(app.state.settings, "max_body_kb", 64)
    return 64 * 1024


class TestJsonApi:
    async def test_declared_length_over_limit_is_413_unread(
        self, anon_client: httpx.AsyncClient, small_json_limit: int
    ) -> None:
        body = Body(small_json_limit + 1)
        response = await anon_client.post(
            f"{API}/auth/login",
            content=body,
            headers={
                "Content-Type": "application/json",
                "Content-Length": str(small_json_limit + 1),
            },
        )
        error = assert_error(response, 413, "too_large")
        assert error["details"] == [{"limit_bytes": small_json_limit}]
        assert "64 KB" in error["message"]
        assert body.pulled == 0

    async def test_chunked_body_stops_being_read_past_the_limit(
        self, anon_client: httpx.AsyncClient, small_json_limit: int
    ) -> None:
        body = Body(4 * MIB)
        response = await anon_client.post(
            f"{API}/auth/login", content=body, headers={"Content-Type": "application/json"}
        )
        error = assert_error(response, 413, "too_large")
        assert error["details"] == [{"limit_bytes": small_json_limit}]
        assert body.pulled <= small_json_limit + body.chunk

    async def test_body_at_the_limit_is_read(
        self, anon_client: httpx.AsyncClient, small_json_limit: int
    ) -> None:
        payload = b'{"username": "nobody", "password": "wrong"}'
        payload += b" " * (small_json_limit - len(payload))
        response = await anon_client.post(
            f"{API}/auth/login", content=payload, headers={"Content-Type": "application/json"}
        )
        assert_error(response, 401, "invalid_credentials")

    async def test_default_limit_is_one_mib(self, anon_client: httpx.AsyncClient) -> None:
        limit = 1024 * 1024
        response = await anon_client.put(
            f"{API}/submissions/2023-Q4/64/K1.01",
            content=Body(limit + 1),
            headers={"Content-Type": "application/json", "Content-Length": str(limit + 1)},
        )
        assert_error(response, 413, "too_large")

    async def test_413_carries_request_id_and_security_headers(
        self, anon_client: httpx.AsyncClient, small_json_limit: int
    ) -> None:
        response = await anon_client.post(
            f"{API}/auth/login",
            content=b"x" * (small_json_limit + 1),
            headers={"Content-Type": "application/json", "X-Request-ID": "big-1"},
        )
        assert response.status_code == 413
        assert response.headers["x-request-id"] == "big-1"
        assert response.headers["x-content-type-options"] == "nosniff"

    @pytest.mark.parametrize("length", ["abc", "-5", "1e3"])
    async def test_malformed_content_length_is_422(self, app: FastAPI, length: str) -> None:
        # httpx will not send a malformed header; talk ASGI directly.
        sent: list[Message] = []

        async def receive() -> Message:
            return {"type": "http.request", "body": b"{}", "more_body": False}

        async def send(message: Message) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": f"{API}/auth/login",
            "raw_path": f"{API}/auth/login".encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"content-length", length.encode()), (b"host", b"test")],
            "client": ("127.0.0.1", 1),
            "server": ("test", 80),
        }
        await app(scope, receive, send)
        assert sent[0]["status"] == 422
        assert b'"invalid_input"' in sent[1]["body"]


class TestUploadRoutes:
    async def test_evidence_upload_gets_the_upload_limit_not_the_json_one(
        self, anon_client: httpx.AsyncClient, small_json_limit: int
    ) -> None:
        # 100 KiB is over the JSON limit but far under the evidence one: not refused
        # for size (the anonymous caller is refused for who it is instead).
        response = await anon_client.post(
            f"{API}/submissions/2023-Q4/64.72/D1.01/evidence",
            content=b"x" * (100 * 1024),
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )
        assert_error(response, 401, "not_authenticated")

    async def test_evidence_upload_over_its_limit_is_413_unread(
        self, app: FastAPI, anon_client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(app.state.settings, "max_upload_mb", 1)
        body = Body(MIB + ENVELOPE_ALLOWANCE + 1)
        response = await anon_client.post(
            f"{API}/submissions/2023-Q4/64.72/D1.01/evidence",
            content=body,
            headers={
                "Content-Type": "multipart/form-data; boundary=b",
                "Content-Length": str(MIB + ENVELOPE_ALLOWANCE + 1),
            },
        )
        error = assert_error(response, 413, "too_large")
        assert error["details"] == [{"limit_bytes": MIB}]
        assert body.pulled == 0

    async def test_boundaries_import_gets_the_upload_limit(
        self, client: httpx.AsyncClient, small_json_limit: int
    ) -> None:
        response = await client.post(
            f"{API}/regions/boundaries",
            content=b'{"type": "FeatureCollection", "features": []}' + b" " * (100 * 1024),
            headers={"Content-Type": "application/geo+json"},
        )
        assert response.status_code != 413, response.text

    async def test_imports_get_the_import_limit(
        self, app: FastAPI, anon_client: httpx.AsyncClient
    ) -> None:
        limit = int(getattr(app.state.settings, "import_max_mb", 50)) * MIB
        body = Body(limit + ENVELOPE_ALLOWANCE + 1)
        response = await anon_client.post(
            f"{API}/imports/answers",
            content=body,
            headers={
                "Content-Type": "text/csv",
                "Content-Length": str(limit + ENVELOPE_ALLOWANCE + 1),
            },
        )
        error = assert_error(response, 413, "too_large")
        assert error["details"] == [{"limit_bytes": limit}]
        assert body.pulled == 0
