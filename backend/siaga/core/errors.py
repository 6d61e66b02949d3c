from __future__ import annotations

import errno
import socket
import sqlite3
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

from siaga.core.jsontypes import Payload

# Seconds a client is asked to wait before retrying while the database is away.
DATABASE_RETRY_AFTER = 5


class AppError(Exception):
    """A domain error with a stable code; rendered in the contract's error shape."""

    status_code = 400
    code = "bad_request"
    message = "Bad request"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status_code: int | None = None,
        details: list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.status_code = status_code or self.status_code
        self.details = details or []
        self.headers = headers
        super().__init__(self.message)


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    message = "Not found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    message = "Conflict with the current state"


class InvalidInput(AppError):
    status_code = 422
    code = "invalid_input"
    message = "Invalid input"


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"
    message = "The service is temporarily unavailable"


class RequestTooLarge(StarletteHTTPException):
    """A request body over its route's limit, raised while the body streams in.

    An HTTPException rather than an AppError because FastAPI re-raises HTTPExceptions
    from its body parsing as they are, while it turns any other error there into 400.
    """

    def __init__(self, limit: int) -> None:
        size = f"{limit // (1024 * 1024)} MB" if limit % (1024 * 1024) == 0 else f"{limit} B"
        if limit % (1024 * 1024) and limit % 1024 == 0:
            size = f"{limit // 1024} KB"
        super().__init__(
            413,
            f"Isi permintaan melebihi batas {size} (the request body is larger than the "
            f"{size} limit)",
        )
        self.limit = limit
        self.details = [{"limit_bytes": limit}]


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[Any] = []


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: list[Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or []}}
    return JSONResponse(body, status_code=status_code, headers=headers)


# Status codes of the contract mapped to codes for errors raised by the framework itself.
_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    428: "precondition_required",
    429: "rate_limited",
}


def _jsonable_errors(errors: Any) -> list[Payload]:
    # Pydantic puts the raw exception object in ctx for some errors; keep only text.
    out = []
    for err in errors:
        item = {
            "loc": [str(part) for part in err.get("loc", ())],
            "type": err.get("type"),
            "message": err.get("msg"),
        }
        # The text rule (siaga.core.text) names the character it refused, for clients
        # that point at it rather than show the message.
        code_point = (err.get("ctx") or {}).get("code_point")
        if isinstance(code_point, str):
            item["code_point"] = code_point
        out.append(item)
    return out


def client_disconnected(exc: BaseException) -> ClientDisconnect | None:
    """The ClientDisconnect behind `exc` (itself, or what it was raised from), if any."""
    # Only explicit causes (`raise ... from`), as FastAPI and Starlette wrap it: an error
    # merely raised while a disconnect was being handled (a failed cleanup) is our own.
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ClientDisconnect):
            return current
        current = current.__cause__
    return None


async def _app_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = _jsonable_errors(exc.errors())
    message = "The request is not valid"
    if len(details) == 1 and details[0]["type"] == "text_character":
        # The one thing wrong is a character the writer cannot see: say which, up front.
        message = details[0]["message"]
    return error_response(422, "invalid_input", message, details)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if (disconnect := client_disconnected(exc)) is not None:
        # FastAPI wraps a body read cut short by the client in a 400; nobody is left to
        # answer, and the access log records it as the client's abort (499).
        raise disconnect
    if exc.status_code == 400:
        # FastAPI's only own 400 is a body it cannot decode (bad encoding, broken
        # multipart): an invalid payload like any other, so answer as one.
        return error_response(422, "invalid_input", "The request body could not be parsed")
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405 and (allowed := _allowed_methods(_request)):
        headers = {**(headers or {}), "Allow": allowed}
    return error_response(
        exc.status_code,
        code,
        message,
        getattr(exc, "details", None),
        headers=headers,
    )


_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


def _allowed_methods(request: Request) -> str:
    """Every documented method of the path, for the 405's `Allow` header (RFC 9110).

    The router answers 405 from the first route whose path matches, so on a path served
    by several routes (GET and PUT of one answer) it would name only that route's. The
    router itself is asked, method by method, so path convertors (`{code:region}`) and
    nested routers count exactly as they do for a real request.
    """
    routes = [
        route
        for route in request.app.routes
        if not (isinstance(route, APIRoute) and not route.include_in_schema)
    ]
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]
    return ", ".join(allowed)


# Driver errors that mean the server is gone or refusing us, not that a query was
# wrong: lost connections, PostgreSQL shutting down or starting up (class 57P), too
# many connections.
_DRIVER_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TooManyConnectionsError,
)
_NETWORK_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EHOSTUNREACH,
        errno.EHOSTDOWN,
        errno.ENETUNREACH,
        errno.ENETDOWN,
        errno.ETIMEDOUT,
        errno.EPIPE,
    }
)
_DATABASE_MODULES = ("asyncpg", "sqlalchemy", "aiosqlite")


def _raised_by_database_layer(exc: BaseException) -> bool:
    # A refused socket is a database outage only if the database driver opened it;
    # the same error from object storage (boto3) is not.
    tb = exc.__traceback__
    while tb is not None:
        if str(tb.tb_frame.f_globals.get("__name__", "")).startswith(_DATABASE_MODULES):
            return True
        tb = tb.tb_next
    return False


def _is_network_error(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionError | TimeoutError | socket.gaierror):
        return True
    return isinstance(exc, OSError) and exc.errno in _NETWORK_ERRNOS


# SQLite reports a missing table as an OperationalError too; only these result codes
# (cannot open, busy, locked, I/O error, full, protocol) mean the file is unusable now.
_SQLITE_OUTAGE_CODES = frozenset({5, 6, 10, 13, 14, 15})


def _operational_outage(orig: BaseException | None) -> bool:
    if isinstance(orig, sqlite3.Error) or hasattr(orig, "sqlite_errorcode"):
        code = getattr(orig, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _SQLITE_OUTAGE_CODES
    return True


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) is the database being unreachable.

    Only connection-level failures count; other database errors are bugs and must
    surface as 500 so they get fixed rather than hidden.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError) and (
            current.connection_invalidated
            or isinstance(current, InterfaceError)
            or (isinstance(current, OperationalError) and _operational_outage(current.orig))
        ):
            return True
        if isinstance(current, (PoolTimeoutError, *_DRIVER_CONNECTION_ERRORS)):
            return True
        if _is_network_error(current) and _raised_by_database_layer(current):
            return True
        current = current.__cause__ or current.__context__
    return False


# PostgreSQL text cannot hold a NUL character (SQLSTATE 22021) nor one its encoding lacks
# (22P05). A request carrying one in any field, path or query is bad input wherever the
# value ends up, so it gets a 422 instead of a 500 (SQLite stores such text as is).
_UNSTORABLE_TEXT = (
    asyncpg.exceptions.CharacterNotInRepertoireError,
    asyncpg.exceptions.UntranslatableCharacterError,
)


def _is_unstorable_text(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _UNSTORABLE_TEXT):
            return True
        current = current.__cause__ or current.__context__
    return False


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    if not is_database_unavailable(exc):
        if _is_unstorable_text(exc):
            message = (
                "Teks berisi karakter yang tidak dapat disimpan, misalnya NUL "
                "(the text contains a character that cannot be stored, such as NUL)"
            )
            return error_response(422, "invalid_input", message, [{"message": message}])
        raise exc
    # Read by the access log middleware to count outages apart from other 503s.
    request.state.database_unavailable = True
    return error_response(
        503,
        "database_unavailable",
        "Basis data tidak dapat dihubungi; coba lagi sebentar lagi "
        "(the database is not reachable; try again shortly)",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # Each handler re-raises what is not an outage, which then becomes a 500.
    for error in (DBAPIError, PoolTimeoutError, OSError, *_DRIVER_CONNECTION_ERRORS):
        app.add_exception_handler(error, _database_unavailable)


def responses(*codes: int) -> dict[int | str, Payload]:
    """The `responses=` entry of a route: each listed status documented with the error shape.

    422 is always included: FastAPI would otherwise document its own validation body,
    which this application never sends.
    """
    return {code: {"model": ErrorResponse} for code in sorted({*codes, 422})}
