"""An evidence upload sent by hand over a socket, so a test can stop half-way."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

from tests.evidence import files
from tests.faults.server import Deployment, Server

_CHUNK = b"x" * (256 * 1024)


class SlowUpload:
    """A large PDF upload whose body is sent in two halves, at the test's pace."""

    def __init__(self, server: Server, url: str, headers: dict[str, str], size: int) -> None:
        self.size = size
        self.sent = 0
        head = files.part_header("laporan-besar.pdf")
        total = len(head) + size + len(files.closing())
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=60)
        request = (
            f"POST {url}/evidence HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.port}\r\n"
            f"Authorization: {headers['Authorization']}\r\n"
            f"Content-Type: {files.CONTENT_TYPE}\r\n"
            f"Content-Length: {total}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        first = b"%PDF-1.4\n"
        self.sock.sendall(request + head + first)
        self.sent = len(first)

    def send_until(self, amount: int) -> None:
        while self.sent < amount:
            piece = _CHUNK[: min(len(_CHUNK), amount - self.sent)]
            self.sock.sendall(piece)
            self.sent += len(piece)

    def finish(self) -> tuple[int, dict[str, Any]]:
        """Send the rest; the response's status and JSON body."""
        self.send_until(self.size)
        self.sock.sendall(files.closing())
        raw = b""
        while chunk := self.sock.recv(65536):
            raw += chunk
        self.close()
        head, _, body = raw.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        return status, json.loads(body)

    def close(self) -> None:
        self.sock.close()


def wait_for_staging(deployment: Deployment, at_least: int, timeout: float = 60) -> Path:
    """The upload's staging file, once the server has written `at_least` bytes to it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in deployment.staging_files():
            try:
                if path.stat().st_size >= at_least:
                    return path
            except FileNotFoundError:
                continue
        time.sleep(0.05)
    raise AssertionError(f"no staging file reached {at_least} bytes")
