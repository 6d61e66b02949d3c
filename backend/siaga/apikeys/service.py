"""API keys for other government systems: a region subtree, scopes and an expiry."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.apikeys import repository
from siaga.apikeys.repository import KeyRow
from siaga.apikeys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyPage, ApiKeyRead
from siaga.audit.service import Actor, record
from siaga.auth.service import API_KEY_PREFIX
from siaga.core.errors import Conflict, InvalidInput, NotFound
from siaga.core.pagination import PageParams
from siaga.core.security import ApiKeyScope, Principal, in_subtree, token_digest
from siaga.core.settings import Settings
from siaga.core.types import utcnow
from siaga.models import ApiKey
from siaga.users.exceptions import AccountsNotAllowed
from siaga.users.repository import find_region_id
from siaga.users.rules import Account, Refusal, may_manage


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"
    message = "Kunci API tidak ditemukan (API key not found)"


def _read(row: KeyRow) -> ApiKeyRead:
    key = row.key
    return ApiKeyRead(
        prefix=key.prefix,
        name=key.name,
        region_code=row.region_code,
        scopes=sorted(key.scopes),
        created_by=row.created_by,
        created_at=key.created_at,
        expires_at=key.expires_at,
        revoked_at=key.revoked_at,
        last_used_at=key.last_used_at,
    )


async def list_keys(
    session: AsyncSession, page: PageParams, *, scope: str | None, active: bool | None
) -> ApiKeyPage:
    rows, total = await repository.list_keys(session, page, scope=scope, active=active)
    return ApiKeyPage(
        items=[_read(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


async def get_key(session: AsyncSession, prefix: str, *, scope: str | None) -> ApiKeyRead:
    row = await repository.get_key(session, prefix, scope=scope)
    if row is None:
        raise ApiKeyNotFound()
    return _read(row)


def _check(principal: Principal, before: Account | None, after: Account | None) -> None:
    """Keys are accounts of other systems: the same rule as for users (users.rules)."""
    refusal = may_manage(principal, before, after)
    if refusal is Refusal.NOT_AN_ADMINISTRATOR:
        raise AccountsNotAllowed()
    if refusal is not None and after is not None:
        raise InvalidInput(
            "Administrator provinsi hanya dapat membuat kunci untuk wilayahnya "
            "(a key's region must lie inside your own scope)",
            details=[{"field": "region", "message": "required inside your own scope"}],
        )
    if refusal is not None:
        raise ApiKeyNotFound()


def _key_account(row: KeyRow) -> Account:
    # A stored scope this version does not know grants nothing (auth.service), so it
    # weighs nothing here either.
    known = {s.value for s in ApiKeyScope}
    scopes = [ApiKeyScope(s) for s in row.key.scopes if s in known]
    return Account.api_key(scopes, row.region_code)


async def create_key(
    session: AsyncSession,
    settings: Settings,
    data: ApiKeyCreate,
    *,
    principal: Principal,
    actor: Actor,
) -> ApiKeyCreated:
    _check(principal, None, None)
    scope = principal.region_code
    if data.expires_in_days > settings.api_key_max_days:
        raise InvalidInput(
            f"Masa berlaku paling lama {settings.api_key_max_days} hari",
            details=[{"field": "expires_in_days", "max": settings.api_key_max_days}],
        )
    region_id = None
    if data.region is not None:
        region_id = await find_region_id(session, data.region)
        if region_id is None or not in_subtree(scope, data.region):
            raise InvalidInput(
                f"Wilayah {data.region!r} tidak dikenal (unknown region)",
                details=[{"field": "region", "message": "unknown region"}],
            )
    _check(principal, None, Account.api_key(data.scopes, data.region))
    prefix = secrets.token_hex(6)
    key = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        name=data.name,
        prefix=prefix,
        key_hash=token_digest(settings.secret_key, key, "api_key"),
        region_id=region_id,
        scopes=sorted({s.value for s in data.scopes}),
        created_by_id=actor.user_id,
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(days=data.expires_in_days),
    )
    session.add(api_key)
    await session.flush()
    read = await get_key(session, prefix, scope=None)
    record(
        session,
        actor,
        "api_key.create",
        entity_type="api_key",
        entity_id=prefix,
        region_code=data.region,
        after=read.model_dump(mode="json", exclude={"created_at", "last_used_at"}),
    )
    return ApiKeyCreated(**read.model_dump(), key=key)


async def revoke_key(
    session: AsyncSession, prefix: str, *, principal: Principal, actor: Actor
) -> ApiKeyRead:
    _check(principal, None, None)
    row = await repository.get_key(session, prefix, scope=principal.region_code)
    if row is None:
        raise ApiKeyNotFound()
    _check(principal, _key_account(row), None)
    api_key = row.key
    if api_key.revoked_at is not None:
        raise Conflict("Kunci API sudah dicabut (already revoked)", code="already_revoked")
    api_key.revoked_at = utcnow()
    await session.flush()
    record(
        session,
        actor,
        "api_key.revoke",
        entity_type="api_key",
        entity_id=prefix,
        region_code=row.region_code,
        before={"revoked_at": None},
        after={"revoked_at": api_key.revoked_at.isoformat()},
    )
    return _read(row)
