"""framework versions (draft -> published) and self-service accounts

Frameworks become versions: each row is `draft` while administrators edit it and
`published` once validated, after which it never changes. Every framework that exists
today is in use by periods, so it is backfilled as published. `copied_from` names the
code of the version a draft was copied from, for the difference between the two (a code,
not a foreign key: a published version's code never changes, and SQLite cannot drop a
column that a foreign key uses).

Accounts: `must_change_password` is set by an administrator's reset and cleared when
the user changes the password; `phone` is shown on the profile page.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-13 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUS_CHECK = "status IN ('draft', 'published')"
_STATUS_NAME = "ck_frameworks_framework_status"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _sqlite():
        # In place, not batch mode: copying a table would cascade-delete its children.
        op.execute(
            "ALTER TABLE frameworks ADD COLUMN status VARCHAR(9) NOT NULL DEFAULT 'published' "
            f"CONSTRAINT {_STATUS_NAME} CHECK ({_STATUS_CHECK})"
        )
        op.execute("ALTER TABLE frameworks ADD COLUMN published_at DATETIME")
        op.execute("ALTER TABLE frameworks ADD COLUMN copied_from VARCHAR(40)")
        op.execute("ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT 0")
        op.execute("ALTER TABLE users ADD COLUMN phone VARCHAR(30)")
    else:
        op.add_column(
            "frameworks",
            sa.Column("status", sa.String(length=9), nullable=False, server_default="published"),
        )
        op.create_check_constraint(op.f(_STATUS_NAME), "frameworks", _STATUS_CHECK)
        op.add_column(
            "frameworks", sa.Column("published_at", sa.DateTime(timezone=True), nullable=True)
        )
        op.add_column("frameworks", sa.Column("copied_from", sa.String(length=40), nullable=True))
        op.add_column(
            "users",
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            ),
        )
        op.add_column("users", sa.Column("phone", sa.String(length=30), nullable=True))
    frameworks = sa.table(
        "frameworks",
        sa.column("published_at", sa.DateTime(timezone=True)),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    op.execute(frameworks.update().values(published_at=frameworks.c.created_at))


def downgrade() -> None:
    if _sqlite():
        for table, column in (
            ("users", "phone"),
            ("users", "must_change_password"),
            ("frameworks", "copied_from"),
            ("frameworks", "published_at"),
            ("frameworks", "status"),
        ):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column("users", "phone")
        op.drop_column("users", "must_change_password")
        op.drop_column("frameworks", "copied_from")
        op.drop_column("frameworks", "published_at")
        op.drop_constraint(op.f(_STATUS_NAME), "frameworks", type_="check")
        op.drop_column("frameworks", "status")
