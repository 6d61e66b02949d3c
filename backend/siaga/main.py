from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

from siaga import __version__
from siaga.api import API_PREFIX, api_router
from siaga.core.database import create_engine, create_sessionmaker
from siaga.core.errors import install_error_handlers
from siaga.core.headers import SecurityHeadersMiddleware, install_docs
from siaga.core.logging import configure_logging
from siaga.core.middleware import AccessLogMiddleware, BodyLimitMiddleware, RequestIdMiddleware
from siaga.core.settings import Settings, get_settings
from siaga.core.spa import mount_spa
from siaga.evidence.service import clean_staging
from siaga.health.router import metrics as metrics_route


def _operation_id(route: APIRoute) -> str:
    # Stable ids `{tag}-{name}` are what the generated SPA client calls.
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await clean_staging(settings)
        yield
        await app.state.engine.dispose()

    app = FastAPI(
        title="Siaga API",
        version=__version__,
        summary="Kesiapan pemerintah daerah mendukung Pemilu: "
        "regional government readiness to support elections.",
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

    if settings.env != "test":
        # Tests keep pytest's own log capture; `siaga serve` also hands this to uvicorn.
        configure_logging(settings)
    install_error_handlers(app)
    # Added innermost first: request id, then security headers, then the access log
    # wrap everything else, so even a refused body or a 500 carries all three.
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
    mount_spa(app, settings.frontend_dist, API_PREFIX)
    return app
