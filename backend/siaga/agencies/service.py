from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.agencies import repository
from siaga.agencies.exceptions import AgencyExists, AgencyNotFound, invalid_agency
from siaga.agencies.schemas import (
    AgencyCreate,
    AgencyPage,
    AgencyRead,
    AgencyTypeRead,
    AgencyUpdate,
)
from siaga.audit.actions import AuditAction, AuditEntity
from siaga.audit.service import Actor, record
from siaga.core.pagination import PageParams
from siaga.core.security import in_subtree
from siaga.models import Agency


async def list_agencies(
    session: AsyncSession, page: PageParams, *, region: str | None, type_code: str | None
) -> AgencyPage:
    rows, total = await repository.list_agencies(
        session, page, region_code=region, type_code=type_code
    )
    return AgencyPage(
        items=[AgencyRead.model_validate(row, from_attributes=True) for row in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def get_agency(session: AsyncSession, code: str) -> AgencyRead:
    row = await repository.get_agency(session, code)
    if row is None:
        raise AgencyNotFound(code)
    return AgencyRead.model_validate(row, from_attributes=True)


async def list_agency_types(session: AsyncSession) -> list[AgencyTypeRead]:
    return [
        AgencyTypeRead(code=t.code, name=t.name)
        for t in await repository.list_agency_types(session)
    ]


async def create_agency(
    session: AsyncSession, data: AgencyCreate, *, scope: str | None, actor: Actor
) -> AgencyRead:
    """Add one office to a Pemda in the admin's scope; its code is `<region>.<type>`."""
    # A region outside the scope is answered as unknown, like one that does not exist.
    region_id = (
        await repository.region_id(session, data.region) if in_subtree(scope, data.region) else None
    )
    if region_id is None:
        raise invalid_agency("region", f"unknown region {data.region!r}")
    type_id = await repository.agency_type_id(session, data.type)
    if type_id is None:
        raise invalid_agency("type", f"unknown agency type {data.type!r}")
    if data.code != f"{data.region}.{data.type}":
        raise invalid_agency(
            "code", f"the code must be {data.region}.{data.type} (<region>.<type>)"
        )
    if await repository.agency_exists(session, data.code):
        raise AgencyExists(data.code)
    agency = Agency(code=data.code, name=data.name, region_id=region_id, agency_type_id=type_id)
    try:
        # A savepoint: a concurrent twin fails on the unique code (or region and type)
        # alone, and the request's transaction stays usable for its error response.
        async with session.begin_nested():
            session.add(agency)
    except IntegrityError as exc:
        raise AgencyExists(data.code) from exc
    record(
        session,
        actor,
        AuditAction.AGENCY_CREATE,
        entity_type=AuditEntity.AGENCY,
        entity_id=data.code,
        region_code=data.region,
        before=None,
        after={
            "code": data.code,
            "region": data.region,
            "type": data.type,
            "name": data.name,
            "is_active": True,
        },
    )
    return await get_agency(session, data.code)


async def update_agency(
    session: AsyncSession, code: str, data: AgencyUpdate, *, scope: str | None, actor: Actor
) -> AgencyRead:
    """Rename or (de)activate an agency in the admin's scope. Deactivating deletes
    nothing: its answers and history stay, it is only no longer offered for new work."""
    found = await repository.agency_for_update(session, code)
    if found is None or not in_subtree(scope, found[1]):
        raise AgencyNotFound(code)
    agency, region_code = found
    current: dict[str, str | bool] = {"name": agency.name, "is_active": agency.is_active}
    wanted: dict[str, str | bool] = {}
    if data.name is not None:
        wanted["name"] = data.name
    if data.is_active is not None:
        wanted["is_active"] = data.is_active
    changed = {k: v for k, v in wanted.items() if current[k] != v}
    if changed:
        for key, value in changed.items():
            setattr(agency, key, value)
        await session.flush()
        record(
            session,
            actor,
            AuditAction.AGENCY_UPDATE,
            entity_type=AuditEntity.AGENCY,
            entity_id=code,
            region_code=region_code,
            before={k: current[k] for k in changed},
            after=changed,
        )
    return await get_agency(session, code)
