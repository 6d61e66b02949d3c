from __future__ import annotations

from fastapi import APIRouter, Depends

from siaga.auth.dependencies import require
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import RegionCodePath, RegionCodeQuery, SearchQuery
from siaga.core.security import Capability
from siaga.models import RegionLevel
from siaga.regions import service
from siaga.regions.schemas import RegionDetail, RegionPage

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
) -> RegionPage:
    """List provinces, regencies and cities, filtered by level, parent or name."""
    return await service.list_regions(session, page, level=level, parent=parent, q=q)


@router.get("/{code}", name="get", response_model=RegionDetail, responses=responses(401, 403, 404))
async def get_region(session: DbSession, code: RegionCodePath) -> RegionDetail:
    """One region with its parent and the number of its child regions and agencies."""
    return await service.get_region(session, code)
