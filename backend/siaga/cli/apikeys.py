"""`siaga apikeys`: keys for other systems, created and revoked as the local administrator."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from siaga.cli.common import CLI_ACTOR_LABEL, console, fail, run_in_session
from siaga.core.settings import get_settings

apikeys_app = typer.Typer(help="Manage API keys for other systems.", no_args_is_help=True)


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
        created = run_in_session(
            lambda s: create_key(
                s, get_settings(), data, principal=LOCAL_ADMIN, actor=Actor(CLI_ACTOR_LABEL)
            )
        )
    except (AppError, ValidationError) as exc:
        fail(exc)
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

    page = run_in_session(
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
        run_in_session(
            lambda s: revoke_key(s, prefix, principal=LOCAL_ADMIN, actor=Actor(CLI_ACTOR_LABEL))
        )
    except AppError as exc:
        fail(exc)
    console.print(f"API key {prefix} revoked.")
