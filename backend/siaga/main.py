from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from siaga import __version__
from siaga.api import API_PREFIX, api_router
from siaga.core.database import create_engine, create_sessionmaker
from siaga.core.errors import install_error_handlers
from siaga.core.middleware import RequestIdMiddleware
from siaga.core.settings import Settings, get_settings
from siaga.core.spa import mount_spa


def _operation_id(route: APIRoute) -> str:
    # Stable ids `{tag}-{name}` are what the generated SPA client calls.
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await app.state.engine.dispose()

    app = FastAPI(
        title="Siaga API",
        version=__version__,
        summary="Kesiapan pemerintah daerah mendukung Pemilu: "
        "regional government readiness to support elections.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        generate_unique_id_function=_operation_id,
        lifespan=lifespan,
    )
    app.state.settings = settings
    # Created here, not in lifespan, so tests and tools that skip lifespan still work.
    app.state.engine = create_engine(settings.database_url, echo=settings.sql_echo)
    app.state.sessionmaker = create_sessionmaker(app.state.engine)

    install_error_handlers(app)
    app.add_middleware(RequestIdMiddleware)
    app.include_router(api_router, prefix=API_PREFIX)
    mount_spa(app, settings.frontend_dist, API_PREFIX)
    return app
