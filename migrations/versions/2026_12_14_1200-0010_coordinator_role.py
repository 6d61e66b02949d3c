"""coordinator role (issue 19 item 1)

A fifth account role, `coordinator`: the head of one Pemda's Kesbangpol monitoring team,
scoped to that one Pemda. The role column is a portable enum (VARCHAR plus the CHECK
constraint `ck_users_user_role`, models.base.str_enum), not a native PostgreSQL type:
the column widens from 8 to 11 characters and the CHECK admits the new value.

PostgreSQL alters the column and replaces the constraint. SQLite cannot alter a CHECK,
and rebuilding `users` would drop it first, which cascades to its sessions and clears
every reference to it; so the table's stored definition is edited in place, SQLite's
documented procedure for a constraint that only accepts more than before
(https://www.sqlite.org/lang_altertable.html, "making other kinds of table schema
changes"). Every row valid before stays valid.

A downgrade refuses while coordinator accounts exist: turning them into another role
would widen or change what they may see, and deleting them would lose their history.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-14 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHECK_NAME = "ck_users_user_role"
_OLD_ROLES = ("admin", "verifier", "operator", "viewer")
_NEW_ROLES = ("admin", "verifier", "coordinator", "operator", "viewer")
_OLD_LENGTH = 8
_NEW_LENGTH = 11


def _check(roles: Sequence[str]) -> str:
    return "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _sqlite_rewrite(roles_from: Sequence[str], roles_to: Sequence[str], length: int) -> None:
    """Replace the role column's type and CHECK in the stored CREATE TABLE of `users`."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'"
    ).scalar_one()
    old_check, new_check = f"CHECK ({_check(roles_from)})", f"CHECK ({_check(roles_to)})"
    if old_check not in sql:
        raise RuntimeError(f"users: constraint {_CHECK_NAME} is not {old_check!r}")
    new_sql = sql.replace(old_check, new_check)
    # The type as SQLAlchemy wrote it; SQLite does not enforce it, the model comparison
    # reads it.
    for old_length in (_OLD_LENGTH, _NEW_LENGTH):
        new_sql = new_sql.replace(
            f"role VARCHAR({old_length}) NOT NULL", f"role VARCHAR({length}) NOT NULL"
        )
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    try:
        bind.execute(
            sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'users'"),
            {"sql": new_sql},
        )
        # A new schema version makes every connection read the edited definition.
        bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def upgrade() -> None:
    if _sqlite():
        _sqlite_rewrite(_OLD_ROLES, _NEW_ROLES, _NEW_LENGTH)
        return
    op.alter_column(
        "users",
        "role",
        type_=sa.String(length=_NEW_LENGTH),
        existing_type=sa.String(length=_OLD_LENGTH),
        existing_nullable=False,
    )
    op.drop_constraint(op.f(_CHECK_NAME), "users", type_="check")
    op.create_check_constraint(op.f(_CHECK_NAME), "users", _check(_NEW_ROLES))


def downgrade() -> None:
    coordinators = (
        op.get_bind()
        .execute(sa.text("SELECT count(*) FROM users WHERE role = 'coordinator'"))
        .scalar_one()
    )
    if coordinators:
        raise RuntimeError(
            f"{coordinators} coordinator account(s) exist: change or remove them before "
            "downgrading below revision 0010"
        )
    if _sqlite():
        _sqlite_rewrite(_NEW_ROLES, _OLD_ROLES, _OLD_LENGTH)
        return
    op.drop_constraint(op.f(_CHECK_NAME), "users", type_="check")
    op.create_check_constraint(op.f(_CHECK_NAME), "users", _check(_OLD_ROLES))
    op.alter_column(
        "users",
        "role",
        type_=sa.String(length=_OLD_LENGTH),
        existing_type=sa.String(length=_NEW_LENGTH),
        existing_nullable=False,
    )
