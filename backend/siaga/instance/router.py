from __future__ import annotations

from fastapi import APIRouter, Response

from siaga.auth.dependencies import AppSettings
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.instance import service
from siaga.instance.schemas import InstanceRead

router = APIRouter(tags=["instance"])

# The same for every visitor and changed only by a restart or a seed: shared caches
# (the nginx in front, a browser) may keep it a minute.
_CACHE_CONTROL = "public, max-age=60"


@router.get("/instance", name="get", response_model=InstanceRead, responses=responses())
async def get_instance(
    session: DbSession, settings: AppSettings, response: Response
) -> InstanceRead:
    """The installation's name and time zone, and in development the demo accounts."""
    response.headers["Cache-Control"] = _CACHE_CONTROL
    return await service.instance(session, settings)
