from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import String, bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from siaga.models import Agency, ApiKey, AuthSession, LoginAttempt, Region, User

_AgencyRegion = aliased(Region)


@dataclass(frozen=True, slots=True)
class UserWithScope:
    """A user and the codes that make up their scope (auth.service.user_principal)."""

    user: User
    region_code: str | None
    agency_code: str | None
    agency_type_id: int | None
    agency_region_code: str | None


@dataclass(frozen=True, slots=True)
class SessionWithUser:
    auth_session: AuthSession
    account: UserWithScope


@dataclass(frozen=True, slots=True)
class KeyWithRegion:
    key: ApiKey
    region_code: str | None


def _user_with_scope() -> Any:
    """User plus the codes that define their scope, in one query."""
    return (
        select(
            User,
            Region.code.label("region_code"),
            Agency.code.label("agency_code"),
            Agency.agency_type_id.label("agency_type_id"),
            _AgencyRegion.code.label("agency_region_code"),
        )
        .outerjoin(Region, User.region_id == Region.id)
        .outerjoin(Agency, User.agency_id == Agency.id)
        .outerjoin(_AgencyRegion, Agency.region_id == _AgencyRegion.id)
    )


async def get_user_by_username(session: AsyncSession, username: str) -> UserWithScope | None:
    row = (await session.execute(_user_with_scope().where(User.username == username))).first()
    return UserWithScope(*row) if row else None


@lru_cache(maxsize=1)
def _session_with_user() -> Any:
    # Every signed-in request runs this: built once, it costs no Python time per request.
    return (
        _user_with_scope()
        .add_columns(AuthSession)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.token_hash == bindparam("token_hash", type_=String()))
    )


async def get_session_with_user(session: AsyncSession, token_hash: str) -> SessionWithUser | None:
    row = (await session.execute(_session_with_user(), {"token_hash": token_hash})).first()
    if row is None:
        return None
    *account, auth_session = row
    return SessionWithUser(auth_session, UserWithScope(*account))


_ACCOUNT_LOCK, _ADDRESS_LOCK = 1, 2  # advisory lock classes: the two kinds never collide


async def lock_login_keys(session: AsyncSession, username: str, addr: str) -> None:
    """Serialise sign-in attempts on one account or one address until the commit.

    PostgreSQL only; on SQLite the attempt's insert that follows takes the database's
    write lock, which serialises all writers anyway. Always account before address, so
    two attempts never wait on each other in a cycle.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    await session.execute(
        text(
            "SELECT pg_advisory_xact_lock(:account, hashtext(:username)),"
            " pg_advisory_xact_lock(:address, hashtext(:addr))"
        ),
        {"account": _ACCOUNT_LOCK, "username": username, "address": _ADDRESS_LOCK, "addr": addr},
    )


async def count_failures(
    session: AsyncSession, *, since: datetime, username: str | None = None, addr: str | None = None
) -> tuple[int, datetime | None]:
    """Failed logins since `since` for an account or an address, and the oldest of them."""
    stmt = select(func.count(), func.min(LoginAttempt.created_at)).where(
        LoginAttempt.created_at >= since, LoginAttempt.succeeded.is_(False)
    )
    if username is not None:
        stmt = stmt.where(LoginAttempt.username == username)
    if addr is not None:
        stmt = stmt.where(LoginAttempt.client_addr == addr)
    count, oldest = (await session.execute(stmt)).one()
    return int(count), oldest


async def revoke_user_sessions(session: AsyncSession, user_id: int, now: datetime) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


@lru_cache(maxsize=1)
def _api_key_by_prefix() -> Any:
    # Every request of another system runs this: built once, like _session_with_user.
    return (
        select(ApiKey, Region.code.label("region_code"))
        .outerjoin(Region, ApiKey.region_id == Region.id)
        .where(ApiKey.prefix == bindparam("prefix", type_=String()))
    )


async def get_api_key_by_prefix(session: AsyncSession, prefix: str) -> KeyWithRegion | None:
    row = (await session.execute(_api_key_by_prefix(), {"prefix": prefix})).first()
    return KeyWithRegion(*row) if row else None


async def scope_names(
    session: AsyncSession, region_code: str | None, agency_code: str | None
) -> tuple[str | None, str | None]:
    """Display names for a principal's region and agency."""
    region_name = (
        await session.scalar(select(Region.name).where(Region.code == region_code))
        if region_code
        else None
    )
    agency_name = (
        await session.scalar(select(Agency.name).where(Agency.code == agency_code))
        if agency_code
        else None
    )
    return region_name, agency_name
