"""`siaga import`: a file imported into the local database, or sent to a remote server.

Both modes print the API's JSON shapes through imports.console, so the outcome reads the
same on screen whichever way the file went.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from siaga.cli.common import CLI_ACTOR_LABEL, console, err_console, run_in_session
from siaga.core.settings import get_settings

if TYPE_CHECKING:
    from siaga.core.security import Principal

IMPORT_KINDS = ("submissions", "regions", "agencies", "indicators", "users")
_REPLAYED = "Idempotency-Key sudah dipakai: hasil impor pertama (the first result)."


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


def _local_principal() -> Principal:
    """Whoever runs the command on the server already holds the whole database: a national
    administrator that is no account, so the batch has no author row and the audit trail
    names "cli", as for every other local command."""
    from dataclasses import dataclass

    from siaga.core.security import Capability, Principal
    from siaga.models import Role

    @dataclass(frozen=True)
    class _LocalPrincipal(Principal):
        @property
        def user_id(self) -> int | None:
            return None

    return _LocalPrincipal(
        kind="user",
        id=0,
        label=CLI_ACTOR_LABEL,
        capabilities=frozenset(Capability),
        region_code=None,
        role=Role.ADMIN,
    )


def _import_local(file: Path, kind: str, dry_run: bool, idempotency_key: str | None) -> int:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from siaga.audit.service import Actor
    from siaga.core.errors import AppError
    from siaga.imports.console import show_batch, show_error
    from siaga.imports.service import run_import
    from siaga.models import ImportKind

    principal = _local_principal()
    settings = get_settings()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task(f"{file.name}: membaca (reading)...", total=None)

        def rows_done(rows: int) -> None:
            progress.update(task, description=f"{file.name}: {rows:,} baris (rows)")

        failure: AppError | None = None
        try:
            batch, replayed = run_in_session(
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
        console.print(_REPLAYED)
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
    from siaga.imports.console import EXIT_FILE_ERROR, show_batch, show_response_error

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
    if not response.ok or isinstance(response.body.get("error"), dict):
        return show_response_error(err_console, response.status_code, response.body)
    if response.replayed:
        console.print(_REPLAYED)
    base = imports_url(url).removesuffix("/api/v1/imports")
    return show_batch(console, response.body, base_url=base)
