"""The score responses' ETags: a weak validator per (caller, request, data revision),
computed before the body so that a poller's 304 costs one small query."""

from __future__ import annotations

import hashlib

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import Principal
from siaga.scoring import etag_repository
from siaga.scoring.schemas import View


async def _etag(
    session: AsyncSession,
    principal: Principal,
    params: tuple[str | None, ...],
    *,
    period_code: str | None,
    with_previous: bool = False,
    region_code: str | None = None,
) -> str:
    """A validator that changes whenever anything the response depends on changes.

    Computed before anything else, in one statement over the change counters
    (ScoreRevision), so a poller's 304 costs almost nothing. The caller and its scope are
    part of it: two callers never share a body, and a code outside the caller's scope or
    unknown still gets its 404 (no client holds an ETag for a response it never got).
    """
    revision = await etag_repository.signature(
        session, period_code=period_code, with_previous=with_previous, region_code=region_code
    )
    raw = repr((principal.kind, principal.id, principal.region_code, params, revision))
    return f'W/"{hashlib.sha256(raw.encode()).hexdigest()[:32]}"'


async def table_etag(
    session: AsyncSession,
    principal: Principal,
    *,
    period_code: str,
    region_code: str | None,
    view: View,
) -> str:
    # The table also shows R of the previous period.
    return await _etag(
        session,
        principal,
        ("table", period_code, region_code, view),
        period_code=period_code,
        with_previous=True,
    )


async def explain_etag(
    session: AsyncSession,
    principal: Principal,
    *,
    region_code: str,
    period_code: str,
    view: View,
) -> str:
    return await _etag(
        session,
        principal,
        ("explain", region_code, period_code, view),
        period_code=period_code,
        region_code=region_code,
    )


async def trend_etag(
    session: AsyncSession, principal: Principal, *, region_code: str, view: View
) -> str:
    # Opening a period changes which periods the trend shows: the reference counter.
    return await _etag(
        session, principal, ("trend", region_code, view), period_code=None, region_code=region_code
    )
