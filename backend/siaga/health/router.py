from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy import text

from siaga.core import metrics as prometheus
from siaga.core.errors import ServiceUnavailable, responses

router = APIRouter(tags=["health"])


class HealthRead(BaseModel):
    status: Literal["ok"]


class ReadinessRead(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]


@router.get("/healthz", name="live", response_model=HealthRead)
async def healthz() -> HealthRead:
    """Liveness: the process answers; says nothing about its dependencies."""
    return HealthRead(status="ok")


@router.get("/readyz", name="ready", response_model=ReadinessRead, responses=responses(503))
async def readyz(request: Request) -> ReadinessRead:
    """Readiness: the database answers a query, so this replica can take traffic."""
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means not ready
        raise ServiceUnavailable(
            "Basis data tidak dapat dihubungi (database not reachable)",
            code="database_unavailable",
        ) from exc
    return ReadinessRead(status="ok", database="ok")


@router.get(
    "/metrics",
    name="metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text exposition format",
            "content": {prometheus.CONTENT_TYPE: {"schema": {"type": "string"}}},
        },
        **responses(401, 403),
    },
)
async def metrics(request: Request) -> Response:
    """Prometheus metrics: from loopback, or from anywhere with SIAGA_METRICS_TOKEN."""
    prometheus.check_scrape_allowed(request, request.app.state.settings)
    return prometheus.exposition()
