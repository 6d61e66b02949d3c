"""What every command group shares: the consoles, one transaction per command, and how a
refusal is printed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.database import create_engine, create_sessionmaker, session_scope
from siaga.core.settings import get_settings

console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")

# The audit trail names local commands "cli": whoever runs them holds the database anyway.
CLI_ACTOR_LABEL = "cli"


def run_in_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction against the configured database."""

    async def runner() -> T:
        engine = create_engine(get_settings().database_url)
        try:
            async with session_scope(create_sessionmaker(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(runner())


def fail(exc: Exception) -> NoReturn:
    """Print a refusal (with an AppError's details) and exit 1."""
    from siaga.core.errors import AppError

    if isinstance(exc, AppError):
        err_console.print(f"[red]{exc.message}[/red]")
        for detail in exc.details:
            err_console.print(f"  - {detail}")
    else:
        err_console.print(f"[red]{exc}[/red]")
    raise typer.Exit(code=1) from exc
