"""The `siaga` command: database, demo data, users and the server."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.database import create_engine, create_sessionmaker, session_scope
from siaga.core.settings import get_settings

app = typer.Typer(help="Siaga: kesiapan pemerintah daerah mendukung Pemilu.", no_args_is_help=True)
seed_app = typer.Typer(help="Load data sets.", no_args_is_help=True)
users_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
app.add_typer(seed_app, name="seed")
app.add_typer(users_app, name="users")

console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")


def _run_in_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction against the configured database."""

    async def runner() -> T:
        engine = create_engine(get_settings().database_url)
        try:
            async with session_scope(create_sessionmaker(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(runner())


@app.command()
def migrate(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Bring the database schema up to date (alembic upgrade)."""
    from siaga.core import migrations

    settings = get_settings()
    migrations.upgrade(settings.database_url, revision)
    console.print(f"[green]Database migrated to {revision}[/green]")


@app.command()
def openapi() -> None:
    """Print the OpenAPI document (the SPA's client is generated from it)."""
    from siaga.main import create_app

    spec = create_app().openapi()
    sys.stdout.write(json.dumps(spec, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


@seed_app.command("demo")
def seed_demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database already has regions")
    ] = False,
) -> None:
    """Load the Kalimantan Timur demo: framework, periods, agencies, users and answers."""
    from siaga.core.storage import LocalStorage
    from siaga.seed import demo

    settings = get_settings()

    async def work(session: AsyncSession) -> demo.SeedSummary | None:
        if if_empty and await demo.has_regions(session):
            return None
        return await demo.seed_demo(
            session, LocalStorage(settings.storage_dir), settings.demo_password
        )

    summary = _run_in_session(work)
    if summary is None:
        console.print("Database already has data; demo seed skipped.")
        return
    table = Table(title="Data demo Siaga", show_header=False)
    for label, value in (
        ("Wilayah (regions)", summary.regions),
        ("Perangkat daerah (agencies)", summary.agencies),
        ("Indikator (indicators)", summary.indicators),
        ("Periode (periods)", summary.periods),
        ("Pengguna baru (users created)", summary.users_created),
        ("Jawaban baru (answers created)", summary.submissions_created),
        ("Berkas bukti (evidence files)", summary.evidence_files),
    ):
        table.add_row(label, str(value))
    console.print(table)
    console.print(
        "Demo users: admin, verifikator.64, pemantau.64, operator.<agency code> "
        "(for example operator.64.72.kesbangpol)"
    )
    console.print(f"Demo password (SIAGA_DEMO_PASSWORD): [bold]{settings.demo_password}[/bold]")


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Login name")],
    role: Annotated[str, typer.Option(help="admin, verifier, operator or viewer")],
    region: Annotated[
        str | None, typer.Option(help="Region code of the scope (admin, verifier, viewer)")
    ] = None,
    agency: Annotated[str | None, typer.Option(help="Agency code (operators)")] = None,
    full_name: Annotated[str, typer.Option(help="Display name")] = "",
    password: Annotated[
        str | None,
        typer.Option(help="Password; asked for interactively when omitted", hide_input=True),
    ] = None,
) -> None:
    """Create a user account with a role and a scope."""
    from siaga.core.errors import AppError
    from siaga.users.service import UserSpec, create_user

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)

    async def work(session: AsyncSession) -> Any:
        return await create_user(
            session,
            UserSpec(
                username=username,
                role=role,
                region_code=region,
                agency_code=agency,
                full_name=full_name,
                password=password or "",
            ),
            actor_label="cli",
        )

    try:
        user = _run_in_session(work)
    except AppError as exc:
        err_console.print(f"[red]{exc.message}[/red]")
        for detail in exc.details:
            err_console.print(f"  - {detail}")
        raise typer.Exit(code=1) from exc
    console.print(f"[green]User {user.username!r} created with role {user.role}.[/green]")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development)")] = False,
) -> None:
    """Serve the API and the built SPA."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "siaga.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )


if __name__ == "__main__":
    app()
