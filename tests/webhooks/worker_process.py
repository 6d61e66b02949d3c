"""`deliver_due` in a process of its own, for the test that kills it with SIGKILL:

    python -m tests.webhooks.worker_process DATABASE_URL

It delivers with the same settings as the tests (127.0.0.1 allowed) and, like the
tests, may not reach anything but loopback.
"""

from __future__ import annotations

import asyncio
import sys

from siaga.core.database import create_engine, create_sessionmaker
from siaga.webhooks.delivery import deliver_due
from tests.webhooks.conftest import guard_network, hook_settings


class _Patch:
    @staticmethod
    def setattr(target: object, name: str, value: object) -> None:
        setattr(target, name, value)


async def main(database_url: str) -> None:
    settings = hook_settings(database_url)
    engine = create_engine(settings.database_url)
    try:
        sent = await deliver_due(create_sessionmaker(engine), settings=settings)
        print(f"attempted {sent}", flush=True)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    violations: list[str] = []
    guard_network(_Patch(), violations)
    asyncio.run(main(sys.argv[1]))
