"""Log lines that can be joined to requests: the request id on every line, JSON in production.

The request id lives in a context variable set by the request-id middleware, so a log
call anywhere below a request (services, repositories, libraries) carries it without
being passed it. uvicorn's own loggers go through the same handler; its access log is
replaced by ours (siaga.access), which also knows the route, the user and the duration.
"""

from __future__ import annotations

import json
import logging
import logging.config
from contextvars import ContextVar
from datetime import UTC, datetime

from siaga.core.jsontypes import Payload
from siaga.core.settings import Settings

REQUEST_ID: ContextVar[str | None] = ContextVar("siaga_request_id", default=None)

ACCESS_LOGGER = "siaga.access"

# Attributes our log calls pass with `extra=`; written out when present.
_FIELDS = (
    "request_id",
    "method",
    "path",
    "route",
    "status",
    "duration_ms",
    "user_id",
    "client",
    "bytes_sent",
)


class RequestIdFilter(logging.Filter):
    """Stamp the current request's id on each record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, so log shippers need no parsing rules."""

    def format(self, record: logging.LogRecord) -> str:
        line: Payload = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            line["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Readable lines for a developer's terminal, with the same fields appended."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = None
        text = super().format(record)
        extra = " ".join(
            f"{name}={getattr(record, name)}"
            for name in _FIELDS[1:]
            if getattr(record, name, None) is not None
        )
        return f"{text} {extra}" if extra else text


def log_config(settings: Settings) -> Payload:
    """A logging.config.dictConfig dictionary; also given to uvicorn as its log_config."""
    level = settings.log_level.upper()
    formatter = "json" if settings.json_logs else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            "json": {"()": JsonFormatter},
            "text": {"()": TextFormatter},
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": formatter,
                "filters": ["request_id"],
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            # Replaced by siaga.access; kept quiet in case uvicorn is started with it on.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["default"], "level": level},
    }


def configure_logging(settings: Settings) -> None:
    logging.config.dictConfig(log_config(settings))
