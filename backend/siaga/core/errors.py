from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException


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


def _jsonable_errors(errors: Any) -> list[dict[str, Any]]:
    # Pydantic puts the raw exception object in ctx for some errors; keep only text.
    out = []
    for err in errors:
        item = {
            "loc": [str(part) for part in err.get("loc", ())],
            "type": err.get("type"),
            "message": err.get("msg"),
        }
        out.append(item)
    return out


async def _app_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(
        422, "invalid_input", "The request is not valid", _jsonable_errors(exc.errors())
    )


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        # FastAPI's only own 400 is a body it cannot decode (bad encoding, broken
        # multipart): an invalid payload like any other, so answer as one.
        return error_response(422, "invalid_input", "The request body could not be parsed")
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


async def _database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    # Only connection-level failures are a 503; other database errors are bugs and
    # must surface as 500 so they get fixed rather than hidden.
    if (isinstance(exc, DBAPIError) and exc.connection_invalidated) or isinstance(
        exc, OperationalError
    ):
        return error_response(
            503,
            "database_unavailable",
            "The database is not reachable; try again shortly",
            headers={"Retry-After": "5"},
        )
    raise exc


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_unavailable)


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry of a route: each listed status documented with the error shape.

    422 is always included: FastAPI would otherwise document its own validation body,
    which this application never sends.
    """
    return {code: {"model": ErrorResponse} for code in sorted({*codes, 422})}
