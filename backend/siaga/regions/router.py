from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from siaga.auth.dependencies import Admin, AppSettings, CurrentActor, require
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import RegionCodePath, RegionCodeQuery, SearchQuery
from siaga.core.security import Capability
from siaga.core.uploads import MIB
from siaga.models import RegionLevel
from siaga.regions import boundaries, service
from siaga.regions.schemas import (
    BoundaryCollectionRead,
    BoundaryImportRead,
    RegionCreate,
    RegionDetail,
    RegionPage,
    RegionUpdate,
)

# Reference data: any signed-in principal that may read, whatever its scope.
router = APIRouter(
    prefix="/regions", tags=["regions"], dependencies=[Depends(require(Capability.READ))]
)


@router.get("", name="list", response_model=RegionPage, responses=responses(401, 403))
async def list_regions(
    session: DbSession,
    page: Pagination,
    level: RegionLevel | None = None,
    parent: RegionCodeQuery = None,
    q: SearchQuery = None,
    *,
    settings: AppSettings,
) -> RegionPage:
    """List provinces, regencies and cities, filtered by level, parent or name."""
    return await service.list_regions(
        session, page, level=level, parent=parent, q=q, default_time_zone=settings.timezone
    )


_POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 3}
_RING = {"type": "array", "items": _POSITION, "minItems": 4}
# The body is read by hand (size-limited, then validated feature by feature into row
# errors), so FastAPI cannot describe it; this is the shape it accepts (an OpenAPI
# fragment, a JSON document as FastAPI's openapi_extra takes it).
_GEOJSON_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A GeoJSON FeatureCollection (RFC 7946), [longitude, latitude] in "
        "WGS84 degrees, one Feature per region with the region code in `properties.code`",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["type", "features"],
                    "properties": {
                        "type": {"type": "string", "enum": ["FeatureCollection"]},
                        "features": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["type", "properties", "geometry"],
                                "properties": {
                                    "type": {"type": "string", "enum": ["Feature"]},
                                    "properties": {
                                        "type": "object",
                                        "required": ["code"],
                                        "properties": {
                                            "code": {"type": "string", "examples": ["64.72"]}
                                        },
                                    },
                                    "geometry": {
                                        "type": "object",
                                        "required": ["type", "coordinates"],
                                        "properties": {
                                            "type": {
                                                "type": "string",
                                                "enum": ["Polygon", "MultiPolygon"],
                                            },
                                            "coordinates": {
                                                "description": "Polygon: rings; "
                                                "MultiPolygon: polygons of rings",
                                                "oneOf": [
                                                    {"type": "array", "items": _RING},
                                                    {
                                                        "type": "array",
                                                        "items": {"type": "array", "items": _RING},
                                                    },
                                                ],
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                }
            }
        },
    }
}
ToleranceQuery = Annotated[
    float | None,
    Query(
        ge=0,
        le=1,
        description="Douglas-Peucker tolerance in degrees; 0 keeps every point. Default: "
        f"{boundaries.DEFAULT_TOLERANCE} when the file has more than "
        f"{boundaries.SIMPLIFY_ABOVE} points, otherwise none",
    ),
]
SourceQuery = Annotated[
    str | None, Query(max_length=300, description="Where the outlines come from, stored")
]


@router.post(
    "/boundaries",
    name="boundaries_import",
    response_model=BoundaryImportRead,
    responses=responses(401, 403, 413),
    openapi_extra=_GEOJSON_BODY,
)
async def import_boundaries(
    request: Request,
    session: DbSession,
    principal: Admin,
    actor: CurrentActor,
    settings: AppSettings,
    tolerance: ToleranceQuery = None,
    source: SourceQuery = None,
) -> BoundaryImportRead:
    """Load region outlines from a GeoJSON FeatureCollection, all or nothing."""
    raw = await boundaries.read_body(
        request.headers, request.stream(), settings.max_upload_mb * MIB
    )
    return await boundaries.import_boundaries(
        session, raw, scope=principal.region_code, actor=actor, tolerance=tolerance, source=source
    )


@router.get(
    "/boundaries",
    name="boundaries",
    response_model=BoundaryCollectionRead,
    responses={
        **responses(401, 403),
        304: {"description": "Not modified since the ETag sent in If-None-Match"},
    },
)
async def list_boundaries(
    request: Request,
    session: DbSession,
    level: RegionLevel | None = None,
    parent: RegionCodeQuery = None,
) -> Response:
    """Region outlines as a GeoJSON FeatureCollection for the map, with an ETag."""
    etag = await boundaries.boundaries_etag(session, parent=parent, level=level)
    # The file is large and rarely changes: the SPA revalidates and usually gets a 304.
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    sent = {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}
    if etag in sent or "*" in sent:
        return Response(status_code=304, headers=headers)
    body = await boundaries.boundary_collection(session, parent=parent, level=level)
    return JSONResponse(body, headers=headers)


@router.post(
    "",
    name="create",
    status_code=201,
    response_model=RegionDetail,
    responses=responses(401, 403, 404, 409),
)
async def create_region(
    session: DbSession,
    principal: Admin,
    actor: CurrentActor,
    settings: AppSettings,
    data: RegionCreate,
) -> RegionDetail:
    """Add a region: a province (national admin) or a regency or city under its province,
    e.g. after a split."""
    return await service.create_region(
        session,
        data,
        scope=principal.region_code,
        actor=actor,
        default_time_zone=settings.timezone,
    )


@router.get(
    "/{code:region}", name="get", response_model=RegionDetail, responses=responses(401, 403, 404)
)
async def get_region(
    session: DbSession, code: RegionCodePath, settings: AppSettings
) -> RegionDetail:
    """One region with its parent, its time zone and the number of its child regions and
    agencies."""
    return await service.get_region(session, code, settings.timezone)


@router.patch(
    "/{code:region}", name="update", response_model=RegionDetail, responses=responses(401, 403, 404)
)
async def update_region(
    session: DbSession,
    principal: Admin,
    actor: CurrentActor,
    settings: AppSettings,
    code: RegionCodePath,
    data: RegionUpdate,
) -> RegionDetail:
    """Rename a region, set its BPS code, or the time zone its deadlines end in (null:
    its province's, or its code's); only the fields sent change."""
    return await service.update_region(
        session,
        code,
        data,
        scope=principal.region_code,
        actor=actor,
        default_time_zone=settings.timezone,
    )
