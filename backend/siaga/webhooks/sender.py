"""One POST to a receiver, through the guard: what came back, never an exception.

No redirect is followed (httpcore follows none: a 3xx is a failed attempt, so a
receiver cannot bounce the request to an internal address), the whole attempt gives up
after SIAGA_WEBHOOK_TIMEOUT_SECONDS (10 s), and at most 4 KiB of the answer's body is
read: the rest is never downloaded, the connection is dropped instead.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass

import httpcore
import httpx

from siaga.webhooks.ssrf import Resolver, UrlRefused, connection_pool, parse_url, system_resolver

MAX_EXCERPT_BYTES = 4096
_MAX_ERROR = 500


@dataclass(frozen=True, slots=True)
class AttemptResult:
    status_code: int | None  # None: no answer (refused, unreachable, timed out)
    duration_ms: int
    excerpt: str | None
    error: str | None


async def _read_at_most(response: httpcore.Response, limit: int) -> bytes:
    received = bytearray()
    stream = response.stream
    assert hasattr(stream, "__aiter__")
    async for chunk in stream:
        received += chunk
        if len(received) >= limit:
            break
    return bytes(received[:limit])


def _excerpt(content: bytes) -> str:
    # A multi-byte character cut at the limit becomes one replacement character.
    return content.decode("utf-8", errors="replace")


class Sender:
    """The HTTP side of deliveries: one connection pool, reused across attempts."""

    def __init__(
        self,
        *,
        production: bool,
        allowed_hosts: Iterable[str],
        timeout_seconds: float,
        resolver: Resolver | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._production = production
        self._allowed = frozenset(allowed_hosts)
        self._timeout = timeout_seconds
        self._pool = connection_pool(
            allowed_hosts=self._allowed,
            resolver=resolver or system_resolver,
            ssl_context=ssl_context,
        )

    async def send(
        self, url: str, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> AttemptResult:
        started = time.monotonic()
        status: int | None = None
        excerpt: str | None = None
        error: str | None = None
        try:
            # Settings may have changed since the URL was stored (production, the
            # allow-list): its form is checked again, its addresses at the connection.
            parse_url(url, production=self._production, allowed_hosts=self._allowed)
            # httpcore takes ASCII only: international names in IDNA, the path escaped.
            ascii_url = str(httpx.URL(url))
            timeouts = dict.fromkeys(("connect", "read", "write", "pool"), self._timeout)
            async with asyncio.timeout(self._timeout):
                async with self._pool.stream(
                    "POST",
                    ascii_url,
                    headers=headers,
                    content=body,
                    extensions={"timeout": timeouts},
                ) as response:
                    status = response.status
                    excerpt = _excerpt(await _read_at_most(response, MAX_EXCERPT_BYTES))
        except UrlRefused as exc:
            error = f"refused: {exc.message}"
        except TimeoutError:
            error = f"timed out after {self._timeout:g} s"
        except httpcore.TimeoutException as exc:
            error = f"timed out after {self._timeout:g} s ({type(exc).__name__})"
        except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        except (OSError, ValueError, httpx.InvalidURL) as exc:
            error = f"{type(exc).__name__}: {exc}"
        except Exception as exc:
            # Whatever a receiver does must not stop the worker: it is this attempt's
            # failure, on the record, and the schedule goes on.
            error = f"unexpected {type(exc).__name__}: {exc}"
        duration_ms = round((time.monotonic() - started) * 1000)
        if status is not None and error is not None:
            # The answer came, its body did not finish: the status still counts.
            error = None
        return AttemptResult(status, duration_ms, excerpt, error and error[:_MAX_ERROR])

    async def aclose(self) -> None:
        await self._pool.aclose()
