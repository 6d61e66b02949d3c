from __future__ import annotations

import logging
import re
import time
import uuid
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from siaga.core import metrics
from siaga.core.errors import RequestTooLarge, client_disconnected, error_response
from siaga.core.logging import ACCESS_LOGGER, REQUEST_ID
from siaga.core.settings import Settings
from siaga.core.text import find_control
from siaga.core.types import utcnow
from siaga.core.uploads import ENVELOPE_ALLOWANCE, MIB

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Logged paths are cut here: a path is the caller's text and could be made huge.
_MAX_LOGGED_PATH = 300
# Default of the imports limit until the imports module's setting exists everywhere.
_DEFAULT_IMPORT_MAX_MB = 50
# nginx's status for a request the client closed before it was answered; never sent (the
# client is gone), only logged and counted, apart from both client and server errors.
CLIENT_CLOSED_REQUEST = 499


class RequestIdMiddleware:
    """Give every request an id (the caller's X-Request-ID if sane) and echo it back.

    The id is also put in a context variable, so every log line written while the
    request is handled carries it (siaga.core.logging). Pure ASGI rather than
    BaseHTTPMiddleware so streaming responses are not buffered.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        # When the request arrived, before it waited for the event loop or a connection:
        # a row created after this moment was made by a concurrent request, which tells a
        # lost race apart from a client that forgot If-Match (siaga.submissions).
        state["received_at"] = utcnow()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        token = REQUEST_ID.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)


def route_template(scope: Scope, api_prefix: str) -> str:
    """The matched route's template, e.g. /api/v1/regions/{code}: a bounded label."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if route is None and "endpoint" in scope and scope.get("root_path"):
        # A mounted app (the SPA's /assets): its mount point is fixed, the rest is not.
        template = scope["root_path"] + "/{path}"
    if not isinstance(template, str) or not template:
        return metrics.UNMATCHED_ROUTE
    # Newer FastAPI keeps included routers nested: their routes' templates then lack
    # the prefix they were included under.
    if scope["path"].startswith(api_prefix + "/") and not template.startswith(api_prefix):
        template = api_prefix + template
    return template


@dataclass(slots=True)
class _Sent:
    """What the application has answered so far, seen by the access log."""

    status: int | None = None
    bytes: int = 0


class AccessLogMiddleware:
    """One log line and the request metrics per request; unhandled errors in error shape.

    Replaces uvicorn's access log, which knows neither the request id, the route nor
    the user. An exception nobody handled is answered here with a 500 in the error
    shape (so it still passes the request-id and security-header middlewares) and
    then re-raised for the server to log it. A client that hung up mid-request (an
    aborted upload) is no error of ours: it is recorded as 499, without a traceback.
    """

    def __init__(self, app: ASGIApp, api_prefix: str) -> None:
        self.app = app
        self.api_prefix = api_prefix
        self.logger = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        sent = _Sent()

        async def observing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent.status = message["status"]
            elif message["type"] == "http.response.body":
                sent.bytes += len(message.get("body", b""))
            await send(message)

        error: BaseException | None = None
        try:
            await self.app(scope, receive, observing_send)
        except Exception as exc:
            if client_disconnected(exc) is not None:
                # Nobody is left to answer; the server must not log it as a crash either.
                sent.status = CLIENT_CLOSED_REQUEST
                return
            error = exc
            if sent.status is None:
                response = error_response(
                    500, "internal_error", "Kesalahan internal (internal server error)"
                )
                await response(scope, receive, observing_send)
            raise
        finally:
            self._observe(scope, sent, time.perf_counter() - start, error)

    def _observe(
        self, scope: Scope, sent: _Sent, seconds: float, error: BaseException | None
    ) -> None:
        status = sent.status or 500
        route = route_template(scope, self.api_prefix)
        try:
            metrics.observe_request(scope["method"], route, status, seconds)
            if status == 503 and scope.get("state", {}).get("database_unavailable"):
                metrics.DATABASE_UNAVAILABLE.inc()
        except Exception:
            # Metrics are for watching the service; they must never fail a request
            # (e.g. the multiprocess directory removed under a running server).
            self.logger.warning("recording request metrics failed", exc_info=True)
        client = scope.get("client")
        extra = {
            "method": scope["method"],
            "path": scope["path"][:_MAX_LOGGED_PATH],
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "bytes_sent": sent.bytes,
            "user_id": scope.get("state", {}).get("user_id"),
            "client": client[0] if client else None,
        }
        level = logging.ERROR if status >= 500 else logging.INFO
        message = f"{scope['method']} {extra['path']} {status}"
        self.logger.log(level, message, extra=extra, exc_info=error)


class RequestTargetMiddleware:
    """Refuse a path or query string that is not text, the same way on every route: 422.

    A value with a control character (a NUL) or bytes that are not UTF-8 would otherwise
    get whatever its route makes of it: a 404 from a lookup, a 200 from a search that
    SQLite cuts at the NUL, a 422 from PostgreSQL that cannot hold it. Checked before
    routing, so every route, documented or not, answers alike. (A raw control byte in
    the request line never gets here: the HTTP server refuses it with 400 first.)
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = _target_problem(scope)
        if problem is None:
            await self.app(scope, receive, send)
            return
        loc, message = problem
        detail = {"loc": loc, "type": "invalid_text", "message": message}
        response = error_response(422, "invalid_input", message, [detail])
        await response(scope, receive, send)


def _text_problem(raw: bytes) -> tuple[str, str] | None:
    """What makes one percent-encoded component not text, in (Indonesian, English)."""
    try:
        text = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return "bukan teks UTF-8", "is not UTF-8 text"
    refusal = find_control(text)
    if refusal is None:
        return None
    point = f"{refusal.code_point} ({refusal.name})"
    return (
        f"berisi {refusal.label_id} {point}",
        f"contains the {refusal.label_en} {point}",
    )


def _target_problem(scope: Scope) -> tuple[list[str], str] | None:
    """(loc, message) of the first part of the path or query that is not text."""
    raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    if (problem := _text_problem(raw_path)) is not None:
        return ["path"], f"Alamat {problem[0]} (the path {problem[1]})"
    query: bytes = scope.get("query_string", b"")
    for pair in query.split(b"&") if query else ():
        raw_name, _, raw_value = pair.replace(b"+", b" ").partition(b"=")
        if (problem := _text_problem(raw_name)) is not None:
            return ["query"], (
                f"Nama parameter kueri {problem[0]} (a query parameter name {problem[1]})"
            )
        if (problem := _text_problem(raw_value)) is not None:
            name = unquote_to_bytes(raw_name).decode("utf-8")
            return ["query", name], (
                f"Parameter kueri {name!r} {problem[0]} (the query parameter {name!r} {problem[1]})"
            )
    return None


class BodyLimitMiddleware:
    """Refuse request bodies over their route's limit before the application reads them.

    A declared Content-Length over the limit is answered 413 without reading a byte;
    a chunked body is counted as it streams and the read fails with 413 once over.
    Uploads get their own (larger) limits by path; the upload code checks the file
    itself again, this is the outer guard for every route. Limits are read from the
    settings on each request so they can be changed on a running app (tests do).
    """

    def __init__(self, app: ASGIApp, settings: Settings, api_prefix: str) -> None:
        self.app = app
        self.settings = settings
        self.api_prefix = api_prefix

    def _limit(self, path: str) -> tuple[int, int]:
        """(bytes allowed in the body, limit reported to the client)."""
        prefix = self.api_prefix
        if path.startswith(prefix + "/imports"):
            mb = int(getattr(self.settings, "import_max_mb", _DEFAULT_IMPORT_MAX_MB))
            return mb * MIB + ENVELOPE_ALLOWANCE, mb * MIB
        evidence = path.startswith(prefix + "/submissions/") and path.endswith("/evidence")
        if (
            evidence
            or path.startswith(prefix + "/evidence")
            or path.startswith(prefix + "/regions/boundaries")
        ):
            limit = self.settings.max_upload_mb * MIB
            return limit + ENVELOPE_ALLOWANCE, limit
        limit = self.settings.max_body_kb * 1024
        return limit, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allowed, reported = self._limit(scope["path"])
        declared = _content_length(scope)
        if declared == -1:
            response = error_response(
                422, "invalid_input", "Content-Length tidak sah (invalid Content-Length)"
            )
            await response(scope, receive, send)
            return
        if declared is not None and declared > allowed:
            await _too_large(reported)(scope, receive, send)
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > allowed:
                    raise RequestTooLarge(reported)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except RequestTooLarge as exc:
            # Raised inside a read the application did not turn into a response itself.
            if started:
                raise
            await _too_large(exc.limit)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    """The declared body length; None when absent (chunked), -1 when malformed."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() and len(text) <= 18 else -1
    return None


def _too_large(limit: int) -> JSONResponse:
    exc = RequestTooLarge(limit)
    return error_response(413, "too_large", str(exc.detail), exc.details)
