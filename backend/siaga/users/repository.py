from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from siaga.core.pagination import PageParams
from siaga.models import Agency, AuditEvent, ImportBatch, ImportRowError, Region, Role, User

_AgencyRegion = aliased(Region)


def _scope_code() -> Any:
    """The region code that bounds a user's scope: the agency's Pemda for operators."""
    return func.coalesce(_AgencyRegion.code, Region.code)


def _select_users() -> Select[*tuple[Any, ...]]:
    return (
        select(
            User,
            _scope_code().label("region_code"),
            Agency.code.label("agency_code"),
        )
        .outerjoin(Region, User.region_id == Region.id)
        .outerjoin(Agency, User.agency_id == Agency.id)
        .outerjoin(_AgencyRegion, Agency.region_id == _AgencyRegion.id)
    )


@dataclass(frozen=True, slots=True)
class UserRow:
    """An account with the codes the API shows for it."""

    user: User
    region_code: str | None  # the scope: an operator's is its agency's region
    agency_code: str | None


def _in_scope(stmt: Select[*tuple[Any, ...]], scope: str | None) -> Select[*tuple[Any, ...]]:
    if scope is None:
        return stmt
    code = _scope_code()
    # National accounts (no region) are outside every provincial scope.
    return stmt.where(or_(code == scope, code.startswith(scope + ".", autoescape=True)))


async def list_users(
    session: AsyncSession,
    page: PageParams,
    *,
    scope: str | None,
    role: Role | None,
    region: str | None,
    active: bool | None,
    query: str | None,
) -> tuple[list[UserRow], int]:
    stmt = _in_scope(_select_users(), scope)
    if role is not None:
        stmt = stmt.where(User.role == role)
    if region is not None:
        stmt = stmt.where(_scope_code() == region)
    if active is not None:
        stmt = stmt.where(User.is_active.is_(active))
    if query:
        stmt = stmt.where(
            or_(
                User.username.contains(query.lower(), autoescape=True),
                func.lower(User.full_name).contains(query.lower(), autoescape=True),
            )
        )
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await session.execute(stmt.order_by(User.username).limit(page.limit).offset(page.offset))
    return [UserRow(*row) for row in rows], total or 0


async def get_user(session: AsyncSession, username: str, *, scope: str | None) -> UserRow | None:
    stmt = _in_scope(_select_users(), scope).where(User.username == username)
    row = (await session.execute(stmt)).first()
    return UserRow(*row) if row else None


async def username_taken(session: AsyncSession, username: str) -> bool:
    return (await session.scalar(select(User.id).where(User.username == username))) is not None


@dataclass(frozen=True, slots=True)
class ExistingAccount:
    id: int
    username: str
    full_name: str
    email: str | None
    role: Role
    region_id: int | None
    agency_id: int | None
    is_active: bool
    scope_code: str | None  # as for the API: an operator's is its agency's region


async def accounts_by_name(session: AsyncSession, usernames: list[str]) -> list[ExistingAccount]:
    if not usernames:
        return []
    stmt = (
        select(
            User.id,
            User.username,
            User.full_name,
            User.email,
            User.role,
            User.region_id,
            User.agency_id,
            User.is_active,
            _scope_code().label("scope_code"),
        )
        .outerjoin(Region, User.region_id == Region.id)
        .outerjoin(Agency, User.agency_id == Agency.id)
        .outerjoin(_AgencyRegion, Agency.region_id == _AgencyRegion.id)
        .where(User.username.in_(usernames))
    )
    return [ExistingAccount(*row) for row in (await session.execute(stmt)).all()]


async def taken_name_answers(
    session: AsyncSession, user_id: int, since: datetime, *, denied_action: str, row_code: str
) -> tuple[int, datetime | None]:
    """How many times `user_id` was told a username is taken since `since`, and the
    earliest: refused creations on record, and row errors of its imports."""
    refused = (
        await session.execute(
            select(func.count(), func.min(AuditEvent.occurred_at)).where(
                AuditEvent.actor_user_id == user_id,
                AuditEvent.action == denied_action,
                AuditEvent.outcome == "denied",
                AuditEvent.occurred_at >= since,
            )
        )
    ).one()
    imported = (
        await session.execute(
            select(func.count(), func.min(ImportBatch.created_at))
            .select_from(ImportRowError)
            .join(ImportBatch, ImportBatch.id == ImportRowError.batch_id)
            .where(
                ImportBatch.created_by_id == user_id,
                ImportBatch.created_at >= since,
                ImportRowError.code == row_code,
            )
        )
    ).one()
    earliest = [t for t in (refused[1], imported[1]) if t is not None]
    return (refused[0] or 0) + (imported[0] or 0), min(earliest, default=None)


@dataclass(frozen=True, slots=True)
class AgencyPlace:
    """Where an agency is: what an operator's account takes from it."""

    id: int
    region_id: int
    region_code: str
    is_active: bool


async def find_agency(session: AsyncSession, code: str) -> AgencyPlace | None:
    stmt = (
        select(Agency.id, Agency.region_id, Region.code, Agency.is_active)
        .join(Region, Agency.region_id == Region.id)
        .where(Agency.code == code)
    )
    row = (await session.execute(stmt)).first()
    return AgencyPlace(*row) if row else None


async def find_region_id(session: AsyncSession, code: str) -> int | None:
    return await session.scalar(select(Region.id).where(Region.code == code))
