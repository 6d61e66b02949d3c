"""The `siaga` command: database, demo data, users and the server."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.database import create_engine, create_sessionmaker, session_scope
from siaga.core.settings import get_settings

app = typer.Typer(help="Siaga: kesiapan pemerintah daerah mendukung Pemilu.", no_args_is_help=True)
seed_app = typer.Typer(help="Load data sets.", no_args_is_help=True)
users_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
apikeys_app = typer.Typer(help="Manage API keys for other systems.", no_args_is_help=True)
app.add_typer(seed_app, name="seed")
app.add_typer(users_app, name="users")
app.add_typer(apikeys_app, name="apikeys")

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
    from siaga.core.storage import get_storage
    from siaga.seed import demo

    settings = get_settings()

    async def work(session: AsyncSession) -> demo.SeedSummary | None:
        if if_empty and await demo.has_regions(session):
            return None
        return await demo.seed_demo(session, get_storage(settings), settings.demo_password)

    summary = _run_in_session(work)
    if summary is None:
        console.print("Database already has data; demo seed skipped.")
        return
    table = Table(title="Data demo Siaga", show_header=False)
    for label, value in (
        ("Wilayah (regions)", summary.regions),
        ("Perangkat daerah (agencies)", summary.agencies),
        ("Batas wilayah baru (map outlines loaded)", summary.boundaries),
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


@seed_app.command("bench")
def seed_bench(
    regions: Annotated[
        Path | None,
        typer.Option(
            "--regions",
            help="CSV of real regions (code,name,level,parent_code); generated when omitted",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Random seed of the answers [default: fixed]")
    ] = None,
) -> None:
    """Load the national benchmark data: 38 provinces, 514 regencies/cities, ~60,000 answers."""
    import time

    from siaga.seed import bench

    rows = bench.read_regions_csv(regions) if regions is not None else None
    started = time.perf_counter()
    chosen = bench.BENCH_SEED if seed is None else seed
    summary = _run_in_session(lambda s: bench.seed_bench(s, regions=rows, seed=chosen))
    table = Table(title="Data benchmark Siaga", show_header=False)
    for label, value in (
        ("Wilayah (regions)", summary.regions),
        ("Perangkat daerah (agencies)", summary.agencies),
        ("Indikator (indicators)", summary.indicators),
        ("Periode (periods)", summary.periods),
        ("Jawaban baru (answers created)", summary.submissions_created),
    ):
        table.add_row(label, str(value))
    console.print(table)
    console.print(f"Done in {time.perf_counter() - started:.1f} s.")


def _fail(exc: Exception) -> NoReturn:
    from siaga.core.errors import AppError

    if isinstance(exc, AppError):
        err_console.print(f"[red]{exc.message}[/red]")
        for detail in exc.details:
            err_console.print(f"  - {detail}")
    else:
        err_console.print(f"[red]{exc}[/red]")
    raise typer.Exit(code=1) from exc


CLI_ACTOR_LABEL = "cli"


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
    from pydantic import ValidationError

    from siaga.audit.service import Actor
    from siaga.core.errors import AppError
    from siaga.users.rules import LOCAL_ADMIN
    from siaga.users.schemas import UserCreate
    from siaga.users.service import create_user

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        data = UserCreate(
            username=username,
            role=role,  # validated by pydantic
            region=region,
            agency=agency,
            full_name=full_name,
            password=password or "",
        )
        user = _run_in_session(
            lambda s: create_user(s, data, principal=LOCAL_ADMIN, actor=Actor(CLI_ACTOR_LABEL))
        )
    except (AppError, ValidationError) as exc:
        _fail(exc)
    console.print(f"[green]User {user.username!r} created with role {user.role}.[/green]")


@users_app.command("list")
def users_list(
    role: Annotated[str | None, typer.Option(help="Only this role")] = None,
    region: Annotated[str | None, typer.Option(help="Only users scoped to this region")] = None,
) -> None:
    """List user accounts."""
    from siaga.core.pagination import PageParams
    from siaga.models import Role
    from siaga.users.service import list_users

    if role is not None and role not in {r.value for r in Role}:
        _fail(ValueError(f"role must be one of {', '.join(r.value for r in Role)}"))

    page = _run_in_session(
        lambda s: list_users(
            s,
            PageParams(limit=500, offset=0),
            scope=None,
            role=Role(role) if role else None,
            region=region,
            active=None,
            q=None,
        )
    )
    table = Table("username", "role", "region", "agency", "active", "last login")
    for u in page.items:
        table.add_row(
            u.username,
            u.role,
            u.region_code or "(nasional)",
            u.agency_code or "",
            "ya" if u.is_active else "tidak",
            u.last_login_at.isoformat(timespec="minutes") if u.last_login_at else "",
        )
    console.print(table)
    console.print(f"{page.total} users (first {len(page.items)} shown)")


def _update_user(username: str, **changes: Any) -> None:
    from pydantic import ValidationError

    from siaga.audit.service import Actor
    from siaga.core.errors import AppError
    from siaga.users.rules import LOCAL_ADMIN
    from siaga.users.schemas import UserUpdate
    from siaga.users.service import update_user

    try:
        _run_in_session(
            lambda s: update_user(
                s,
                username,
                UserUpdate(**changes),
                principal=LOCAL_ADMIN,
                actor=Actor(CLI_ACTOR_LABEL),
            )
        )
    except (AppError, ValidationError) as exc:
        _fail(exc)


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Disable an account; its sessions end at once."""
    _update_user(username, is_active=False)
    console.print(f"User {username!r} disabled.")


@users_app.command("enable")
def users_enable(username: str) -> None:
    """Enable a disabled account."""
    _update_user(username, is_active=True)
    console.print(f"User {username!r} enabled.")


@users_app.command("set-password")
def users_set_password(
    username: str,
    password: Annotated[str | None, typer.Option(hide_input=True)] = None,
) -> None:
    """Set a new password; the account's sessions end."""
    if password is None:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    _update_user(username, password=password)
    console.print(f"Password of {username!r} changed.")


@apikeys_app.command("create")
def apikeys_create(
    name: Annotated[str, typer.Argument(help="Which system uses the key")],
    scope: Annotated[list[str], typer.Option("--scope", help="read, write or import; repeat")],
    region: Annotated[str | None, typer.Option(help="Region subtree; omit for national")] = None,
    days: Annotated[int, typer.Option(help="Days until the key expires")] = 365,
) -> None:
    """Create an API key; the secret is printed once."""
    from pydantic import ValidationError

    from siaga.apikeys.schemas import ApiKeyCreate
    from siaga.apikeys.service import create_key
    from siaga.audit.service import Actor
    from siaga.core.errors import AppError
    from siaga.users.rules import LOCAL_ADMIN

    try:
        data = ApiKeyCreate(
            name=name,
            region=region,
            scopes=scope,  # validated by pydantic
            expires_in_days=days,
        )
        created = _run_in_session(
            lambda s: create_key(
                s, get_settings(), data, principal=LOCAL_ADMIN, actor=Actor(CLI_ACTOR_LABEL)
            )
        )
    except (AppError, ValidationError) as exc:
        _fail(exc)
    console.print(
        f"API key {created.prefix} created for {created.name!r}, expires "
        f"{created.expires_at:%Y-%m-%d}. Store it now; it is not shown again:"
    )
    sys.stdout.write(created.key + "\n")


@apikeys_app.command("list")
def apikeys_list() -> None:
    """List API keys."""
    from siaga.apikeys.service import list_keys
    from siaga.core.pagination import PageParams

    page = _run_in_session(
        lambda s: list_keys(s, PageParams(limit=500, offset=0), scope=None, active=None)
    )
    table = Table("prefix", "name", "region", "scopes", "expires", "revoked", "last used")
    for k in page.items:
        table.add_row(
            k.prefix,
            k.name,
            k.region_code or "(nasional)",
            ",".join(k.scopes),
            f"{k.expires_at:%Y-%m-%d}" if k.expires_at else "",
            f"{k.revoked_at:%Y-%m-%d}" if k.revoked_at else "",
            f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "",
        )
    console.print(table)


@apikeys_app.command("revoke")
def apikeys_revoke(prefix: str) -> None:
    """Revoke an API key by its prefix; it stops working at once."""
    from siaga.apikeys.service import revoke_key
    from siaga.audit.service import Actor
    from siaga.core.errors import AppError
    from siaga.users.rules import LOCAL_ADMIN

    try:
        _run_in_session(
            lambda s: revoke_key(s, prefix, principal=LOCAL_ADMIN, actor=Actor(CLI_ACTOR_LABEL))
        )
    except AppError as exc:
        _fail(exc)
    console.print(f"API key {prefix} revoked.")


evidence_app = typer.Typer(help="Maintain the evidence store.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")


@evidence_app.command("gc")
def evidence_gc(
    older_than_hours: Annotated[
        int, typer.Option(help="Only objects older than this (uploads in flight are younger)")
    ] = 24,
) -> None:
    """Delete stored evidence objects that no database row references (crash leftovers)."""
    from datetime import timedelta

    from siaga.core.storage import get_storage
    from siaga.evidence.service import collect_garbage

    storage = get_storage(get_settings())
    report = _run_in_session(
        lambda s: collect_garbage(s, storage, timedelta(hours=older_than_hours))
    )
    console.print(
        f"Deleted {report.objects_deleted} unreferenced objects and "
        f"{report.staging_files_deleted} stale staging files."
    )


regions_app = typer.Typer(help="Manage regions and their map outlines.", no_args_is_help=True)
app.add_typer(regions_app, name="regions")


@regions_app.command("import-boundaries")
def regions_import_boundaries(
    file: Annotated[
        Path,
        typer.Argument(
            help="GeoJSON FeatureCollection; the region code in properties.code",
            exists=True,
            dir_okay=False,
        ),
    ],
    tolerance: Annotated[
        float | None,
        typer.Option(
            "--tolerance",
            min=0,
            max=1,
            help="Douglas-Peucker tolerance in degrees (0 keeps every point) "
            "[default: 0.001 above 20,000 points, else none]",
        ),
    ] = None,
) -> None:
    """Load region outlines for the map, all or nothing; reloading replaces them."""
    from siaga.audit.service import Actor
    from siaga.core.errors import AppError
    from siaga.regions.boundaries import import_boundaries

    raw = file.read_bytes()
    try:
        result = _run_in_session(
            lambda s: import_boundaries(
                s,
                raw,
                scope=None,
                actor=Actor(CLI_ACTOR_LABEL),
                tolerance=tolerance,
                source=file.name[:300],
            )
        )
    except AppError as exc:
        _fail(exc)
    table = Table(title="Batas wilayah (region boundaries)", show_header=False)
    for label, value in (
        ("Fitur (features)", result.features),
        ("Baru (created)", result.created),
        ("Diperbarui (updated)", result.updated),
        ("Tetap (unchanged)", result.unchanged),
        ("Titik diterima (points received)", result.points_received),
        ("Titik disimpan (points stored)", result.points_stored),
        ("Toleransi (tolerance, deg)", "-" if result.tolerance is None else result.tolerance),
    ):
        table.add_row(label, str(value))
    console.print(table)


IMPORT_KINDS = ("submissions", "regions", "agencies", "indicators", "users")


@app.command("import")
def import_file(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV (UTF-8, comma or semicolon) or XLSX with the kind's header row",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    kind: Annotated[str, typer.Option("--kind", help=", ".join(IMPORT_KINDS))],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and write nothing")
    ] = False,
    url: Annotated[
        str | None,
        typer.Option("--url", help="A remote Siaga server; omit to use the local database"),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key", envvar="SIAGA_API_KEY", help="API key with the import scope (--url)"
        ),
    ] = None,
    idempotency_key: Annotated[
        str | None,
        typer.Option(
            "--idempotency-key", help="Retrying with the same key returns the first result"
        ),
    ] = None,
) -> None:
    """Import a file of answers or reference data; exit 0 done, 1 row errors, 2 file errors."""
    from siaga.imports.console import EXIT_FILE_ERROR

    if kind not in IMPORT_KINDS:
        raise typer.BadParameter(f"must be one of {', '.join(IMPORT_KINDS)}", param_hint="--kind")
    if url is not None and not api_key:
        raise typer.BadParameter("--url needs --api-key (or SIAGA_API_KEY)", param_hint="--api-key")
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 200:
        raise typer.BadParameter("1 to 200 characters", param_hint="--idempotency-key")
    if url is not None and api_key:
        code = _import_remote(file, kind, dry_run, url, api_key, idempotency_key)
    else:
        code = _import_local(file, kind, dry_run, idempotency_key)
    if code == EXIT_FILE_ERROR:
        err_console.print("[red]Berkas tidak diimpor (the file was not imported).[/red]")
    raise typer.Exit(code=code)


def _import_local(file: Path, kind: str, dry_run: bool, idempotency_key: str | None) -> int:
    from dataclasses import dataclass

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from siaga.audit.service import Actor
    from siaga.core.errors import AppError
    from siaga.core.security import Capability, Principal
    from siaga.imports.console import show_batch, show_error
    from siaga.imports.service import run_import
    from siaga.models import ImportKind, Role

    @dataclass(frozen=True)
    class _LocalPrincipal(Principal):
        # Whoever runs the command on the server already holds the whole database: a
        # national administrator that is no account, so the batch has no author row and
        # the audit trail names "cli", as for every other local command.
        @property
        def user_id(self) -> int | None:
            return None

    principal = _LocalPrincipal(
        kind="user",
        id=0,
        label=CLI_ACTOR_LABEL,
        capabilities=frozenset(Capability),
        region_code=None,
        role=Role.ADMIN,
    )
    settings = get_settings()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task(f"{file.name}: membaca (reading)...", total=None)

        def rows_done(rows: int) -> None:
            progress.update(task, description=f"{file.name}: {rows:,} baris (rows)")

        failure: AppError | None = None
        try:
            batch, replayed = _run_in_session(
                lambda s: run_import(
                    s,
                    principal,
                    Actor(CLI_ACTOR_LABEL),
                    ImportKind(kind),
                    file,
                    filename=file.name,
                    dry_run=dry_run,
                    idempotency_key=idempotency_key,
                    timezone=settings.timezone,
                    progress=rows_done,
                )
            )
        except AppError as exc:
            failure = exc
    # Printed once the progress display is gone, so nothing is drawn over it.
    if failure is not None:
        return show_error(
            err_console,
            None,
            {"code": failure.code, "message": failure.message, "details": failure.details},
        )
    if replayed:
        console.print("Idempotency-Key sudah dipakai: hasil impor pertama (the first result).")
    return show_batch(console, batch.model_dump(mode="json"))


def _import_remote(
    file: Path,
    kind: str,
    dry_run: bool,
    url: str,
    api_key: str,
    idempotency_key: str | None,
) -> int:
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TransferSpeedColumn,
    )

    from siaga.imports.client import ImportClientError, imports_url, post_import
    from siaga.imports.console import EXIT_FILE_ERROR, show_batch, show_error

    size = file.stat().st_size
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task(f"{file.name}: mengunggah (uploading)", total=size)

        def sent(done: int) -> None:
            description = (
                f"{file.name}: server memeriksa (the server is checking)"
                if done >= size
                else f"{file.name}: mengunggah (uploading)"
            )
            progress.update(task, completed=done, description=description)

        failure: ImportClientError | None = None
        try:
            response = post_import(
                file,
                kind=kind,
                base_url=url,
                api_key=api_key,
                dry_run=dry_run,
                idempotency_key=idempotency_key,
                on_progress=sent,
            )
        except ImportClientError as exc:
            failure = exc
    if failure is not None:
        err_console.print(f"[red]{escape(str(failure))}[/red]")
        return EXIT_FILE_ERROR
    error = response.body.get("error")
    if not response.ok or isinstance(error, dict):
        if not isinstance(error, dict):  # not the contract's shape: show what came back
            error = {"code": "http_error", "message": str(response.body)[:500]}
        return show_error(err_console, response.status_code, error)
    if response.replayed:
        console.print("Idempotency-Key sudah dipakai: hasil impor pertama (the first result).")
    base = imports_url(url).removesuffix("/api/v1/imports")
    return show_batch(console, response.body, base_url=base)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development)")] = False,
) -> None:
    """Serve the API and the built SPA."""
    import uvicorn

    from siaga.core.logging import log_config
    from siaga.core.metrics import prepare_multiprocess_dir

    settings = get_settings()
    prepare_multiprocess_dir(workers)
    uvicorn.run(
        "siaga.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_level=settings.log_level.lower(),
        # JSON lines in production, request ids everywhere; the access log is ours.
        log_config=log_config(settings),
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


if __name__ == "__main__":
    app()
