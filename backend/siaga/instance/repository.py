from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import Agency, Region, Role, User


@dataclass(frozen=True)
class SeededAccount:
    username: str
    role: Role
    full_name: str
    region: str | None
    region_name: str | None
    agency: str | None
    agency_name: str | None


async def seeded_accounts(session: AsyncSession, usernames: Sequence[str]) -> list[SeededAccount]:
    """The active accounts among `usernames` whose password was never set since the seed.

    Every way of setting a password (the users API, the CLI, an administrator's reset)
    records when; the demo seed does not. An account without that date therefore still
    has the seed's password, which is known without an Argon2 check per request.
    """
    rows = await session.execute(
        select(
            User.username,
            User.role,
            User.full_name,
            Region.code,
            Region.name,
            Agency.code,
            Agency.name,
        )
        .outerjoin(Region, User.region_id == Region.id)
        .outerjoin(Agency, User.agency_id == Agency.id)
        .where(
            User.username.in_(usernames),
            User.is_active.is_(True),
            User.password_changed_at.is_(None),
        )
    )
    found = {row[0]: SeededAccount(*row) for row in rows}
    return [found[name] for name in usernames if name in found]
