from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.models import ApiKey, Region, User


@dataclass(frozen=True, slots=True)
class KeyRow:
    """A key with the codes the API shows for it."""

    key: ApiKey
    region_code: str | None
    created_by: str | None  # the creator's username; None once the account is gone


def _select_keys(scope: str | None) -> Select[*tuple[Any, ...]]:
    stmt = (
        select(ApiKey, Region.code.label("region_code"), User.username.label("created_by"))
        .outerjoin(Region, ApiKey.region_id == Region.id)
        .outerjoin(User, ApiKey.created_by_id == User.id)
    )
    if scope is not None:
        stmt = stmt.where(
            or_(Region.code == scope, Region.code.startswith(scope + ".", autoescape=True))
        )
    return stmt


async def list_keys(
    session: AsyncSession, page: PageParams, *, scope: str | None, active: bool | None
) -> tuple[list[KeyRow], int]:
    stmt = _select_keys(scope)
    if active is True:
        stmt = stmt.where(ApiKey.revoked_at.is_(None))
    elif active is False:
        stmt = stmt.where(ApiKey.revoked_at.is_not(None))
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await session.execute(
        stmt.order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    return [KeyRow(*row) for row in rows], total or 0


async def get_key(session: AsyncSession, prefix: str, *, scope: str | None) -> KeyRow | None:
    row = (await session.execute(_select_keys(scope).where(ApiKey.prefix == prefix))).first()
    return KeyRow(*row) if row else None
