from __future__ import annotations

from dataclasses import asdict

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.settings import DEFAULT_DEMO_PASSWORD, Settings
from siaga.instance import repository
from siaga.instance.schemas import DemoAccountRead, InstanceRead
from siaga.seed.demo import SHOWCASE_USERNAMES


async def instance(session: AsyncSession, settings: Settings) -> InstanceRead:
    accounts: list[DemoAccountRead] = []
    password = None
    # Only a development installation names accounts to strangers: anywhere else a list
    # of usernames, the administrator's first, is half of what an attacker needs.
    if settings.env == "development":
        seeded = await repository.seeded_accounts(session, SHOWCASE_USERNAMES)
        accounts = [DemoAccountRead(**asdict(account)) for account in seeded]
        # The default is printed in the README and refused in production, so showing it
        # reveals nothing; a password chosen for a shared demo stays with whoever chose it.
        if accounts and settings.demo_password == DEFAULT_DEMO_PASSWORD:
            password = DEFAULT_DEMO_PASSWORD
    return InstanceRead(
        name=settings.instance_name,
        timezone=settings.timezone,
        demo_accounts=accounts,
        demo_password=password,
    )
