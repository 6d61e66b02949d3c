"""Top-level commands around the server: the schema, the OpenAPI document, serving."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from siaga.cli.common import console
from siaga.core.settings import get_settings


def migrate(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Bring the database schema up to date (alembic upgrade)."""
    from siaga.core import migrations

    settings = get_settings()
    migrations.upgrade(settings.database_url, revision)
    console.print(f"[green]Database migrated to {revision}[/green]")


def openapi() -> None:
    """Print the OpenAPI document (the SPA's client is generated from it)."""
    from siaga.main import create_app

    spec = create_app().openapi()
    sys.stdout.write(json.dumps(spec, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


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
