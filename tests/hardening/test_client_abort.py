"""A client that hangs up mid-request is no server error: one 499 log line, no traceback,
counted under 499 in the metrics, on a real server reading real sockets."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.evidence import files
from tests.faults.answers import answer_state, editable_answers
from tests.faults.conftest import deployment, server_log, templates  # noqa: F401 - fixtures
from tests.faults.server import Deployment, Server
from tests.faults.slow_upload import SlowUpload, wait_for_staging
from tests.fixtures.client import API

EVIDENCE_ROUTE = f"{API}/submissions/{{period}}/{{region}}/{{indicator}}/evidence"
ANSWER_ROUTE = f"{API}/submissions/{{period}}/{{region}}/{{indicator}}"
IMPORTS_ROUTE = f"{API}/imports"


class _VerboseDeployment(Deployment):
    """The fault tests' deployment, logging every request as JSON lines."""

    def env(self, **extra: str) -> dict[str, str]:
        return {**super().env(**extra), "SIAGA_LOG_LEVEL": "INFO", "SIAGA_LOG_FORMAT": "json"}


def _hang_up(server: Server, head: str, partial_body: bytes) -> None:
    """Send a request whose body is cut short of its Content-Length, then close."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head.encode() + partial_body)
        time.sleep(0.3)  # let the server start reading the body


def _access_lines(log: Path, route: str) -> list[dict[str, Any]]:
    lines = []
    for raw in log.read_text(errors="replace").splitlines():
        if raw.startswith("{"):
            line = json.loads(raw)
            if line.get("logger") == "siaga.access" and line.get("route") == route:
                lines.append(line)
    return lines


def _wait_for_line(log: Path, route: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lines := _access_lines(log, route):
            return lines[-1]
        time.sleep(0.05)
    raise AssertionError(f"no access line for {route}: {log.read_text()[-3000:]}")


def _metrics(server: Server) -> dict[tuple[str, str, str, str], float]:
    text = httpx.get(f"{server.base_url}/metrics", timeout=30).text
    return {
        (
            s.name,
            s.labels.get("method", ""),
            s.labels.get("route", ""),
            s.labels.get("status", ""),
        ): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _server_log_is_clean(log: Path) -> None:
    text = log.read_text(errors="replace")
    assert "Traceback" not in text and "Exception in ASGI application" not in text, text[-3000:]


def _status(server: Server, path: str, headers: dict[str, str]) -> int:
    return httpx.get(f"{server.base_url}{path}", headers=headers, timeout=30).status_code


async def test_aborted_requests_are_499_without_traceback(
    deployment: Deployment,  # noqa: F811 - the fixture imported above
    server_log: Path,  # noqa: F811
) -> None:
    verbose = _VerboseDeployment(
        deployment.database_url, deployment.storage_dir, deployment.workdir
    )
    (answer,) = await editable_answers(verbose)
    server = Server(verbose, server_log)
    server.start()
    try:
        operator = server.login(answer.operator)
        admin = server.login("admin")
        before = await answer_state(verbose, answer.submission_id)

        # An evidence upload, provably half-received when the client goes away.
        upload = SlowUpload(server, answer.url, operator, 8 * 1024 * 1024)
        try:
            upload.send_until(2 * 1024 * 1024)
            wait_for_staging(verbose, 1024 * 1024)
        finally:
            upload.close()
        evidence_line = _wait_for_line(server_log, EVIDENCE_ROUTE)

        # A JSON body cut short (FastAPI reads it itself, and wraps the disconnect).
        _hang_up(
            server,
            f"PUT {answer.url} HTTP/1.1\r\nHost: x\r\nAuthorization: {operator['Authorization']}"
            "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
            b'{"value": 1, "narr',
        )
        answer_line = _wait_for_line(server_log, ANSWER_ROUTE)

        # An import file cut short.
        head = files.part_header("wilayah.csv")
        _hang_up(
            server,
            f"POST {IMPORTS_ROUTE}?kind=regions HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: {admin['Authorization']}\r\nContent-Type: {files.CONTENT_TYPE}\r\n"
            f"Content-Length: {len(head) + 100_000}\r\n\r\n",
            head + b"code,name,level\r\n65,Kalimantan Utara,province\r\n",
        )
        import_line = _wait_for_line(server_log, IMPORTS_ROUTE)

        for line in (evidence_line, answer_line, import_line):
            assert line["status"] == 499, line
            assert line["level"] == "INFO", line
            assert "exc_info" not in line and "exc_type" not in line, line
        _server_log_is_clean(server_log)

        metrics = _metrics(server)
        for method, route in (
            ("POST", EVIDENCE_ROUTE),
            ("PUT", ANSWER_ROUTE),
            ("POST", IMPORTS_ROUTE),
        ):
            assert metrics[("siaga_http_requests_total", method, route, "499")] == 1
            assert not [
                key
                for key in metrics
                if key[0] == "siaga_http_server_errors_total" and key[2] == route
            ]

        # Nothing of the aborted requests stayed behind, and the server carries on.
        assert await answer_state(verbose, answer.submission_id) == before
        assert verbose.staging_files() == []
        assert _status(server, answer.url, operator) == 200
    finally:
        server.stop()
