from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel

from siaga.auth.dependencies import Reader
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.params import RegionCodeQuery
from siaga.scoring import etags, service
from siaga.scoring.schemas import ScoreExplanation, ScoreTable, ScoreTrend, View

router = APIRouter(prefix="/scores", tags=["scores"])

ViewQuery = Annotated[View, Query(description="official: verified answers only")]
RegionPath = Annotated[str, Path(max_length=20)]
PeriodPath = Annotated[str, Path(max_length=20)]
# A fragment of the OpenAPI document (JSON), as FastAPI's `responses=` takes it.
_RESPONSES: dict[int | str, dict[str, Any]] = {
    **responses(401, 403, 404),
    304: {"description": "Not modified since the ETag sent in If-None-Match"},
}


async def _conditional(
    request: Request,
    etag: str,
    build: Callable[[], Awaitable[BaseModel]],
) -> Response:
    """Answer 304 when the caller already has this version; otherwise the body with its ETag."""
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    sent = request.headers.get("if-none-match", "")
    if etag in {tag.strip() for tag in sent.split(",")}:
        return Response(status_code=304, headers=headers)
    body = await build()
    # Serialised by pydantic-core in one pass: the national table is ~250 KB.
    return Response(body.model_dump_json(), media_type="application/json", headers=headers)


@router.get("", name="table", response_model=ScoreTable, responses=_RESPONSES)
async def score_table(
    request: Request,
    session: DbSession,
    principal: Reader,
    period: Annotated[str, Query(max_length=20)],
    region: RegionCodeQuery = None,
    view: ViewQuery = "official",
) -> Response:
    """Every Pemda in the region's subtree with readiness, category and rank, plus a summary."""
    etag = await etags.table_etag(
        session, principal, period_code=period, region_code=region, view=view
    )
    return await _conditional(
        request,
        etag,
        lambda: service.score_table(
            session, principal, period_code=period, region_code=region, view=view
        ),
    )


@router.get("/{region}/trend", name="trend", response_model=ScoreTrend, responses=_RESPONSES)
async def score_trend(
    request: Request,
    session: DbSession,
    principal: Reader,
    region: RegionPath,
    view: ViewQuery = "official",
) -> Response:
    """Readiness and dimension scores of one Pemda in every period that has started."""
    etag = await etags.trend_etag(session, principal, region_code=region, view=view)
    return await _conditional(
        request, etag, lambda: service.trend(session, principal, region_code=region, view=view)
    )


@router.get(
    "/{region}/{period}", name="explain", response_model=ScoreExplanation, responses=_RESPONSES
)
async def score_explanation(
    request: Request,
    session: DbSession,
    principal: Reader,
    region: RegionPath,
    period: PeriodPath,
    view: ViewQuery = "official",
) -> Response:
    """Why a Pemda scores what it scores: dimensions, indicators, answers, agency progress."""
    etag = await etags.explain_etag(
        session, principal, region_code=region, period_code=period, view=view
    )
    return await _conditional(
        request,
        etag,
        lambda: service.explain(
            session, principal, region_code=region, period_code=period, view=view
        ),
    )
