"""User accounts: creation with role and scope, listing and changes, all within the admin's
scope and all audited. Who may create or change which account is `rules.may_manage`."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import NoReturn

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from siaga.audit.service import Actor, changes, record
from siaga.auth.repository import revoke_user_sessions
from siaga.core.errors import Conflict, InvalidInput
from siaga.core.jsontypes import JsonObject
from siaga.core.pagination import PageParams
from siaga.core.security import Principal, hash_password, in_subtree
from siaga.core.types import utcnow
from siaga.models import Role, User
from siaga.users import availability, repository
from siaga.users.exceptions import (
    AccountsNotAllowed,
    NameAnswersExhausted,
    UsernameTaken,
    UserNotFound,
)
from siaga.users.repository import UserRow
from siaga.users.rules import Account, KnownAgency, Refusal, may_manage, place
from siaga.users.schemas import UserCreate, UserPage, UserRead, UserUpdate

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128


@lru_cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("siaga.users").joinpath("data", "common-passwords.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line and not line.startswith("#")
    )


def password_problems(password: str, username: str = "") -> list[str]:
    """Why a password is refused, in plain words; empty when it is acceptable."""
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append(f"password must have at least {PASSWORD_MIN_LENGTH} characters")
    if len(password) > PASSWORD_MAX_LENGTH:
        problems.append(f"password must have at most {PASSWORD_MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) <= 2:
        problems.append("password is too common or too simple")
    if username and len(username) >= 3 and username.lower() in lowered:
        problems.append("password must not contain the username")
    return problems


def _read(row: UserRow) -> UserRead:
    user = row.user
    return UserRead(
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        role=user.role,
        region_code=row.region_code,
        agency_code=row.agency_code,
        is_active=user.is_active,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
    )


def _snapshot(read: UserRead) -> JsonObject:
    return read.model_dump(mode="json", exclude={"last_login_at", "created_at"})


async def list_users(
    session: AsyncSession,
    page: PageParams,
    *,
    scope: str | None,
    role: Role | None,
    region: str | None,
    active: bool | None,
    q: str | None,
) -> UserPage:
    rows, total = await repository.list_users(
        session, page, scope=scope, role=role, region=region, active=active, query=q
    )
    return UserPage(
        items=[_read(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


async def get_user(session: AsyncSession, username: str, *, scope: str | None) -> UserRead:
    row = await repository.get_user(session, username, scope=scope)
    if row is None:
        raise UserNotFound()
    return _read(row)


_WIDER = {
    Refusal.OUT_OF_SCOPE: "the account's scope must lie inside your own (a provincial "
    "administrator cannot create national accounts)",
    Refusal.MORE_POWER: "the account's role may do more than your own",
}


def _refuse_account(refusal: Refusal) -> NoReturn:
    """The answer to a refusal that the scoped lookups did not already give."""
    if refusal is Refusal.NOT_AN_ADMINISTRATOR:
        raise AccountsNotAllowed()
    if refusal is Refusal.SELF_LOCKOUT:
        raise Conflict("Anda tidak dapat menonaktifkan akun sendiri (cannot disable yourself)")
    # Out of scope or of reach: like an account that does not exist.
    raise UserNotFound()


async def create_user(
    session: AsyncSession, data: UserCreate, *, principal: Principal, actor: Actor
) -> UserRead:
    """Create an account whose scope lies inside the creating admin's scope."""
    if (refusal := may_manage(principal, None, None)) is not None:
        _refuse_account(refusal)
    scope = principal.region_code
    problems: list[dict[str, str]] = [
        {"field": "password", "message": message}
        for message in password_problems(data.password, data.username)
    ]
    region_id: int | None = None
    agency_id: int | None = None
    found = None
    if data.role == Role.OPERATOR and data.agency:
        agency = await repository.find_agency(session, data.agency)
        # Outside the administrator's scope: as if it did not exist.
        if agency is not None and in_subtree(scope, agency.region_code):
            found = KnownAgency(agency.region_code, agency.is_active)
            agency_id, region_id = agency.id, agency.region_id
    elif data.region and in_subtree(scope, data.region):
        region_id = await repository.find_region_id(session, data.region)
    scope_code, misplaced = place(
        data.role,
        data.region,
        data.agency,
        found_agency=found,
        region_known=region_id is not None,
    )
    for p in misplaced:
        problems.append(
            {"field": p.field, "code": p.code, "message": f"{p.message} ({p.message_en})"}
        )
    if not any(p["field"] in {"region", "agency"} for p in problems):
        refusal = may_manage(principal, None, Account.user(data.role, scope_code))
        if refusal is not None:
            field = "region" if refusal is Refusal.OUT_OF_SCOPE else "role"
            problems.append({"field": field, "message": _WIDER[refusal]})
    if problems:
        raise InvalidInput(
            "Pengguna tidak dapat dibuat (the user cannot be created)", details=problems
        )
    # Counted before the name is looked at: once spent, a free name gets no answer either.
    answers = await availability.taken_answers(session, principal, utcnow())
    if answers.exhausted:
        raise NameAnswersExhausted(answers.retry_after)
    if not await repository.username_taken(session, data.username):
        user = User(
            username=data.username,
            full_name=data.full_name,
            email=data.email,
            role=data.role,
            region_id=region_id,
            agency_id=agency_id,
            # ~0.1 s of CPU: in a thread, so other requests are served meanwhile.
            password_hash=await run_in_threadpool(hash_password, data.password),
            password_changed_at=utcnow(),
        )
        try:
            async with session.begin_nested():
                session.add(user)
                await session.flush()
        except IntegrityError:
            # Taken meanwhile by a simultaneous request: the same answer as taken before.
            if not await repository.username_taken(session, data.username):
                raise
        else:
            return await _created(session, data, actor, scope_code)
    availability.keep_refused_create(session, actor, data.username, scope_code)
    raise UsernameTaken(data.username)


async def _created(
    session: AsyncSession, data: UserCreate, actor: Actor, scope_code: str | None
) -> UserRead:
    created = await get_user(session, data.username, scope=None)
    record(
        session,
        actor,
        "user.create",
        entity_type="user",
        entity_id=data.username,
        region_code=scope_code,
        after=_snapshot(created),
    )
    return created


def _account(row: UserRow) -> Account:
    user = row.user
    return Account.user(user.role, row.region_code, user_id=user.id, is_active=user.is_active)


async def update_user(
    session: AsyncSession,
    username: str,
    data: UserUpdate,
    *,
    principal: Principal,
    actor: Actor,
) -> UserRead:
    if (refusal := may_manage(principal, None, None)) is not None:
        _refuse_account(refusal)
    row = await repository.get_user(session, username, scope=principal.region_code)
    if row is None:
        raise UserNotFound()
    user = row.user
    before = _read(row)
    if data.password is not None:
        problems = password_problems(data.password, username)
        if problems:
            raise InvalidInput(
                "Kata sandi ditolak (password refused)",
                details=[{"field": "password", "message": m} for m in problems],
            )
    was = _account(row)
    will = Account(
        was.capabilities,
        was.region_code,
        was.user_id,
        was.is_active if data.is_active is None else data.is_active,
    )
    if (refusal := may_manage(principal, was, will)) is not None:
        _refuse_account(refusal)
    now = utcnow()
    if data.full_name is not None:
        user.full_name = data.full_name
    if "email" in data.model_fields_set:
        user.email = data.email
    if data.is_active is not None:
        user.is_active = data.is_active
    if data.password is not None:
        user.password_hash = await run_in_threadpool(hash_password, data.password)
        user.password_changed_at = now
        # An administrator's reset: the owner chooses their own at the next sign-in.
        user.must_change_password = True
    # A disabled account or a new password ends every session of the account at once.
    if data.is_active is False or data.password is not None:
        await revoke_user_sessions(session, user.id, now)
    user.updated_at = now
    await session.flush()
    after = _read(row)
    old, new = changes(_snapshot(before), _snapshot(after))
    if data.password is not None:
        old["password"], new["password"] = "(unchanged)", "(changed)"
        old["must_change_password"], new["must_change_password"] = False, True
    if not new:
        return after  # nothing changed: nothing to audit
    record(
        session,
        actor,
        "user.update",
        entity_type="user",
        entity_id=username,
        region_code=row.region_code,
        before=old,
        after=new,
    )
    return after
