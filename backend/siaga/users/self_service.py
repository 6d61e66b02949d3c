"""One's own account: changing one's password and one's profile (PATCH /auth/me).

Here rather than in `auth` because the password rules live in `users.service`, and
`users` already depends on `auth` (never the reverse).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, changes, record
from siaga.auth import service as auth_service
from siaga.auth.exceptions import Forbidden, SignInBusy
from siaga.core.errors import InvalidInput
from siaga.core.jsontypes import JsonObject
from siaga.core.passwords import PasswordCheckerBusy
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.models import AuthSession, User
from siaga.users.schemas import PasswordChange, ProfileUpdate
from siaga.users.service import password_problems


def _own_user_id(principal: Principal) -> int:
    # Another system's key has no password or profile of its own to change.
    if principal.kind != "user" or principal.session_id is None:
        raise Forbidden()
    return principal.id


def _refused(field: str, messages: list[str]) -> InvalidInput:
    return InvalidInput(
        "Kata sandi ditolak (password refused)",
        details=[{"field": field, "message": m} for m in messages],
    )


async def change_password(
    session: AsyncSession,
    context: auth_service.LoginContext,
    data: PasswordChange,
    *,
    principal: Principal,
    actor: Actor,
) -> None:
    user_id = _own_user_id(principal)
    problems = password_problems(data.new_password, principal.label)
    if data.new_password == data.current_password:
        problems.append("the new password must differ from the current one")
    if problems:
        raise _refused("new_password", problems)
    try:
        slot = context.checker.slot()
    except PasswordCheckerBusy:
        raise SignInBusy() from None
    with slot:
        # A wrong current password counts as a failed sign-in, so a stolen session cannot
        # be used to guess the password faster than the login form allows.
        attempt = await auth_service.reserve_attempt(
            session, context.settings, principal.label, actor.client_addr or "unknown"
        )
        user = await session.get(User, user_id, populate_existing=True)
        if user is None:
            raise Forbidden()
        verified_hash = user.password_hash
        ok = await context.checker.verify(data.current_password, verified_hash)
        if ok:
            new_hash = await context.checker.hash(data.new_password)
    wrong = _refused("current_password", ["the current password is wrong"])
    if not ok:
        raise wrong
    # Two changes racing with the same current password: the row lock makes the second
    # wait for the first's commit and then see a hash it did not verify against.
    locked = await session.scalar(
        select(User.password_hash)
        .where(User.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked != verified_hash:
        raise wrong
    now = utcnow()
    user.password_hash = new_hash
    user.password_changed_at = now
    was_forced = user.must_change_password
    user.must_change_password = False
    user.updated_at = now
    attempt.succeeded = True
    # Every other session ends; the one that changed the password stays signed in.
    await session.execute(
        update(AuthSession)
        .where(
            AuthSession.user_id == user_id,
            AuthSession.id != principal.session_id,
            AuthSession.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    record(
        session,
        actor,
        "auth.password_change",
        entity_type="user",
        entity_id=principal.label,
        region_code=principal.region_code,
        before={"password": "(unchanged)", "must_change_password": was_forced},
        after={"password": "(changed)", "must_change_password": False},
    )


def _profile(user: User) -> JsonObject:
    return {
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "locale": user.locale,
    }


async def update_profile(
    session: AsyncSession, data: ProfileUpdate, *, principal: Principal, actor: Actor
) -> None:
    user = await session.get(User, _own_user_id(principal))
    if user is None:
        raise Forbidden()
    before = _profile(user)
    if data.full_name is not None:
        user.full_name = data.full_name
    if data.locale is not None:
        user.locale = data.locale
    # Sent as null, e-mail and phone are cleared; left out, they stay.
    if "email" in data.model_fields_set:
        user.email = data.email
    if "phone" in data.model_fields_set:
        user.phone = data.phone
    old, new = changes(before, _profile(user))
    if not new:
        return
    user.updated_at = utcnow()
    record(
        session,
        actor,
        "user.profile_update",
        entity_type="user",
        entity_id=principal.label,
        region_code=principal.region_code,
        before=old,
        after=new,
    )
