"""`siaga seed`: the demo and the national benchmark data sets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.cli.common import console, run_in_session
from siaga.core.settings import get_settings

if TYPE_CHECKING:
    from siaga.seed.demo import SeedSummary

seed_app = typer.Typer(help="Load data sets.", no_args_is_help=True)


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

    async def work(session: AsyncSession) -> SeedSummary | None:
        if if_empty and await demo.has_regions(session):
            return None
        return await demo.seed_demo(session, get_storage(settings), settings.demo_password)

    summary = run_in_session(work)
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
        ("Laporan Pemda baru (Pemda reports created)", summary.reports_created),
    ):
        table.add_row(label, str(value))
    console.print(table)
    console.print(
        "Demo users: admin, verifikator.nasional, verifikator.64, pemantau.64, "
        "koordinator.<region code> (for example koordinator.64.72), operator.<agency code> "
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
    summary = run_in_session(lambda s: bench.seed_bench(s, regions=rows, seed=chosen))
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
