"""Prometheus metrics: requests, latencies, errors, database outages, imports and uploads.

Several uvicorn workers are several processes, each with its own counters; when
PROMETHEUS_MULTIPROC_DIR is set (an empty directory, wiped before the server starts),
prometheus_client keeps the values in files there and a scrape of any worker adds
up all of them. Without it, each scrape sees only the worker that answered.

Labels are bounded on purpose: routes are templates (`/api/v1/regions/{code}`), never
raw paths, and unknown methods are folded into OTHER, so hostile traffic cannot create
an unbounded number of series.
"""

from __future__ import annotations

import atexit
import hmac
import ipaddress
import logging
import os
import shutil
import tempfile
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response

from siaga.core.errors import AppError
from siaga.core.settings import Settings

_logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "<unmatched>"
# What exposition() answers; documented in the OpenAPI description of the route.
CONTENT_TYPE = CONTENT_TYPE_LATEST.split(";")[0]

REQUESTS = Counter(
    "siaga_http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "siaga_http_request_duration_seconds",
    "Time from receiving a request to the end of its response, by route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 30.0),
)
SERVER_ERRORS = Counter(
    "siaga_http_server_errors_total",
    "Responses with a 5xx status (including unhandled exceptions), by route template.",
    ["method", "route", "status"],
)
DATABASE_UNAVAILABLE = Counter(
    "siaga_database_unavailable_total",
    "Requests answered 503 because the database could not be reached.",
)
IMPORTS = Counter(
    "siaga_imports_total",
    "Imports run, by kind (answers, regions, ...) and outcome (applied, dry_run, rejected).",
    ["kind", "outcome"],
)
IMPORT_ROWS = Histogram(
    "siaga_import_rows",
    "Rows in each import file, by kind.",
    ["kind"],
    buckets=(1, 10, 100, 1_000, 10_000, 100_000, 1_000_000),
)
UPLOADS = Counter(
    "siaga_evidence_uploads_total",
    "Evidence files stored.",
)
UPLOAD_BYTES = Counter(
    "siaga_evidence_upload_bytes_total",
    "Bytes of evidence files stored.",
)


def method_label(method: str) -> str:
    return method if method in _METHODS else "OTHER"


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    method = method_label(method)
    REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    LATENCY.labels(method=method, route=route).observe(seconds)
    if status >= 500:
        SERVER_ERRORS.labels(method=method, route=route, status=str(status)).inc()


def record_upload(size: int) -> None:
    """Count one stored evidence file (called by the evidence service)."""
    try:
        UPLOADS.inc()
        UPLOAD_BYTES.inc(size)
    except Exception:  # metrics must never fail the upload they describe
        _logger.warning("recording upload metrics failed", exc_info=True)


def record_import(kind: str, outcome: str, rows: int) -> None:
    """Count one import of `rows` rows; outcome e.g. applied, dry_run, rejected."""
    try:
        IMPORTS.labels(kind=kind, outcome=outcome).inc()
        IMPORT_ROWS.labels(kind=kind).observe(rows)
    except Exception:  # metrics must never fail the import they describe
        _logger.warning("recording import metrics failed", exc_info=True)


class MetricsForbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = (
        "Metrik hanya untuk pemantauan internal (metrics are for internal monitoring: "
        "scrape from this host or send SIAGA_METRICS_TOKEN)"
    )


class MetricsUnauthenticated(AppError):
    status_code = 401
    code = "not_authenticated"
    message = "Token metrik salah atau tidak ada (missing or wrong metrics token)"

    def __init__(self) -> None:
        super().__init__(headers={"WWW-Authenticate": "Bearer"})


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_scrape_allowed(request: Request, settings: Settings) -> None:
    """With a token configured, require it from everyone; without one, only loopback.

    Secure by default: a deployment that forgot the token exposes nothing to the
    network, while a Prometheus or an exporter on the same host works unconfigured.
    """
    if settings.metrics_token is not None:
        expected = settings.metrics_token.get_secret_value().encode()
        sent = request.headers.get("authorization", "")
        scheme, _, token = sent.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
            raise MetricsUnauthenticated()
        return
    # A proxied request is never a local scraper, whatever address the proxy headers
    # claim: with forwarded_allow_ips="*" uvicorn believes the leftmost, client-written
    # X-Forwarded-For entry, which could say 127.0.0.1.
    proxied = "x-forwarded-for" in request.headers or "forwarded" in request.headers
    if proxied or not _is_loopback(request.client.host if request.client else None):
        raise MetricsForbidden()


def prepare_multiprocess_dir(workers: int) -> None:
    """Before the server starts: give several workers one shared, empty metrics directory.

    Must run before the workers (and this module in them) start, since prometheus_client
    chooses its storage when it is imported. An operator's directory is emptied, as
    prometheus_client requires; without one, a private temporary directory is used.
    """
    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        if workers <= 1:
            return
        directory = tempfile.mkdtemp(prefix="siaga-metrics-")
        os.environ[MULTIPROC_ENV] = directory
        # The server's parent process outlives its workers; it removes what it made.
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()


def exposition() -> Response:
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
