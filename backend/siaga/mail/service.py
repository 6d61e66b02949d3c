"""The caller's e-mail choices (GET and PUT /auth/me/preferences)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.auth.exceptions import Forbidden
from siaga.core.errors import InvalidInput
from siaga.core.security import Principal
from siaga.mail import repository
from siaga.mail.preferences import CHOOSABLE, by_default, wanted
from siaga.mail.schemas import EmailChoice, EmailPreferencesRead, EmailPreferencesUpdate
from siaga.models import User


async def _own_user(session: AsyncSession, principal: Principal) -> User:
    # Another system's key receives no e-mail: it has no inbox of its own.
    if principal.kind != "user":
        raise Forbidden()
    user = await session.get(User, principal.id)
    if user is None:
        raise Forbidden()
    return user


def _enabled(chosen: dict[str, bool]) -> list[str]:
    return [t.value for t in CHOOSABLE if wanted(t, chosen)]


async def read(
    session: AsyncSession, principal: Principal, *, email_available: bool
) -> EmailPreferencesRead:
    user = await _own_user(session, principal)
    chosen = (await repository.choices(session, [user.id])).get(user.id, {})
    return EmailPreferencesRead(
        email=user.email,
        email_available=email_available,
        events=[
            EmailChoice(type=t, enabled=wanted(t, chosen), default=by_default(t)) for t in CHOOSABLE
        ],
    )


async def update(
    session: AsyncSession,
    data: EmailPreferencesUpdate,
    *,
    principal: Principal,
    actor: Actor,
    email_available: bool,
) -> EmailPreferencesRead:
    user = await _own_user(session, principal)
    refused = sorted({t.value for t in data.enabled} - {t.value for t in CHOOSABLE})
    if refused:
        raise InvalidInput(
            "Jenis peristiwa ini tidak dikirim lewat e-mail (event type not sent by e-mail)",
            details=[{"field": "enabled", "message": f"not mailed: {t}"} for t in refused],
        )
    before = (await repository.choices(session, [user.id])).get(user.id, {})
    on = {t.value for t in data.enabled}
    # Every type stored explicitly: a later change of the defaults keeps what was chosen.
    chosen = {t.value: t.value in on for t in CHOOSABLE}
    if chosen != before:
        await repository.replace_choices(session, user.id, chosen)
        record(
            session,
            actor,
            "user.email_preferences_update",
            entity_type="user",
            entity_id=principal.label,
            region_code=principal.region_code,
            before={"email_events": _enabled(before)},
            after={"email_events": _enabled(chosen)},
        )
    return await read(session, principal, email_available=email_available)
