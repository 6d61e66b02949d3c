from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from siaga import __version__
from siaga.api import API_PREFIX, api_router
from siaga.audit.service import RefusalThrottle
from siaga.channels import default_channels
from siaga.core.database import create_engine, create_sessionmaker
from siaga.core.errors import install_error_handlers
from siaga.core.headers import SecurityHeadersMiddleware, install_docs
from siaga.core.logging import configure_logging
from siaga.core.middleware import (
    AccessLogMiddleware,
    BodyLimitMiddleware,
    RequestIdMiddleware,
    RequestTargetMiddleware,
)
from siaga.core.passwords import PasswordChecker
from siaga.core.security import dummy_password_hash
from siaga.core.settings import Settings, get_settings
from siaga.core.spa import mount_spa
from siaga.core.spool import Spool
from siaga.events.openapi import add_webhooks
from siaga.events.worker import Worker, WorkerConfig
from siaga.evidence.service import clean_staging
from siaga.health.router import metrics as metrics_route
from siaga.mail.channel import log_status as log_mail_status


def _operation_id(route: APIRoute) -> str:
    # Stable ids `{tag}-{name}` are what the generated SPA client calls.
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


# How long shutdown waits for the worker's pass under way before cancelling it.
WORKER_STOP_SECONDS = 20


def _start_worker(app: FastAPI, settings: Settings) -> tuple[Worker, asyncio.Task[None]] | None:
    """The outbox worker inside this server process, unless SIAGA_WORKER=external: so
    that `make run` delivers notifications with nothing else to start."""
    if settings.worker != "internal":
        return None
    worker = Worker(
        app.state.sessionmaker,
        channels=default_channels(settings),
        config=WorkerConfig.from_settings(settings),
    )
    return worker, asyncio.create_task(worker.run())


async def _stop_worker(worker: Worker, task: asyncio.Task[None]) -> None:
    worker.stop()
    # Past the wait, wait_for cancels the pass: its lease runs out and another retakes it.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(task, WORKER_STOP_SECONDS)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await clean_staging(settings)
        # Made once, off the event loop, before the first sign-in of an unknown user.
        await run_in_threadpool(dummy_password_hash)
        log_mail_status(settings)
        flusher = asyncio.create_task(app.state.spool.run(app.state.sessionmaker))
        worker = _start_worker(app, settings)
        try:
            yield
        finally:
            if worker is not None:
                await _stop_worker(*worker)
            flusher.cancel()
            await app.state.spool.flush(app.state.sessionmaker)
            app.state.password_checker.close()
            await app.state.engine.dispose()

    app = FastAPI(
        title="Siaga API",
        version=__version__,
        summary="Kesiapan pemerintah daerah mendukung Pemilu: "
        "regional government readiness to support elections.",
        # What every route does alike, so no route repeats it (siaga.core.middleware).
        description="Path and query values must be UTF-8 text without control characters "
        "(U+0000-U+001F, U+007F-U+009F) or noncharacters (U+FFFE, U+FFFF): any other value "
        "is refused with 422 `invalid_input` on every route. A raw control byte in the "
        "request line is refused with 400 by the HTTP server itself, before the API sees it. "
        "Names and free texts in bodies follow the `pattern` of their field, and are stored "
        "in Unicode NFC.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        # Served by install_docs, under a Content-Security-Policy that lets it load.
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=_operation_id,
        lifespan=lifespan,
    )
    app.state.settings = settings
    # Created here, not in lifespan, so tests and tools that skip lifespan still work.
    app.state.engine = create_engine(settings.database_url, echo=settings.sql_echo)
    app.state.sessionmaker = create_sessionmaker(app.state.engine)
    app.state.password_checker = PasswordChecker(settings.password_check_concurrency)
    app.state.refusal_throttle = RefusalThrottle(settings.audit_refusals_per_minute)
    # Audit records of refusals that the database could not take (an outage).
    app.state.spool = Spool()

    if settings.env != "test":
        # Tests keep pytest's own log capture; `siaga serve` also hands this to uvicorn.
        configure_logging(settings)
    install_error_handlers(app)
    # Added innermost first: request id, then security headers, then the access log
    # wrap everything else, so even a refused body or a 500 carries all three.
    app.add_middleware(RequestTargetMiddleware)
    app.add_middleware(BodyLimitMiddleware, settings=settings, api_prefix=API_PREFIX)
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "X-CSRF-Token",
                "X-Request-ID",
            ],
            expose_headers=["ETag", "Location", "Retry-After", "X-Request-ID"],
            max_age=600,
        )
    app.add_middleware(AccessLogMiddleware, api_prefix=API_PREFIX)
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
    app.add_middleware(RequestIdMiddleware)
    install_docs(app, f"{API_PREFIX}/docs", f"{API_PREFIX}/openapi.json")
    # Prometheus' conventional path, outside the API; the same handler as /api/v1/metrics.
    app.add_api_route("/metrics", metrics_route, methods=["GET"], include_in_schema=False)
    app.include_router(api_router, prefix=API_PREFIX)
    add_webhooks(app.webhooks)
    mount_spa(app, settings.frontend_dist, API_PREFIX)
    return app
