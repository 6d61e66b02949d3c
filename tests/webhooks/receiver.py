"""A webhook receiver for tests and the benchmark: a real HTTP/1.1 server on 127.0.0.1
that checks each delivery's signature with `standardwebhooks`, as a receiver in another
system would, and answers as the test tells it (a status, a large body, or no answer).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

HANG = -1  # a status that means: read the request and never answer


@dataclass
class Received:
    msg_id: str
    timestamp: str
    signature: str
    body: bytes
    headers: dict[str, str]
    # Which of the receiver's secrets verify this delivery (by position).
    verified_by: list[int]
    status: int | None = None  # what the receiver answered; None while it has not
    at: float = field(default_factory=time.monotonic)

    @property
    def verified(self) -> bool:
        return bool(self.verified_by)

    @property
    def json(self) -> Any:
        return json.loads(self.body)


# (status, body) or (status, body, extra headers)
Reply = tuple[int, bytes] | tuple[int, bytes, dict[str, str]]
Responder = Callable[[Received], Reply | Awaitable[Reply]]


def _ok(_: Received) -> Reply:
    return 200, b"ok"


class Receiver:
    def __init__(self, secrets: Sequence[str] = (), *, port: int = 0, verify: bool = True) -> None:
        self.secrets = list(secrets)
        self.port = port
        self.verify = verify
        self.received: list[Received] = []
        self.respond: Responder = _ok
        self.requests = 0
        self.connections = 0
        # Attempts of one message under way at the same moment (never above 1).
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight = 0
        self.arrived = asyncio.Event()
        self._stopping = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def ids(self, status: int | None = 200) -> list[str]:
        """The webhook-ids received, in arrival order; by default those answered 200."""
        return [r.msg_id for r in self.received if status is None or r.status == status]

    async def start(self) -> Receiver:
        self._server = await asyncio.start_server(
            self._connection, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Stop listening and drop every open connection: the receiver is down."""
        self._stopping.set()  # requests left hanging end now, unanswered
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        self._stopping = asyncio.Event()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        self._writers.add(writer)
        self.connections += 1
        try:
            while await self._one_request(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, RuntimeError):
            pass
        finally:
            self._writers.discard(writer)
            self._tasks.discard(task)  # type: ignore[arg-type]
            writer.close()

    async def _one_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        line = await reader.readline()
        if not line:
            return False
        headers: dict[str, str] = {}
        while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = header.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.requests += 1
        received = Received(
            msg_id=headers.get("webhook-id", ""),
            timestamp=headers.get("webhook-timestamp", ""),
            signature=headers.get("webhook-signature", ""),
            body=body,
            headers=headers,
            verified_by=self._verified_by(body, headers),
        )
        self.received.append(received)
        self.in_flight[received.msg_id] += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight[received.msg_id])
        self.arrived.set()
        extra: dict[str, str] = {}
        try:
            if self.verify and self.secrets and not received.verified:
                reply: Reply = (400, b"bad signature")
            else:
                answer = self.respond(received)
                reply = await answer if isinstance(answer, Awaitable) else answer
            status, content = reply[0], reply[1]
            if len(reply) == 3:
                extra = reply[2]
            if status == HANG:
                await self._stopping.wait()
                return False
            received.status = status
        finally:
            self.in_flight[received.msg_id] -= 1
        head = "".join(f"{name}: {value}\r\n" for name, value in extra.items())
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Length: {len(content)}\r\n"
            f"Content-Type: text/plain\r\n{head}\r\n".encode()
            + content
        )
        await writer.drain()
        return True

    def _verified_by(self, body: bytes, headers: dict[str, str]) -> list[int]:
        found = []
        for i, secret in enumerate(self.secrets):
            try:
                Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
            found.append(i)
        return found
