"""`siaga worker`: the outbox worker on its own (SIAGA_WORKER=external for the servers)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import Annotated

import typer

from siaga.cli.common import console
from siaga.core.settings import get_settings


def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Deliver what is due now, then exit (cron, scripts)")
    ] = False,
) -> None:
    """Deliver events (inbox notifications) until stopped with SIGTERM or Ctrl-C."""
    from siaga.channels import default_channels
    from siaga.core.database import create_engine, create_sessionmaker
    from siaga.core.logging import configure_logging
    from siaga.events.worker import Worker, WorkerConfig
    from siaga.mail.channel import log_status as log_mail_status

    settings = get_settings()
    if settings.env != "test":  # tests keep pytest's own log capture (as siaga.main)
        configure_logging(settings)
    log_mail_status(settings)

    async def run() -> int:
        engine = create_engine(settings.database_url)
        runner = Worker(
            create_sessionmaker(engine),
            channels=default_channels(settings),
            config=WorkerConfig.from_settings(settings),
        )
        loop = asyncio.get_running_loop()
        # The pass under way finishes; its events are stored or, cut short, retaken later.
        # Only the main thread may take signals (not so when run embedded, as in tests).
        with contextlib.suppress(RuntimeError, ValueError, NotImplementedError):
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, runner.stop)
        try:
            if once:
                return await runner.drain()
            await runner.run()
            return 0
        finally:
            await engine.dispose()

    processed = asyncio.run(run())
    if once:
        console.print(f"{processed} peristiwa diproses (events processed)")
