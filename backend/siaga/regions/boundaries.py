"""Region outlines for the dashboard's choropleth map: a GeoJSON FeatureCollection is
validated whole, simplified when large (geojson, simplify), and loaded all or nothing, one
outline per region.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Mapping

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from siaga.audit.service import Actor, record
from siaga.core.errors import InvalidInput
from siaga.core.jsontypes import JsonObject
from siaga.core.security import in_subtree
from siaga.core.types import utcnow
from siaga.core.uploads import TooLarge, check_declared_length
from siaga.models import RegionLevel
from siaga.regions import repository
from siaga.regions.geojson import DEFAULT_TOLERANCE, SIMPLIFY_ABOVE, FeatureError, prepare
from siaga.regions.repository import Outline
from siaga.regions.schemas import BoundaryImportRead

# A broken file could produce one error per point; the first ones tell the story.
MAX_ERRORS = 100
_MAX_CODE_LENGTH = 20

# The router documents the defaults of its query parameter from these.
__all__ = [
    "DEFAULT_TOLERANCE",
    "SIMPLIFY_ABOVE",
    "boundaries_etag",
    "boundary_collection",
    "import_boundaries",
    "read_body",
]


def _refuse(errors: list[FeatureError]) -> InvalidInput:
    errors = sorted(errors, key=lambda e: (e.feature is not None, e.feature or 0))
    details: list[JsonObject] = [
        {"feature": e.feature, "code": e.code, "message": e.message} for e in errors[:MAX_ERRORS]
    ]
    if len(errors) > MAX_ERRORS:
        more = len(errors) - MAX_ERRORS
        details.append({"feature": None, "code": "too_many_errors", "message": f"{more} more"})
    return InvalidInput(
        "Batas wilayah tidak dimuat; tidak ada yang diubah (boundaries not loaded; "
        "nothing was changed)",
        details=details,
    )


async def read_body(headers: Mapping[str, str], stream: AsyncIterator[bytes], limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes `limit` bytes."""
    check_declared_length(headers, limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            raise TooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def import_boundaries(
    session: AsyncSession,
    raw: bytes,
    *,
    scope: str | None,
    actor: Actor,
    tolerance: float | None = None,
    source: str | None = None,
) -> BoundaryImportRead:
    """Validate the whole FeatureCollection, then upsert one outline per region.

    Any error refuses the whole file, so a map never shows half of an import.
    `scope` is the admin's region subtree; codes outside it read as unknown, like
    codes that do not exist, so the answer reveals nothing about other provinces.
    """
    prepared = await run_in_threadpool(prepare, raw, tolerance)
    known = await repository.region_ids_by_code(
        session, [f.code for f in prepared.features if len(f.code) <= _MAX_CODE_LENGTH]
    )
    for feature in prepared.features:
        if feature.code not in known or not in_subtree(scope, feature.code):
            prepared.error(feature.index, "unknown_region", f"region {feature.code!r} is not known")
    if prepared.errors:
        raise _refuse(prepared.errors)

    ids = [known[f.code] for f in prepared.features]
    stored = await repository.boundaries_by_region(session, ids)
    now = utcnow()
    created: list[Outline] = []
    updated: list[Outline] = []
    for feature, region_id in zip(prepared.features, ids, strict=True):
        outline = Outline(region_id, feature.geometry(), feature.points_out, source, now)
        previous = stored.get(region_id)
        if previous is None:
            created.append(outline)
        elif previous != (outline.geometry, source):
            updated.append(outline)
        # An unchanged outline keeps its updated_at, so map caches (ETag) stay valid.
    await repository.insert_boundaries(session, created)
    await repository.update_boundaries(session, updated)
    result = BoundaryImportRead(
        features=len(prepared.features),
        created=len(created),
        updated=len(updated),
        unchanged=len(prepared.features) - len(created) - len(updated),
        points_received=prepared.points_in,
        points_stored=prepared.points_out,
        tolerance=prepared.tolerance,
    )
    record(
        session,
        actor,
        "regions.import_boundaries",
        entity_type="region_boundaries",
        region_code=scope,
        after={**result.model_dump(), "source": source},
    )
    await session.flush()
    return result


async def boundaries_etag(
    session: AsyncSession, *, parent: str | None, level: RegionLevel | None
) -> str:
    """A validator from the count and latest change of the outlines the query returns.

    Boundaries are reference data (the same for every reader), so the caller's identity
    is not part of it. A renamed region keeps its ETag until its outline is reloaded;
    names change far more rarely than anyone would wait for.
    """
    count, latest = await repository.boundaries_signature(session, parent_code=parent, level=level)
    raw = repr((parent, level, count, latest.isoformat() if latest else None))
    return f'W/"{hashlib.sha256(raw.encode()).hexdigest()[:32]}"'


async def boundary_collection(
    session: AsyncSession, *, parent: str | None, level: RegionLevel | None
) -> JsonObject:
    """The outlines as a GeoJSON FeatureCollection (a JSON document, sent as is): validating
    tens of thousands of positions through pydantic would cost more than the query."""
    rows = await repository.list_boundaries(session, parent_code=parent, level=level)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": r.code, "name": r.name, "level": RegionLevel(r.level).value},
                "geometry": r.geometry,
            }
            for r in rows
        ],
    }
