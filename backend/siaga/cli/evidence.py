"""`siaga evidence`: upkeep of the evidence store."""

from __future__ import annotations

from typing import Annotated

import typer

from siaga.cli.common import console, run_in_session
from siaga.core.settings import get_settings

evidence_app = typer.Typer(help="Maintain the evidence store.", no_args_is_help=True)


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
    report = run_in_session(
        lambda s: collect_garbage(s, storage, timedelta(hours=older_than_hours))
    )
    console.print(
        f"Deleted {report.objects_deleted} unreferenced objects and "
        f"{report.staging_files_deleted} stale staging files."
    )
