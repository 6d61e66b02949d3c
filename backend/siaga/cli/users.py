"""`siaga users`: accounts managed from the server's shell, as the local administrator."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from siaga.cli.common import CLI_ACTOR_LABEL, console, fail, run_in_session

users_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Login name")],
    role: Annotated[str, typer.Option(help="admin, verifier, coordinator, operator or viewer")],
    region: Annotated[
        str | None,
        typer.Option(
            help="Region code of the scope (admin, verifier, viewer; a coordinator's Pemda)"
        ),
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
        user = run_in_session(
            lambda s: create_user(s, data, principal=LOCAL_ADMIN, actor=Actor(CLI_ACTOR_LABEL))
        )
    except (AppError, ValidationError) as exc:
        fail(exc)
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
        fail(ValueError(f"role must be one of {', '.join(r.value for r in Role)}"))

    page = run_in_session(
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
    # `changes` are UserUpdate's fields, validated by it.
    from pydantic import ValidationError

    from siaga.audit.service import Actor
    from siaga.core.errors import AppError
    from siaga.users.rules import LOCAL_ADMIN
    from siaga.users.schemas import UserUpdate
    from siaga.users.service import update_user

    try:
        run_in_session(
            lambda s: update_user(
                s,
                username,
                UserUpdate(**changes),
                principal=LOCAL_ADMIN,
                actor=Actor(CLI_ACTOR_LABEL),
            )
        )
    except (AppError, ValidationError) as exc:
        fail(exc)


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
