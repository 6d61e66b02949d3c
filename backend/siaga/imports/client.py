"""The HTTP side of `siaga import --url ... --api-key ...`: upload one file to a remote
Siaga server's `POST /api/v1/imports`, streamed from disk with upload progress.

Kept free of the CLI (typer, rich) so other tools can reuse it; the CLI renders the answer.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import httpx

from siaga.core.jsontypes import JsonObject

API_PREFIX = "/api/v1"
IMPORTS_PATH = "/imports"
# A real import of 100,000 rows takes seconds; a slow link or a busy server more.
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=15.0)
_CONTENT_TYPES = {
    ".csv": "text/csv",
    ".txt": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportClientError(Exception):
    """The server could not be reached or did not answer in the API's shape."""


@dataclass(frozen=True, slots=True)
class RemoteResponse:
    status_code: int
    # The server's JSON as sent (a batch or an error body), shown as is by imports.console.
    body: JsonObject
    # The server answered an Idempotency-Key it had seen with the first import's result.
    replayed: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300


class _ProgressReader(io.RawIOBase):
    """A read-only view of the file that reports how many bytes have been read.

    httpx's multipart encoder reads the file in chunks while sending (it never loads it
    whole), and sizes the body through `fileno()`/`seek()`, so those are passed through.
    """

    def __init__(self, handle: BinaryIO, on_progress: Callable[[int], None]) -> None:
        super().__init__()
        self._handle = handle
        self._on_progress = on_progress

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._handle.fileno()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        position = self._handle.seek(offset, whence)
        self._on_progress(position)
        return position

    def tell(self) -> int:
        return self._handle.tell()

    def readinto(self, buffer: Any) -> int:
        chunk = self._handle.read(len(buffer))
        buffer[: len(chunk)] = chunk
        self._on_progress(self._handle.tell())
        return len(chunk)


def imports_url(base_url: str) -> str:
    """`https://siaga.example.go.id` or `.../api/v1` -> the imports endpoint."""
    base = base_url.rstrip("/")
    if not base.endswith(API_PREFIX):
        base += API_PREFIX
    return base + IMPORTS_PATH


def content_type_for(path: Path) -> str:
    return _CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


def post_import(
    path: Path,
    *,
    kind: str,
    base_url: str,
    api_key: str,
    dry_run: bool = False,
    idempotency_key: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    client: httpx.Client | None = None,
) -> RemoteResponse:
    """Upload `path` as an import of `kind`; any answer in the API's JSON shape is returned
    (also 4xx: the caller shows the error), anything else raises ImportClientError."""
    headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    params = {"kind": kind, "dry_run": "true" if dry_run else "false"}
    own_client = client is None
    http = client if client is not None else httpx.Client(timeout=DEFAULT_TIMEOUT)
    try:
        with path.open("rb") as handle:
            upload: BinaryIO = handle
            if on_progress is not None:
                upload = io.BufferedReader(_ProgressReader(handle, on_progress))
            response = http.post(
                imports_url(base_url),
                params=params,
                headers=headers,
                files={"file": (path.name, upload, content_type_for(path))},
            )
    except httpx.HTTPError as exc:
        raise ImportClientError(f"cannot reach {base_url}: {exc}") from exc
    finally:
        if own_client:
            http.close()
    return _parse(response)


def _parse(response: httpx.Response) -> RemoteResponse:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        # A proxy's HTML page or an empty body: say what came back rather than guessing.
        snippet = response.text[:200].strip()
        raise ImportClientError(
            f"HTTP {response.status_code} from {response.request.url}: "
            f"not a Siaga API response ({snippet or 'empty body'})"
        )
    replayed = response.headers.get("Idempotent-Replayed", "").lower() == "true"
    return RemoteResponse(response.status_code, body, replayed)
