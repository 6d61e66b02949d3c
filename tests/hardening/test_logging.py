"""Every log line carries the request id; access lines say who, what, how long; JSON out."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from siaga.core.logging import (
    ACCESS_LOGGER,
    REQUEST_ID,
    JsonFormatter,
    RequestIdFilter,
    TextFormatter,
    log_config,
)
from siaga.core.settings import Settings
from siaga.models import User
from tests.fixtures.client import build_app
from tests.helpers import API, assert_error


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """JSON lines written by every `siaga.*` logger while the test runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("siaga")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.fixture
async def probe_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An app with two extra routes: one that logs, one that fails unexpectedly."""
    app: FastAPI = build_app(database_url)

    async def logs() -> dict[str, str]:
        logging.getLogger("siaga.probe").warning("inside the request")
        return {"ok": "yes"}

    async def fails() -> None:
        raise RuntimeError("boom")

    app.add_api_route(f"{API}/_probe/logs", logs, methods=["GET"])
    app.add_api_route(f"{API}/_probe/fails", fails, methods=["GET"])
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
    await app.state.engine.dispose()


class TestRequestLines:
    async def test_a_line_logged_inside_a_request_has_its_id(
        self, probe_client: httpx.AsyncClient, log_lines: io.StringIO
    ) -> None:
        response = await probe_client.get(
            f"{API}/_probe/logs", headers={"X-Request-ID": "req-inside-1"}
        )
        assert response.status_code == 200
        inside = [line for line in lines(log_lines) if line["logger"] == "siaga.probe"]
        assert inside == [
            {
                "ts": inside[0]["ts"],
                "level": "WARNING",
                "logger": "siaga.probe",
                "message": "inside the request",
                "request_id": "req-inside-1",
            }
        ]
        assert REQUEST_ID.get() is None  # reset once the request is over

    async def test_one_access_line_per_request(
        self, anon_client: httpx.AsyncClient, log_lines: io.StringIO
    ) -> None:
        await anon_client.get(f"{API}/regions/99", headers={"X-Request-ID": "req-access-1"})
        access = [line for line in lines(log_lines) if line["logger"] == ACCESS_LOGGER]
        assert len(access) == 1
        line = access[0]
        assert line["request_id"] == "req-access-1"
        assert line["method"] == "GET"
        assert line["path"] == f"{API}/regions/99"
        assert line["route"] == f"{API}/regions/{{code}}"
        assert line["status"] == 401
        assert line["level"] == "INFO"
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert line["client"] == "127.0.0.1"
        assert "user_id" not in line

    async def test_access_line_names_the_user(
        self, client: httpx.AsyncClient, admin_user: User, log_lines: io.StringIO
    ) -> None:
        response = await client.get(f"{API}/regions")
        assert response.status_code == 200
        access = [line for line in lines(log_lines) if line["logger"] == ACCESS_LOGGER]
        assert access[-1]["user_id"] == admin_user.id
        assert access[-1]["status"] == 200

    async def test_unhandled_error_is_500_in_error_shape_and_logged_with_trace(
        self, probe_client: httpx.AsyncClient, log_lines: io.StringIO
    ) -> None:
        response = await probe_client.get(
            f"{API}/_probe/fails", headers={"X-Request-ID": "req-boom-1"}
        )
        assert_error(response, 500, "internal_error")
        assert response.headers["x-request-id"] == "req-boom-1"
        assert response.headers["x-content-type-options"] == "nosniff"
        access = [line for line in lines(log_lines) if line["logger"] == ACCESS_LOGGER]
        assert access[-1]["level"] == "ERROR"
        assert access[-1]["status"] == 500
        assert access[-1]["request_id"] == "req-boom-1"
        assert access[-1]["exc_type"] == "RuntimeError"
        assert "RuntimeError: boom" in access[-1]["exc_info"]


class TestFormats:
    def _record(self, **extra: Any) -> logging.LogRecord:
        record = logging.LogRecord("siaga.x", logging.INFO, __file__, 1, "hello %s", ("w",), None)
        for key, value in extra.items():
            setattr(record, key, value)
        return record

    def test_json_is_one_line_with_the_fields(self) -> None:
        record = self._record(request_id="r1", status=200, method="GET")
        out = JsonFormatter().format(record)
        assert "\n" not in out
        line = json.loads(out)
        assert line["message"] == "hello w"
        assert (line["request_id"], line["status"], line["method"]) == ("r1", 200, "GET")
        assert line["level"] == "INFO" and line["logger"] == "siaga.x"
        assert line["ts"].endswith("+00:00")

    def test_json_keeps_tracebacks_on_one_line(self) -> None:
        try:
            raise ValueError("bad\nvalue")
        except ValueError:
            record = logging.LogRecord(
                "siaga.x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
            )
        out = JsonFormatter().format(record)
        assert "\n" not in out
        assert "ValueError: bad" in json.loads(out)["exc_info"]

    def test_text_format_appends_fields(self) -> None:
        out = TextFormatter().format(self._record(request_id="r2", status=404))
        assert "[r2]" in out and out.endswith("status=404")

    @pytest.mark.parametrize(
        ("env", "log_format", "formatter"),
        [
            ("production", None, "json"),
            ("development", None, "text"),
            ("development", "json", "json"),
            ("production", "text", "text"),
        ],
    )
    def test_format_chosen_by_environment(
        self, env: str, log_format: str | None, formatter: str
    ) -> None:
        values: dict[str, Any] = {"env": env, "log_format": log_format}
        if env == "production":
            values |= {
                "secret_key": "s" * 40,
                "demo_password": "a-real-one",
                "database_url": "postgresql://db/siaga",
            }
        config = log_config(Settings(_env_file=None, **values))  # type: ignore[call-arg]
        assert config["handlers"]["default"]["formatter"] == formatter
        assert config["handlers"]["default"]["filters"] == ["request_id"]
        # uvicorn's access log is replaced by ours.
        assert config["loggers"]["uvicorn.access"]["handlers"] == []


def test_configured_process_writes_json_lines() -> None:
    # A separate process: dictConfig replaces the handlers pytest relies on.
    code = (
        "import logging\n"
        "from siaga.core.logging import configure_logging, REQUEST_ID\n"
        "from siaga.core.settings import Settings\n"
        "configure_logging(Settings(_env_file=None, log_format='json'))\n"
        "REQUEST_ID.set('sub-1')\n"
        "logging.getLogger('uvicorn.error').info('from uvicorn')\n"
        "logging.getLogger('siaga.x').info('from siaga')\n"
        "logging.getLogger('uvicorn.access').info('dropped')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIAGA_")}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    out = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(o["logger"], o["message"], o["request_id"]) for o in out] == [
        ("uvicorn.error", "from uvicorn", "sub-1"),
        ("siaga.x", "from siaga", "sub-1"),
    ]
