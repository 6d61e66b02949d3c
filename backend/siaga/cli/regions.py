"""`siaga regions`: the map outlines, loaded from a GeoJSON file on the server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from siaga.cli.common import CLI_ACTOR_LABEL, console, fail, run_in_session

regions_app = typer.Typer(help="Manage regions and their map outlines.", no_args_is_help=True)


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
        result = run_in_session(
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
        fail(exc)
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
