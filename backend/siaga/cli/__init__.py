"""The `siaga` command: database, demo data, users, the server and its worker.

One module per command group; this one assembles them. Commands import their domain
modules when they run, so `siaga --help` starts without loading the application.
"""

from __future__ import annotations

import typer

from siaga.cli import server
from siaga.cli.apikeys import apikeys_app
from siaga.cli.evidence import evidence_app
from siaga.cli.imports import import_file
from siaga.cli.periods import periods_app
from siaga.cli.regions import regions_app
from siaga.cli.seed import seed_app
from siaga.cli.users import users_app
from siaga.cli.worker import worker

app = typer.Typer(help="Siaga: kesiapan pemerintah daerah mendukung Pemilu.", no_args_is_help=True)
# Registration order is the order `siaga --help` lists them in.
app.command()(server.migrate)
app.command()(server.openapi)
app.command("import")(import_file)
app.command()(server.serve)
app.command()(worker)
app.add_typer(seed_app, name="seed")
app.add_typer(users_app, name="users")
app.add_typer(apikeys_app, name="apikeys")
app.add_typer(evidence_app, name="evidence")
app.add_typer(regions_app, name="regions")
app.add_typer(periods_app, name="periods")

__all__ = ["app"]
