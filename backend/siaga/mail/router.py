"""The caller's e-mail choices, under /auth/me beside the profile."""

from __future__ import annotations

from fastapi import APIRouter

from siaga.auth.dependencies import AppSettings, CurrentActor, CurrentPrincipal
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.mail import service
from siaga.mail.channel import smtp_config
from siaga.mail.schemas import EmailPreferencesRead, EmailPreferencesUpdate

router = APIRouter(prefix="/auth", tags=["auth"])


@router.get(
    "/me/preferences",
    name="get_preferences",
    response_model=EmailPreferencesRead,
    responses=responses(401, 403),
)
async def get_preferences(
    session: DbSession, settings: AppSettings, principal: CurrentPrincipal
) -> EmailPreferencesRead:
    """Which event types also reach the caller by e-mail."""
    return await service.read(session, principal, email_available=smtp_config(settings) is not None)


@router.put(
    "/me/preferences",
    name="put_preferences",
    response_model=EmailPreferencesRead,
    responses=responses(401, 403, 422),
)
async def put_preferences(
    session: DbSession,
    settings: AppSettings,
    principal: CurrentPrincipal,
    actor: CurrentActor,
    data: EmailPreferencesUpdate,
) -> EmailPreferencesRead:
    """Choose the event types that also reach the caller by e-mail (the rest: off)."""
    return await service.update(
        session,
        data,
        principal=principal,
        actor=actor,
        email_available=smtp_config(settings) is not None,
    )
